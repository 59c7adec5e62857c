/**
 * RFC 8701 §2: GREASE values for 16-bit code points (cipher suites, extensions, named groups,
 * signature algorithms, versions) are the sixteen values 0x?A?A with both bytes equal:
 * 0x0A0A, 0x1A1A, ..., 0xFAFA. Peers must ignore them, so they are named but never "unknown".
 */
import { hex16 } from './format.js';

/** The sixteen GREASE values, ascending. */
export const GREASE_VALUES: readonly number[] = Object.freeze(
  Array.from({ length: 16 }, (_, i) => (i << 12) | 0x0a00 | (i << 4) | 0x0a),
);

/** True for the sixteen RFC 8701 16-bit GREASE values. */
export function isGrease(code: number): boolean {
  // Both bytes equal, and each byte's low nibble is 0xA.
  return Number.isInteger(code) && code >= 0 && code <= 0xffff && (code & 0x0f0f) === 0x0a0a && code >> 8 === (code & 0xff);
}

/** 'GREASE (0x0a0a)': the name every 16-bit registry gives a GREASE value. */
export function greaseName(code: number): string {
  return `GREASE (${hex16(code)})`;
}
