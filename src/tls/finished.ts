import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';

/** A Finished message (only readable in clear with a NULL cipher or after decryption). */
export interface Finished {
  /** 12 bytes in TLS 1.0-1.2, 36 in SSL 3.0, the hash length in TLS 1.3. */
  verifyDataLength: number;
}

/**
 * RFC 8446 §4.4.4 / RFC 5246 §7.4.9
 * ```
 *   struct { opaque verify_data[Hash.length]; } Finished;
 * ```
 */
export function parseFinished(body: Cursor): ParseResult<Finished> {
  const n = body.remaining;
  if (n === 0) return malformed('empty Finished', 0);
  body.skip(n);
  return parsed({ verifyDataLength: n });
}
