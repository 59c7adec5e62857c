import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';

/**
 * RFC 5246 §7.4.5
 * ```
 *   struct { } ServerHelloDone;
 * ```
 */
export function parseServerHelloDone(body: Cursor): ParseResult<Record<string, never>> {
  return body.atEnd ? parsed({}) : malformed(`ServerHelloDone carries ${body.remaining} bytes`, 0);
}
