import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';
import { NO_SESSION_ID, type ClientHelloModel } from './model.js';
import type { ExtensionProblem } from './extensions.js';
import { OWN_COPIES, type ByteKeeper, type HelloBytes } from './hello-bytes.js';
import { ClientFields, readClientHelloFields, type ClientHelloExtensionFields } from './hello-extensions.js';
import { FRESH_LISTS, type ListInterner } from './list-interner.js';

/** A decoded ClientHello: the model's fields that come from the message itself. */
export interface ClientHello
  extends Omit<ClientHelloModel, 'direction' | 'frame' | 'tsSec' | 'tsNsec' | 'recordVersion' | 'sslv2Format'> {
  /** Extensions whose content did not fit their type (kept as opaque). */
  extensionProblems: ExtensionProblem[];
}

/** The extension fields of a hello without extensions (SSL 3.0 style, SSLv2-compatible hellos). */
export function noExtensions(): Omit<ClientHelloExtensionFields, 'problems'> {
  return {
    extensions: [],
    sni: null,
    supportedVersions: [],
    alpn: [],
    supportedGroups: [],
    ecPointFormats: [],
    signatureAlgorithms: [],
    signatureAlgorithmsCert: [],
    keyShareGroups: [],
    pskKeyExchangeModes: [],
    preSharedKey: false,
    statusRequest: false,
    renegotiationInfo: false,
    extendedMasterSecret: false,
    encryptThenMac: false,
    sessionTicket: false,
    sessionTicketLength: 0,
    recordSizeLimit: null,
    compressCertificate: [],
  };
}

/**
 * RFC 8446 §4.1.2 (RFC 5246 §7.4.1.2 for TLS 1.2 and earlier, where extensions are optional)
 * ```
 *   struct {
 *       ProtocolVersion legacy_version = 0x0303;    // TLS v1.2
 *       Random random;
 *       opaque legacy_session_id<0..32>;
 *       CipherSuite cipher_suites<2..2^16-2>;
 *       opaque legacy_compression_methods<1..2^8-1>;
 *       Extension extensions<8..2^16-1>;
 *   } ClientHello;
 * ```
 * `body` spans exactly the message body (after the 4-byte handshake header). With `lists`,
 * every list of the value is the run's shared one (those read from the wire made only when
 * new, see {@link ListInterner.uint16s}).
 * With `keeper`, the random and session id are its copies (see {@link HelloBytes}), else
 * arrays of their own.
 */
export function parseClientHello(body: Cursor, lists?: ListInterner, keeper: ByteKeeper = OWN_COPIES): ParseResult<ClientHello> {
  // Read in place: sub-cursors, views and a position closure per hello showed in the
  // allocation profile. Error offsets are relative to `base`, as the Cursor reads gave them.
  const base = body.pos;
  const length = body.remaining;
  const b = body.bytes;
  const end = body.end;
  let p = base;
  if (end - p < 2) return malformed('ClientHello shorter than its version', p - base);
  const version = (b[p]! << 8) | b[p + 1]!;
  p += 2;
  if (end - p < 32) return malformed('ClientHello shorter than its random', p - base);
  const randomAt = p;
  p += 32;
  if (end - p < 1 || end - p - 1 < b[p]!) return malformed('legacy_session_id runs past the message', p - base);
  const sessionIdLength = b[p]!;
  if (sessionIdLength > 32) return malformed(`legacy_session_id of ${sessionIdLength} bytes exceeds 32`, p - base);
  const sessionIdAt = p + 1;
  p = sessionIdAt + sessionIdLength;
  if (end - p < 2 || end - p - 2 < ((b[p]! << 8) | b[p + 1]!)) return malformed('cipher_suites runs past the message', p - base);
  const suitesLength = (b[p]! << 8) | b[p + 1]!;
  if (suitesLength % 2 !== 0) return malformed(`cipher_suites length ${suitesLength} is odd`, p - base);
  p += 2;
  const cipherSuites = (lists ?? FRESH_LISTS).uint16s(b, p, p + suitesLength);
  p += suitesLength;
  if (end - p < 1 || end - p - 1 < b[p]!) return malformed('legacy_compression_methods runs past the message', p - base);
  const methodsEnd = p + 1 + b[p]!;
  const compressionMethods = (lists ?? FRESH_LISTS).uint8s(b, p + 1, methodsEnd);
  p = methodsEnd;
  body.pos = p;
  const random = keeper.copy(b, randomAt, randomAt + 32);
  const sessionId = sessionIdLength === 0
    ? NO_SESSION_ID
    : keeper.copy(b, sessionIdAt, sessionIdAt + sessionIdLength);

  let e: ClientFields;
  if (body.atEnd) {
    e = new ClientFields(lists);
    e.extensions = [];
    e.problems = [];
  } else {
    if (body.remaining < 2) return malformed('one stray byte after compression methods', p - base);
    const fields = readClientHelloFields(body, base, lists);
    if (!(fields instanceof ClientFields)) return fields;
    if (!body.atEnd) return malformed(`${body.remaining} bytes after the extensions`, body.pos - base);
    e = fields;
  }
  if (lists) shareRest(e, lists);
  // Straight from the fields read: an intermediate result object per hello showed in the
  // allocation profile. An absent list is a new empty one, as noExtensions() gives.
  return parsed({
    version,
    random,
    sessionId,
    cipherSuites,
    compressionMethods,
    extensions: e.extensions,
    sni: e.sni,
    supportedVersions: e.supportedVersions ?? [],
    alpn: e.alpn ?? [],
    supportedGroups: e.supportedGroups ?? [],
    ecPointFormats: e.ecPointFormats ?? [],
    signatureAlgorithms: e.signatureAlgorithms ?? [],
    signatureAlgorithmsCert: e.signatureAlgorithmsCert ?? [],
    keyShareGroups: e.keyShareGroups ?? [],
    pskKeyExchangeModes: e.pskKeyExchangeModes ?? [],
    preSharedKey: e.preSharedKey,
    statusRequest: e.statusRequest,
    renegotiationInfo: e.renegotiationInfo,
    extendedMasterSecret: e.extendedMasterSecret,
    encryptThenMac: e.encryptThenMac,
    sessionTicket: e.sessionTicket,
    sessionTicketLength: e.sessionTicketLength,
    recordSizeLimit: e.recordSizeLimit,
    compressCertificate: e.compressCertificate ?? [],
    length,
    extensionProblems: e.problems,
  });
}

/**
 * Shares the lists the interner did not read from the wire (the extension types, key share
 * groups, ALPN names, and the absent ones), so that every list of the hello is shared. One
 * call per kind of list: each call site of the interner is compiled into this function.
 */
function shareRest(e: ClientFields, lists: ListInterner): void {
  e.extensions = lists.numbers(e.extensions);
  const empty = lists.numbers([]);
  e.keyShareGroups = e.keyShareGroups ? lists.numbers(e.keyShareGroups) : empty;
  e.alpn = lists.strings(e.alpn ?? []);
  e.supportedVersions ??= empty;
  e.supportedGroups ??= empty;
  e.ecPointFormats ??= empty;
  e.signatureAlgorithms ??= empty;
  e.signatureAlgorithmsCert ??= empty;
  e.pskKeyExchangeModes ??= empty;
  e.compressCertificate ??= empty;
}
