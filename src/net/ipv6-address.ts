/**
 * IPv6 address text in the RFC 5952 canonical form: lower-case hex without leading zeros, the
 * longest run of two or more zero groups (the first on a tie) written as "::", and IPv4-mapped
 * addresses (::ffff:0:0/96, RFC 5952 §5) ending in dotted decimal, as Wireshark shows them.
 */
export function formatIpv6(data: Uint8Array, off: number): string {
  let bestStart = -1;
  let bestLength = 0;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    const zero = data[off + 2 * i] === 0 && data[off + 2 * i + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = i;
      const length = i - runStart + 1;
      if (length > bestLength) {
        bestLength = length;
        bestStart = runStart;
      }
    } else {
      runStart = -1;
    }
  }
  if (bestLength < 2) bestStart = -1;

  if (bestStart === 0 && bestLength === 5 && data[off + 10] === 0xff && data[off + 11] === 0xff) {
    return `::ffff:${data[off + 12]}.${data[off + 13]}.${data[off + 14]}.${data[off + 15]}`;
  }

  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += '::';
      i += bestLength - 1;
      continue;
    }
    if (text.length > 0 && !text.endsWith(':')) text += ':';
    text += (((data[off + 2 * i]! << 8) | data[off + 2 * i + 1]!)).toString(16);
  }
  return text;
}

const CACHE_SLOTS = 256;

/**
 * Remembers the text of recently seen addresses so that a packet of a known flow costs a
 * 16-byte compare instead of building two strings. Direct-mapped on the last two bytes, which
 * differ most between hosts; a collision only costs a fresh format.
 */
export class Ipv6AddressCache {
  private readonly keys = new Uint8Array(CACHE_SLOTS * 16);
  private readonly texts: string[] = new Array<string>(CACHE_SLOTS).fill('');

  /** The RFC 5952 text of the 16-byte address at data[off]. */
  text(data: Uint8Array, off: number): string {
    const slot = ((data[off + 14]! * 31) ^ data[off + 15]! ^ data[off + 7]!) & (CACHE_SLOTS - 1);
    const keys = this.keys;
    const base = slot * 16;
    const cached = this.texts[slot]!;
    if (cached !== '') {
      let same = true;
      for (let i = 0; i < 16; i++) {
        if (keys[base + i] !== data[off + i]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    const text = formatIpv6(data, off);
    keys.set(data.subarray(off, off + 16), base);
    this.texts[slot] = text;
    return text;
  }
}
