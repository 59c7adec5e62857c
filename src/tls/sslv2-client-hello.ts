import { Cursor, incomplete, malformed, parsed, type ParseResult } from '../util/cursor.js';

/**
 * SSL 2.0 record header (draft-hickman-netscape-ssl-00 §2.1): a 2-byte header with the high bit
 * set (no padding), or a 3-byte header whose third byte is the padding length.
 */
export interface Sslv2RecordHeader {
  /** 2 or 3. */
  headerLength: number;
  /** Bytes after the header (MAC + data + padding). */
  length: number;
  padding: number;
}

/** SSL 2.0 handshake message types that travel in clear. */
export const Sslv2MessageType = {
  client_hello: 1,
  client_master_key: 2,
  server_hello: 4,
} as const;

/**
 * Reads an SSL 2.0 record header. A 3-byte header has its two top bits clear ("escape" bit
 * unused); the length is 14 bits then.
 */
export function parseSslv2RecordHeader(c: Cursor): ParseResult<Sslv2RecordHeader> {
  const start = c.pos;
  if (!c.has(2)) return incomplete(2);
  const b0 = c.u8();
  const b1 = c.u8();
  if (b0 & 0x80) {
    const length = ((b0 & 0x7f) << 8) | b1;
    if (length === 0) {
      c.pos = start;
      return malformed('empty SSLv2 record', 0);
    }
    return parsed({ headerLength: 2, length, padding: 0 });
  }
  if (b0 & 0x40) {
    c.pos = start;
    return malformed('SSLv2 security escape records are not supported', 0);
  }
  if (!c.has(1)) {
    c.pos = start;
    return incomplete(3);
  }
  const padding = c.u8();
  const length = ((b0 & 0x3f) << 8) | b1;
  if (length === 0 || padding > length) {
    c.pos = start;
    return malformed(`SSLv2 record length ${length} with padding ${padding}`, 0);
  }
  return parsed({ headerLength: 3, length, padding });
}

/** An SSLv2-format CLIENT-HELLO (pure SSL 2.0, or the SSLv2-compatible hello of SSL 3.0 / TLS). */
export interface Sslv2ClientHello {
  /** 0x0002 for SSL 2.0, 0x0300.. when the client can speak SSL 3.0 / TLS. */
  version: number;
  /** 3-byte cipher specs as numbers: 0x00XXXX is TLS suite 0xXXXX, others are SSL 2.0 kinds. */
  cipherSpecs: number[];
  sessionId: Uint8Array;
  challenge: Uint8Array;
  /** Message length (body of the record). */
  length: number;
}

/**
 * RFC 6101 appendix E.1 / RFC 5246 appendix E.2 (the SSLv2-compatible hello):
 * ```
 *   uint8 msg_type;                        (1 = CLIENT-HELLO)
 *   Version version;
 *   uint16 cipher_spec_length;
 *   uint16 session_id_length;
 *   uint16 challenge_length;
 *   V2CipherSpec cipher_specs[V2ClientHello.cipher_spec_length];
 *   opaque session_id[V2ClientHello.session_id_length];
 *   opaque challenge[V2ClientHello.challenge_length];
 * ```
 * `body` is the record body after the 2- or 3-byte header.
 */
export function parseSslv2ClientHello(body: Cursor): ParseResult<Sslv2ClientHello> {
  const length = body.remaining;
  if (!body.has(9)) return incomplete(9);
  const base = body.pos;
  const type = body.u8();
  if (type !== Sslv2MessageType.client_hello) return malformed(`SSLv2 message type ${type} is not CLIENT-HELLO`, 0);
  const version = body.u16();
  const specLength = body.u16();
  const sessionIdLength = body.u16();
  const challengeLength = body.u16();
  if (specLength % 3 !== 0 || specLength === 0) return malformed(`cipher_spec_length ${specLength} is not a positive multiple of 3`, 3);
  if (sessionIdLength > 32) {
    return malformed(`session_id_length ${sessionIdLength}`, 5);
  }
  if (challengeLength < 16 || challengeLength > 32) return malformed(`challenge_length ${challengeLength} is not 16..32`, 7);
  const specs = body.sub(specLength);
  if (!specs) return malformed('cipher specs run past the record', body.pos - base);
  const cipherSpecs: number[] = [];
  while (!specs.atEnd) cipherSpecs.push((specs.u8() << 16) | specs.u16());
  const sessionId = body.bytesView(sessionIdLength);
  if (!sessionId) return malformed('session id runs past the record', body.pos - base);
  const challenge = body.bytesView(challengeLength);
  if (!challenge) return malformed('challenge runs past the record', body.pos - base);
  return parsed({ version, cipherSpecs, sessionId: sessionId.slice(), challenge: challenge.slice(), length });
}

/** A pure SSL 2.0 SERVER-HELLO. */
export interface Sslv2ServerHello {
  sessionIdHit: boolean;
  certificateType: number;
  version: number;
  /** The server's certificate (X.509 DER when certificateType is 1), or null when absent. */
  certificate: Uint8Array | null;
  cipherSpecs: number[];
  connectionId: Uint8Array;
  length: number;
}

/**
 * draft-hickman-netscape-ssl-00 §2.6 (SSL 2.0):
 * ```
 *   char MSG-SERVER-HELLO              (4)
 *   char SESSION-ID-HIT
 *   char CERTIFICATE-TYPE
 *   char SERVER-VERSION-MSB, SERVER-VERSION-LSB
 *   char CERTIFICATE-LENGTH-MSB, -LSB
 *   char CIPHER-SPECS-LENGTH-MSB, -LSB
 *   char CONNECTION-ID-LENGTH-MSB, -LSB
 *   char CERTIFICATE-DATA[MSB<<8|LSB]
 *   char CIPHER-SPECS-DATA[MSB<<8|LSB]
 *   char CONNECTION-ID-DATA[MSB<<8|LSB]
 * ```
 */
export function parseSslv2ServerHello(body: Cursor): ParseResult<Sslv2ServerHello> {
  const length = body.remaining;
  if (!body.has(11)) return incomplete(11);
  const base = body.pos;
  const type = body.u8();
  if (type !== Sslv2MessageType.server_hello) return malformed(`SSLv2 message type ${type} is not SERVER-HELLO`, 0);
  const sessionIdHit = body.u8() !== 0;
  const certificateType = body.u8();
  const version = body.u16();
  const certificateLength = body.u16();
  const specLength = body.u16();
  const connectionIdLength = body.u16();
  if (specLength % 3 !== 0) return malformed(`cipher_specs_length ${specLength} is not a multiple of 3`, 7);
  const certificate = body.bytesView(certificateLength);
  if (!certificate) return malformed('certificate runs past the record', body.pos - base);
  const specs = body.sub(specLength);
  if (!specs) return malformed('cipher specs run past the record', body.pos - base);
  const cipherSpecs: number[] = [];
  while (!specs.atEnd) cipherSpecs.push((specs.u8() << 16) | specs.u16());
  const connectionId = body.bytesView(connectionIdLength);
  if (!connectionId) return malformed('connection id runs past the record', body.pos - base);
  return parsed({
    sessionIdHit,
    certificateType,
    version,
    certificate: certificateLength > 0 ? certificate.slice() : null,
    cipherSpecs,
    connectionId: connectionId.slice(),
    length,
  });
}

/**
 * True when the bytes start an SSLv2-format CLIENT-HELLO: 2-byte header, message type 1 and a
 * version SSL 2.0 .. TLS 1.3. Needs 5 bytes; fewer give null (undecided).
 */
export function looksLikeSslv2ClientHello(bytes: Uint8Array, start: number, end: number): boolean | null {
  if (end - start < 5) return null;
  const b0 = bytes[start]!;
  if ((b0 & 0x80) === 0) return false;
  const length = ((b0 & 0x7f) << 8) | bytes[start + 1]!;
  const version = (bytes[start + 3]! << 8) | bytes[start + 4]!;
  return length >= 9 && bytes[start + 2] === Sslv2MessageType.client_hello && (version === 0x0002 || (version >= 0x0300 && version <= 0x0304));
}

/** True when the bytes start a pure SSL 2.0 SERVER-HELLO record (2-byte header, type 4, version 2). */
export function looksLikeSslv2ServerHello(bytes: Uint8Array, start: number, end: number): boolean | null {
  if (end - start < 7) return null;
  const b0 = bytes[start]!;
  if ((b0 & 0x80) === 0) return false;
  const version = (bytes[start + 5]! << 8) | bytes[start + 6]!;
  return bytes[start + 2] === Sslv2MessageType.server_hello && version === 0x0002;
}
