import { Cursor, incomplete, malformed, parsed, type ParseResult } from '../util/cursor.js';

/**
 * RFC 5246 §7.1
 * ```
 *   struct { enum { change_cipher_spec(1), (255) } type; } ChangeCipherSpec;
 * ```
 * In TLS 1.3 (RFC 8446 §5) the same one-byte record is sent for middlebox compatibility only.
 */
export function parseChangeCipherSpec(c: Cursor): ParseResult<{ type: 1 }> {
  if (!c.has(1)) return incomplete(1);
  const type = c.u8();
  if (type !== 1) return malformed(`ChangeCipherSpec type ${type} is not 1`, 0);
  if (!c.atEnd) return malformed(`${c.remaining} bytes after ChangeCipherSpec`, 1);
  return parsed({ type: 1 });
}
