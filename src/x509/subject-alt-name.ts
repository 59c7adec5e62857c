import { children, readElement } from './der.js';

/**
 * RFC 5280 §4.2.1.6
 *   SubjectAltName ::= GeneralNames
 *   GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName
 *   GeneralName ::= CHOICE { otherName [0], rfc822Name [1] IA5String, dNSName [2] IA5String, ...,
 *                            iPAddress [7] OCTET STRING, ... }
 *
 * Only dNSName and iPAddress take part in TLS server identity (RFC 9525 §6), so only they are
 * read; other choices are skipped whatever they hold. Returns null when the value is malformed.
 * Names past `limit` (dNSName and iPAddress together) are counted in `total`, not kept.
 */
export function readSubjectAltName(value: Uint8Array, limit = Infinity): { dns: string[]; ip: string[]; total: number } | null {
  const sequence = readElement(value, 0);
  if (!sequence || sequence.tag !== 0x30 || sequence.end !== value.length) return null;
  const names = children(value, sequence);
  if (!names) return null;
  const dns: string[] = [];
  const ip: string[] = [];
  let total = 0;
  for (const name of names) {
    if (name.tag !== 0x82 && name.tag !== 0x87) continue;
    if (total++ >= limit) continue;
    const content = value.subarray(name.valueStart, name.end);
    if (name.tag === 0x82) dns.push(Buffer.from(content).toString('latin1'));
    else ip.push(formatIpAddress(content));
  }
  return { dns, ip, total };
}

/**
 * An iPAddress as text: dotted quad for 4 bytes, RFC 5952 form for 16 bytes. Other lengths
 * (name constraints use address+mask, never SANs) are shown as hex so they never match a host.
 */
export function formatIpAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) return `#${Buffer.from(bytes).toString('hex')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes[i]! * 256 + bytes[i + 1]!);
  // RFC 5952 §4.2: the longest run (2 or more) of zero groups, the first one on a tie, becomes '::'.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Parses IPv4 dotted-quad or IPv6 text (optionally in brackets) into bytes; null if neither. */
export function parseIpAddress(text: string): Uint8Array | null {
  const host = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const v4 = parseIpv4(host);
  if (v4) return v4;
  if (!host.includes(':')) return null;
  const zoneless = host.split('%')[0]!;
  let tail: number[] = [];
  let head = zoneless;
  // An embedded IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
  const lastColon = zoneless.lastIndexOf(':');
  const maybeV4 = parseIpv4(zoneless.slice(lastColon + 1));
  if (maybeV4) {
    tail = [maybeV4[0]! * 256 + maybeV4[1]!, maybeV4[2]! * 256 + maybeV4[3]!];
    head = zoneless.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const parts = head.split('::');
  if (parts.length > 2) return null;
  const parseGroups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parseGroups(parts[0]!);
  const right = parts.length === 2 ? parseGroups(parts[1]!) : [];
  if (!left || !right) return null;
  const explicit = left.length + right.length + tail.length;
  let groups: number[];
  if (parts.length === 2) {
    if (explicit > 7) return null;
    groups = [...left, ...new Array<number>(8 - explicit).fill(0), ...right, ...tail];
  } else {
    if (explicit !== 8) return null;
    groups = [...left, ...tail];
  }
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => { bytes[2 * i] = g >> 8; bytes[2 * i + 1] = g & 0xff; });
  return bytes;
}

function parseIpv4(text: string): Uint8Array | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return null;
  return Uint8Array.from(octets);
}
