import { Cursor, incomplete, malformed, parsed, type ParseResult } from '../util/cursor.js';

/** RFC 8446 §5.1 / RFC 5246 §6.2.1 ContentType values of the record layer. */
export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
  heartbeat: 24,
} as const;

/** Size of a TLSPlaintext / TLSCiphertext header. */
export const RECORD_HEADER_LENGTH = 5;

/**
 * The largest record body any version allows: TLSCiphertext.length may exceed 2^14 by 2048
 * (RFC 5246 §6.2.3); TLS 1.3 allows only 2^14 + 256, so this bound accepts every version.
 */
export const MAX_RECORD_BODY_LENGTH = 16384 + 2048;

/** A decoded record header. */
export interface RecordHeader {
  contentType: number;
  /** legacy_record_version: 0x0300 (SSL 3.0) .. 0x0303; 0x0301 is common on a first ClientHello. */
  version: number;
  /** Body length. */
  length: number;
}

/** True for the ContentType values 20..24 that RFC 5246 and RFC 8446 (with RFC 6520) define. */
export function isKnownContentType(type: number): boolean {
  return type >= ContentType.change_cipher_spec && type <= ContentType.heartbeat;
}

/** True for a record-layer version an SSL 3.0 .. TLS 1.3 peer can send (major 3, minor 0..4). */
export function isRecordVersion(version: number): boolean {
  return version >= 0x0300 && version <= 0x0304;
}

/**
 * RFC 5246 §6.2.1 / RFC 8446 §5.1
 * ```
 *   struct {
 *       ContentType type;
 *       ProtocolVersion legacy_record_version;
 *       uint16 length;
 *       opaque fragment[TLSPlaintext.length];
 *   } TLSPlaintext;
 * ```
 * Reads only the 5-byte header. An unknown content type, a version outside SSL 3.0 .. TLS 1.3
 * or a length above 2^14 + 2048 is malformed: such bytes are not a record header, which is what
 * stream detection and resynchronisation rely on.
 */
export function parseRecordHeader(c: Cursor): ParseResult<RecordHeader> {
  const start = c.pos;
  if (!c.has(RECORD_HEADER_LENGTH)) return incomplete(RECORD_HEADER_LENGTH);
  const contentType = c.u8();
  const version = c.u16();
  const length = c.u16();
  if (!isKnownContentType(contentType)) {
    c.pos = start;
    return malformed(`unknown record content type ${contentType}`, 0);
  }
  if (!isRecordVersion(version)) {
    c.pos = start;
    return malformed(`record version 0x${version.toString(16).padStart(4, '0')} is not SSL 3.0 .. TLS 1.3`, 1);
  }
  if (length > MAX_RECORD_BODY_LENGTH) {
    c.pos = start;
    return malformed(`record length ${length} exceeds 2^14 + 2048`, 3);
  }
  return parsed({ contentType, version, length });
}
