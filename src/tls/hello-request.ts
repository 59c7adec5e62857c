import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';

/**
 * RFC 5246 §7.4.1.1
 * ```
 *   struct { } HelloRequest;
 * ```
 * The server asks the client to renegotiate (TLS 1.2 and earlier).
 */
export function parseHelloRequest(body: Cursor): ParseResult<Record<string, never>> {
  return body.atEnd ? parsed({}) : malformed(`HelloRequest carries ${body.remaining} bytes`, 0);
}
