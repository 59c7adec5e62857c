import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';
import type { ClientHelloModel } from './model.js';
import type { ExtensionProblem } from './extensions.js';
import { readClientHelloExtensions, type ClientHelloExtensionFields } from './hello-extensions.js';

/** A decoded ClientHello: the model's fields that come from the message itself. */
export interface ClientHello
  extends Omit<ClientHelloModel, 'direction' | 'frame' | 'tsSec' | 'tsNsec' | 'recordVersion' | 'sslv2Format'> {
  /** Extensions whose content did not fit their type (kept as opaque). */
  extensionProblems: ExtensionProblem[];
}

/** The extension fields of a hello without extensions (SSL 3.0 style). */
function noExtensions(): Omit<ClientHelloExtensionFields, 'problems'> {
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
 * `body` spans exactly the message body (after the 4-byte handshake header).
 */
export function parseClientHello(body: Cursor): ParseResult<ClientHello> {
  const base = body.pos;
  const length = body.remaining;
  const at = (): number => body.pos - base;
  const version = body.u16();
  if (version < 0) return malformed('ClientHello shorter than its version', at());
  const random = body.bytesView(32);
  if (!random) return malformed('ClientHello shorter than its random', at());
  const sessionId = body.vec8();
  if (!sessionId) return malformed('legacy_session_id runs past the message', at());
  if (sessionId.remaining > 32) return malformed(`legacy_session_id of ${sessionId.remaining} bytes exceeds 32`, at() - sessionId.remaining - 1);
  const suites = body.vec16();
  if (!suites) return malformed('cipher_suites runs past the message', at());
  if (suites.remaining % 2 !== 0) return malformed(`cipher_suites length ${suites.remaining} is odd`, at() - suites.remaining - 2);
  // Sized up front: growing by push made and dropped two or three backing stores a hello.
  const cipherSuites: number[] = new Array<number>(suites.remaining >> 1);
  for (let i = 0; i < cipherSuites.length; i++) cipherSuites[i] = suites.u16();
  const compression = body.vec8();
  if (!compression) return malformed('legacy_compression_methods runs past the message', at());
  const compressionMethods: number[] = new Array<number>(compression.remaining);
  for (let i = 0; i < compressionMethods.length; i++) compressionMethods[i] = compression.u8();

  if (body.atEnd) {
    return parsed({
      version,
      random: random.slice(),
      sessionId: sessionId.bytesView(sessionId.remaining)!.slice(),
      cipherSuites,
      compressionMethods,
      ...noExtensions(),
      length,
      extensionProblems: [],
    });
  }
  const extStart = at();
  if (body.remaining < 2) return malformed('one stray byte after compression methods', extStart);
  const block = readClientHelloExtensions(body, base);
  if (!block.ok) return block;
  if (!body.atEnd) return malformed(`${body.remaining} bytes after the extensions`, at());
  const e = block.value;
  return parsed({
    version,
    random: random.slice(),
    sessionId: sessionId.bytesView(sessionId.remaining)!.slice(),
    cipherSuites,
    compressionMethods,
    extensions: e.extensions,
    sni: e.sni,
    supportedVersions: e.supportedVersions,
    alpn: e.alpn,
    supportedGroups: e.supportedGroups,
    ecPointFormats: e.ecPointFormats,
    signatureAlgorithms: e.signatureAlgorithms,
    signatureAlgorithmsCert: e.signatureAlgorithmsCert,
    keyShareGroups: e.keyShareGroups,
    pskKeyExchangeModes: e.pskKeyExchangeModes,
    preSharedKey: e.preSharedKey,
    statusRequest: e.statusRequest,
    renegotiationInfo: e.renegotiationInfo,
    extendedMasterSecret: e.extendedMasterSecret,
    encryptThenMac: e.encryptThenMac,
    sessionTicket: e.sessionTicket,
    sessionTicketLength: e.sessionTicketLength,
    recordSizeLimit: e.recordSizeLimit,
    compressCertificate: e.compressCertificate,
    length,
    extensionProblems: e.problems,
  });
}
