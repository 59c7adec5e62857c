import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';
import { NO_SESSION_ID, type ServerHelloModel } from './model.js';
import type { ExtensionProblem } from './extensions.js';
import { OWN_COPIES, type ByteKeeper, type HelloBytes } from './hello-bytes.js';
import { readServerHelloExtensions, type ServerHelloExtensionFields } from './hello-extensions.js';

/**
 * RFC 8446 §4.1.3: a HelloRetryRequest is a ServerHello whose random is
 * SHA-256("HelloRetryRequest").
 */
export const HELLO_RETRY_REQUEST_RANDOM: Uint8Array = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/** A decoded ServerHello or HelloRetryRequest: the model's fields that come from the message. */
export interface ServerHello
  extends Omit<ServerHelloModel, 'direction' | 'frame' | 'tsSec' | 'tsNsec' | 'recordVersion'> {
  extensionProblems: ExtensionProblem[];
}

/**
 * TLS 1.3 drafts up to 21 (0x7f00..0x7f15, and early stacks that put 0x0304 itself in the
 * version field) sent `struct { ProtocolVersion version; Random random; CipherSuite cipher_suite;
 * Extension extensions<0..2^16-1>; } ServerHello;` without session id and compression
 * (draft-ietf-tls-tls13-21 §4.1.3); draft 22 brought them back for middlebox compatibility.
 */
function isEarlyDraftVersion(version: number): boolean {
  return version === 0x0304 || (version >= 0x7f00 && version <= 0x7f15);
}

function isHelloRetryRandom(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < 32; i++) if (bytes[at + i] !== HELLO_RETRY_REQUEST_RANDOM[i]) return false;
  return true;
}

/**
 * RFC 8446 §4.1.3 (RFC 5246 §7.4.1.3 for TLS 1.2 and earlier, where extensions are optional)
 * ```
 *   struct {
 *       ProtocolVersion legacy_version = 0x0303;    // TLS v1.2
 *       Random random;
 *       opaque legacy_session_id_echo<0..32>;
 *       CipherSuite cipher_suite;
 *       uint8 legacy_compression_method = 0;
 *       Extension extensions<6..2^16-1>;
 *   } ServerHello;
 * ```
 * A random equal to SHA-256("HelloRetryRequest") marks a HelloRetryRequest, whose extensions
 * have their HRR shapes (key_share carries only the selected group). With `keeper`, the random
 * and session id are its copies (see {@link HelloBytes}), else arrays of their own.
 */
export function parseServerHello(body: Cursor, keeper: ByteKeeper = OWN_COPIES): ParseResult<ServerHello> {
  // Read in place, as parseClientHello: error offsets are relative to `base`.
  const base = body.pos;
  const length = body.remaining;
  const b = body.bytes;
  const end = body.end;
  let p = base;
  if (end - p < 2) return malformed('ServerHello shorter than its version', p - base);
  const version = (b[p]! << 8) | b[p + 1]!;
  p += 2;
  if (end - p < 32) return malformed('ServerHello shorter than its random', p - base);
  const randomAt = p;
  p += 32;
  const helloRetryRequest = isHelloRetryRandom(b, randomAt);
  const draftForm = isEarlyDraftVersion(version);
  let sessionId: Uint8Array;
  if (!draftForm) {
    if (end - p < 1 || end - p - 1 < b[p]!) return malformed('legacy_session_id_echo runs past the message', p - base);
    const echoLength = b[p]!;
    if (echoLength > 32) return malformed(`legacy_session_id_echo of ${echoLength} bytes exceeds 32`, p - base);
    sessionId = echoLength === 0 ? NO_SESSION_ID : keeper.copy(b, p + 1, p + 1 + echoLength);
    p += 1 + echoLength;
  } else {
    // The draft form has none.
    sessionId = NO_SESSION_ID;
  }
  const random = keeper.copy(b, randomAt, randomAt + 32);
  if (end - p < 2) return malformed('ServerHello shorter than its cipher_suite', p - base);
  const cipherSuite = (b[p]! << 8) | b[p + 1]!;
  p += 2;
  let compressionMethod = 0;
  if (!draftForm) {
    if (end - p < 1) return malformed('ServerHello shorter than its compression method', p - base);
    compressionMethod = b[p]!;
    p++;
  }
  body.pos = p;

  const noExtensions = body.atEnd;
  let ext: ServerHelloExtensionFields | null = null;
  if (!noExtensions) {
    if (body.remaining < 2) return malformed('one stray byte after the compression method', body.pos - base);
    const block = readServerHelloExtensions(body, base, helloRetryRequest);
    if (!block.ok) return block;
    ext = block.value;
    if (!body.atEnd) return malformed(`${body.remaining} bytes after the extensions`, body.pos - base);
  }
  return parsed({
    version,
    selectedVersion: ext?.selectedVersion ?? version,
    random,
    sessionId,
    cipherSuite,
    compressionMethod,
    extensions: ext ? ext.extensions : [],
    helloRetryRequest,
    alpn: ext ? ext.alpn : null,
    keyShareGroup: ext ? ext.keyShareGroup : null,
    pskSelected: ext ? ext.pskSelected : false,
    extendedMasterSecret: ext ? ext.extendedMasterSecret : false,
    renegotiationInfo: ext ? ext.renegotiationInfo : false,
    sessionTicket: ext ? ext.sessionTicket : false,
    length,
    extensionProblems: ext ? ext.problems : [],
  });
}
