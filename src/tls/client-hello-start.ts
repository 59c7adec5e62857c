/**
 * Recognising the first bytes of a ClientHello inside a stream that did not start with TLS
 * (STARTTLS, a proxy handshake, a database's SSL request): the point where TLS takes over.
 *
 * The test is stricter than {@link classifyStreamStart}: plain-text and binary protocols carry
 * arbitrary bytes, so only a chunk whose start is a whole, self-consistent ClientHello prefix
 * counts — five fixed fields and two lengths that must agree.
 */
import { Sslv2MessageType } from './sslv2-client-hello.js';

/** How a chunk's first bytes relate to a ClientHello. */
export type ClientHelloStart = 'tls' | 'sslv2' | 'no' | 'need-more';

/** Bytes needed at most to decide (TLS: 5 record + 4 handshake header + 2 client_version). */
export const CLIENT_HELLO_START_BYTES = 11;

/**
 * Smallest ClientHello body (RFC 5246 §7.4.1.2): client_version 2 + random 32 + session_id
 * length 1 + cipher_suites length 2 + one suite 2 + compression length 1 + one method 1.
 */
const MIN_CLIENT_HELLO_BODY = 41;
/** RFC 8446 §5.2: a TLSCiphertext may be 2^14 + 256 bytes; a plaintext one 2^14. Be lenient. */
const MAX_RECORD_LENGTH = (1 << 14) + 2048;
/** SSLv2 hello (RFC 6101 appendix E.1): challenge of 16..32 bytes, session id 0 or 16. */
const SSLV2_MIN_CHALLENGE = 16;
const SSLV2_MAX_CHALLENGE = 32;

const u16 = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!;

/**
 * Does `bytes[start, end)` begin with a ClientHello?
 *
 * TLS (RFC 8446 §5.1, §4.1.2): record type 22, record version 0x0300..0x0304, a record length
 * that fits a ClientHello, handshake type 1, a handshake length no smaller than a ClientHello
 * and either equal to the record's (the hello fills its record) or larger (the hello goes on in
 * the next record), and client_version 0x0300..0x0304.
 *
 * SSLv2-compatible hello (RFC 5246 appendix E.2): 2-byte header with the high bit, type 1,
 * version 0x0002 or 0x03xx, cipher_spec_length a non-zero multiple of 3, session_id_length
 * 0 or 16, challenge_length 16..32, and the three adding up to the record length.
 *
 * 'need-more' when the bytes at hand agree so far but are too few to decide.
 */
export function classifyClientHelloStart(bytes: Uint8Array, start: number, end: number): ClientHelloStart {
  const n = end - start;
  if (n <= 0) return 'need-more';
  const b0 = bytes[start]!;
  if (b0 === 22) return tlsHelloStart(bytes, start, n);
  if (b0 & 0x80) return sslv2HelloStart(bytes, start, n);
  return 'no';
}

function tlsHelloStart(b: Uint8Array, s: number, n: number): ClientHelloStart {
  // Check each byte as soon as it is there, so a short chunk is rejected early when it can be.
  if (n >= 2 && b[s + 1] !== 3) return 'no';
  if (n >= 3 && b[s + 2]! > 4) return 'no';
  if (n >= 6 && b[s + 5] !== 1) return 'no';
  if (n >= 10 && b[s + 9] !== 3) return 'no';
  if (n < CLIENT_HELLO_START_BYTES) return 'need-more';
  if (b[s + 10]! > 4) return 'no';
  const recordLength = u16(b, s + 3);
  // The record must at least hold the handshake header and client_version.
  if (recordLength < 6 || recordLength > MAX_RECORD_LENGTH) return 'no';
  const helloLength = (b[s + 6]! << 16) | (b[s + 7]! << 8) | b[s + 8]!;
  if (helloLength < MIN_CLIENT_HELLO_BODY) return 'no';
  // Nothing follows a ClientHello in its record; a longer hello continues in the next one.
  if (helloLength + 4 < recordLength) return 'no';
  return 'tls';
}

function sslv2HelloStart(b: Uint8Array, s: number, n: number): ClientHelloStart {
  if (n >= 3 && b[s + 2] !== Sslv2MessageType.client_hello) return 'no';
  if (n >= 4 && b[s + 3] !== 0 && b[s + 3] !== 3) return 'no';
  if (n < CLIENT_HELLO_START_BYTES) return 'need-more';
  const length = ((b[s]! & 0x7f) << 8) | b[s + 1]!;
  const version = u16(b, s + 3);
  if (version !== 0x0002 && (version < 0x0300 || version > 0x0304)) return 'no';
  const specs = u16(b, s + 5);
  const session = u16(b, s + 7);
  const challenge = u16(b, s + 9);
  if (specs === 0 || specs % 3 !== 0) return 'no';
  if (session !== 0 && session !== 16) return 'no';
  if (challenge < SSLV2_MIN_CHALLENGE || challenge > SSLV2_MAX_CHALLENGE) return 'no';
  return 9 + specs + session + challenge === length ? 'sslv2' : 'no';
}
