import { Cursor, incomplete, parsed, type ParseResult } from '../util/cursor.js';

/** RFC 8446 §6 AlertLevel. */
export const AlertLevel = { warning: 1, fatal: 2 } as const;

/** An alert in clear. */
export interface Alert {
  /** 1 warning, 2 fatal (other values kept as sent). */
  level: number;
  /** AlertDescription code (unknown codes kept as numbers). */
  description: number;
}

/** Length of one Alert. */
export const ALERT_LENGTH = 2;

/**
 * RFC 8446 §6 / RFC 5246 §7.2
 * ```
 *   struct {
 *       AlertLevel level;
 *       AlertDescription description;
 *   } Alert;
 * ```
 */
export function parseAlert(c: Cursor): ParseResult<Alert> {
  if (!c.has(ALERT_LENGTH)) return incomplete(ALERT_LENGTH);
  const level = c.u8();
  const description = c.u8();
  return parsed({ level, description });
}
