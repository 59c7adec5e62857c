/** Hex forms used wherever a code point has no name, so unknown values stay readable and greppable. */

/**
 * A 16-bit code point as Wireshark and the IANA tables print it: `0x` and four lowercase digits.
 * A value that is not a uint16 (never produced by the parsers) is shown as `invalid (<value>)`
 * rather than as a plausible-looking but wrong code.
 */
export function hex16(code: number): string {
  if (!Number.isInteger(code) || code < 0 || code > 0xffff) return `invalid (${code})`;
  return '0x' + code.toString(16).padStart(4, '0');
}

/** An 8-bit code point (handshake and content types): `0x` and two lowercase digits. */
export function hex8(code: number): string {
  if (!Number.isInteger(code) || code < 0 || code > 0xff) return `invalid (${code})`;
  return '0x' + code.toString(16).padStart(2, '0');
}
