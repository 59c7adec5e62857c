import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';

/** A KeyUpdate (only readable after decryption). */
export interface KeyUpdate {
  /** 0 update_not_requested, 1 update_requested. */
  requestUpdate: number;
}

/**
 * RFC 8446 §4.6.3
 * ```
 *   enum { update_not_requested(0), update_requested(1), (255) } KeyUpdateRequest;
 *   struct { KeyUpdateRequest request_update; } KeyUpdate;
 * ```
 */
export function parseKeyUpdate(body: Cursor): ParseResult<KeyUpdate> {
  const requestUpdate = body.u8();
  if (requestUpdate < 0) return malformed('empty KeyUpdate', 0);
  if (!body.atEnd) return malformed(`${body.remaining} bytes after request_update`, 1);
  return parsed({ requestUpdate });
}
