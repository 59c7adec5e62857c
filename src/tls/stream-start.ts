/**
 * Deciding from the first bytes of a direction whether it speaks TLS, and if not, what it
 * looks like (for the report: "the server answered in plain HTTP").
 */
import { MAX_RECORD_BODY_LENGTH, isRecordVersion } from './record-header.js';
import { looksLikeSslv2ClientHello, looksLikeSslv2ServerHello } from './sslv2-client-hello.js';

/** What the first bytes of a direction are. */
export type StreamStart = 'tls-record' | 'sslv2-client-hello' | 'sslv2-server-hello' | 'not-tls' | 'undecided';

/** Bytes needed at most to decide (an SSLv2 SERVER-HELLO needs 7). */
export const STREAM_START_BYTES = 7;

/**
 * Classifies the first bytes of a direction. 'undecided' when more bytes could still make it
 * TLS (fewer than 5 bytes of a plausible header). A record header must also have a non-zero
 * length: a zero-length first record is not how any TLS stack starts.
 */
export function classifyStreamStart(bytes: Uint8Array, start: number, end: number): StreamStart {
  const n = end - start;
  if (n <= 0) return 'undecided';
  const b0 = bytes[start]!;
  if (b0 >= 20 && b0 <= 24) {
    if (n >= 2 && bytes[start + 1] !== 3) return 'not-tls';
    if (n < 5) return 'undecided';
    // What parseRecordHeader accepts (the content type is known here), read in place: this
    // runs on the first chunk of every direction.
    const version = (bytes[start + 1]! << 8) | bytes[start + 2]!;
    const length = (bytes[start + 3]! << 8) | bytes[start + 4]!;
    return isRecordVersion(version) && length > 0 && length <= MAX_RECORD_BODY_LENGTH ? 'tls-record' : 'not-tls';
  }
  if (b0 & 0x80) {
    const ch = looksLikeSslv2ClientHello(bytes, start, end);
    if (ch === true) return 'sslv2-client-hello';
    const sh = looksLikeSslv2ServerHello(bytes, start, end);
    if (sh === true) return 'sslv2-server-hello';
    if (ch === null || sh === null) {
      // Decide early when the type byte already rules both out.
      if (n >= 3 && bytes[start + 2] !== 1 && bytes[start + 2] !== 4) return 'not-tls';
      return 'undecided';
    }
    return 'not-tls';
  }
  return 'not-tls';
}

const HTTP_METHODS = ['GET ', 'POST ', 'HEAD ', 'PUT ', 'DELETE ', 'OPTIONS ', 'CONNECT ', 'PATCH ', 'TRACE '];
const PROXY_V2_SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];
/** Characters of a text line quoted in 'text line "..."'. */
const SHOWN_TEXT = 80;
/** Bytes shown in "unknown (first bytes ...)". */
export const SHOWN_BYTES = 16;

/**
 * Each byte as the character of that code (Latin-1, as Node's 'latin1' encoding reads it).
 * One call over the bytes: appending a character at a time built a 512-deep rope per
 * description (docs/decisions.md).
 */
function ascii(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/** The request line's HTTP version, when it is within the bytes at hand. */
function requestVersion(text: string): string {
  const eol = text.indexOf('\r\n');
  const line = eol >= 0 ? text.slice(0, eol) : text;
  const m = / HTTP\/(\d\.\d)$/.exec(line);
  return m ? m[1]! : '1.1';
}

/**
 * OpenVPN over TCP opens with a hard reset packet (openvpn src/openvpn/ssl_pkt.h): a 16-bit
 * packet length, then opcode << 3 | key_id with opcode P_CONTROL_HARD_RESET_CLIENT_V2 (7),
 * _SERVER_V2 (8) or _CLIENT_V3 (10) and key_id 0, then an 8-byte session id.
 */
function openVpnHardReset(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < 11) return false;
  const length = (bytes[start]! << 8) | bytes[start + 1]!;
  const op = bytes[start + 2]!;
  const opcode = op >> 3;
  return length >= 9 && length + 2 <= end - start && (op & 7) === 0 && (opcode === 7 || opcode === 8 || opcode === 10);
}

/**
 * Names what non-TLS first bytes look like: "HTTP/1.1 request", "HTTP/1.x response",
 * "HTML page (HTTP response without status line)", "SSH-2.0 banner", "SMTP banner",
 * "PROXY protocol header", "OpenVPN over TCP (...)", `text line "500 ..."` (a line of printable text), or
 * "unknown (first bytes 47 45 ...)" with at most 16 bytes in hex.
 */
export function describeNonTlsStart(bytes: Uint8Array, start: number, end: number): string {
  const text = ascii(bytes, start, Math.min(end, start + 512));
  if (HTTP_METHODS.some((m) => text.startsWith(m))) return `HTTP/${requestVersion(text)} request`;
  if (text.startsWith('PRI * HTTP/2.0')) return 'HTTP/2 cleartext preface';
  if (text.startsWith('HTTP/1.')) return 'HTTP/1.x response';
  if (text.startsWith('HTTP/')) return 'HTTP response';
  // An HTTP/0.9-style answer is the bare page (Python's http.server answers a request line it
  // cannot parse, such as a ClientHello, this way).
  if (/^\s*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])/i.test(text)) return 'HTML page (HTTP response without status line)';
  const ssh = /^SSH-(\d+\.\d+)-/.exec(text);
  if (ssh) return `SSH-${ssh[1]} banner`;
  if (/^220[ -]/.test(text)) return /ftp/i.test(text.slice(0, 200)) ? 'FTP banner' : 'SMTP banner';
  if (text.startsWith('* OK')) return 'IMAP banner';
  if (text.startsWith('+OK')) return 'POP3 banner';
  if (/^PROXY (TCP4|TCP6|UNKNOWN)/.test(text)) return 'PROXY protocol header';
  if (end - start >= PROXY_V2_SIGNATURE.length && PROXY_V2_SIGNATURE.every((b, i) => bytes[start + i] === b)) {
    return 'PROXY protocol v2 header';
  }
  if (openVpnHardReset(bytes, start, end)) return 'OpenVPN over TCP (its TLS runs inside OpenVPN control packets: not decoded)';
  // A line of printable text (an SMTP/FTP error reply, a banner of some other protocol): quoting
  // it tells the reader more than its bytes in hex ("500 5.5.2 Error: command not recognized").
  const line = /^[\x20-\x7e]{4,}(?=\r?\n|$)/.exec(text.slice(0, SHOWN_TEXT + 1));
  if (line) return `text line "${line[0].slice(0, SHOWN_TEXT)}${line[0].length > SHOWN_TEXT ? '...' : ''}"`;
  const shown: string[] = [];
  for (let i = start; i < Math.min(end, start + SHOWN_BYTES); i++) shown.push(bytes[i]!.toString(16).padStart(2, '0'));
  return `unknown (first bytes ${shown.join(' ')})`;
}
