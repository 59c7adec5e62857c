import { Cursor, incomplete, parsed, type ParseResult } from '../util/cursor.js';

/** RFC 8446 §4 / RFC 5246 §7.4 HandshakeType values (plus certificate_status, RFC 6066 §8). */
export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  hello_verify_request: 3,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  certificate_url: 21,
  certificate_status: 22,
  supplemental_data: 23,
  key_update: 24,
  compressed_certificate: 25,
  message_hash: 254,
} as const;

export const HANDSHAKE_HEADER_LENGTH = 4;

/** A handshake message header. */
export interface HandshakeHeader {
  msgType: number;
  /** Body length (uint24). */
  length: number;
}

/**
 * RFC 8446 §4 / RFC 5246 §7.4
 * ```
 *   struct {
 *       HandshakeType msg_type;
 *       uint24 length;
 *       select (Handshake.msg_type) { ... };
 *   } Handshake;
 * ```
 * Every type is accepted: unknown types stay numbers and are skipped by length.
 */
export function parseHandshakeHeader(c: Cursor): ParseResult<HandshakeHeader> {
  if (!c.has(HANDSHAKE_HEADER_LENGTH)) return incomplete(HANDSHAKE_HEADER_LENGTH);
  const msgType = c.u8();
  const length = c.u24();
  return parsed({ msgType, length });
}
