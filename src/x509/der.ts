/**
 * Just enough DER (ITU-T X.690) to walk a certificate's outer structure: bounded reads of
 * tag-length-value elements, OIDs as dotted text. @peculiar/x509 decodes the certificate; this
 * reader finds the parts it does not expose (raw extensions, algorithm OIDs) or refuses to decode
 * (a SAN holding an otherName it does not know makes its whole `extensions` list throw).
 */

/** One DER element inside its parent's bytes: `bytes.subarray(valueStart, end)` is its value. */
export interface DerElement {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  valueStart: number;
  /** Offset just past the value. */
  end: number;
}

/** Reads the element at `offset`, never past `limit`; null when the bytes are not a DER element. */
export function readElement(bytes: Uint8Array, offset: number, limit = bytes.length): DerElement | null {
  if (offset + 2 > limit) return null;
  const tag = bytes[offset]!;
  // Multi-byte tags never occur in the structures we walk; refusing them keeps the reader simple.
  if ((tag & 0x1f) === 0x1f) return null;
  let length = bytes[offset + 1]!;
  let valueStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || valueStart + count > limit) return null;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[valueStart + i]!;
    valueStart += count;
  }
  const end = valueStart + length;
  if (end > limit) return null;
  return { tag, start: offset, valueStart, end };
}

/** The children of a constructed element, in order; null if any child is malformed. */
export function children(bytes: Uint8Array, parent: DerElement): DerElement[] | null {
  const out: DerElement[] = [];
  for (let at = parent.valueStart; at < parent.end; ) {
    const child = readElement(bytes, at, parent.end);
    if (!child) return null;
    out.push(child);
    at = child.end;
  }
  return out;
}

/** X.690 §8.19: an OBJECT IDENTIFIER's value bytes as dotted text. */
export function decodeOid(value: Uint8Array): string | null {
  if (value.length === 0) return null;
  const arcs: number[] = [];
  let arc = 0;
  for (let i = 0; i < value.length; i++) {
    const byte = value[i]!;
    arc = arc * 128 + (byte & 0x7f);
    if (arc > Number.MAX_SAFE_INTEGER / 128) return null;
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = arc < 40 ? 0 : arc < 80 ? 1 : 2;
        arcs.push(first, arc - first * 40);
      } else {
        arcs.push(arc);
      }
      arc = 0;
    }
  }
  if (value[value.length - 1]! & 0x80) return null;
  return arcs.join('.');
}

/** The OID of an AlgorithmIdentifier SEQUENCE and the element of its parameters, if any. */
export function readAlgorithmIdentifier(
  bytes: Uint8Array,
  element: DerElement,
): { oid: string; parameters: DerElement | null } | null {
  if (element.tag !== 0x30) return null;
  const parts = children(bytes, element);
  const oidElement = parts?.[0];
  if (!parts || !oidElement || oidElement.tag !== 0x06) return null;
  const oid = decodeOid(bytes.subarray(oidElement.valueStart, oidElement.end));
  return oid ? { oid, parameters: parts[1] ?? null } : null;
}

/**
 * The offset of the first constructed element nested more than `maxDepth` levels deep in
 * `bytes` (whose top-level elements are at depth 1), or -1 when none is. Walks with an explicit
 * stack of parent ends, never by recursion, so a 30,000-level "certificate" costs one linear
 * pass and no call stack. Primitive contents (OCTET STRING, BIT STRING: where extensions and keys
 * hold their own DER) are not entered. Bytes that stop being DER end the walk: the structure
 * reader then says what is wrong with them.
 */
export function offsetBeyondDepth(bytes: Uint8Array, maxDepth: number): number {
  const ends: number[] = [];
  let at = 0;
  while (at < bytes.length) {
    while (ends.length > 0 && at >= ends[ends.length - 1]!) ends.pop();
    const element = readElement(bytes, at, ends.length > 0 ? ends[ends.length - 1]! : bytes.length);
    if (!element) return -1;
    if ((element.tag & 0x20) !== 0) {
      if (ends.length + 1 > maxDepth) return element.start;
      ends.push(element.end);
      at = element.valueStart;
    } else {
      at = element.end;
    }
  }
  return -1;
}

/**
 * RFC 5280 §4.1.2.5: UTCTime (tag 0x17) YYMMDDHHMMSSZ, years 50-99 being 19xx, and
 * GeneralizedTime (tag 0x18) YYYYMMDDHHMMSSZ. Certificates must use exactly these forms;
 * fractional seconds and offsets, which some old CAs wrote anyway, are accepted too.
 * Null when the value is no time.
 */
export function decodeTime(tag: number, value: Uint8Array): Date | null {
  const text = Buffer.from(value).toString('latin1');
  const m =
    tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/.exec(text)
      : tag === 0x18
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,]\d+)?(Z|[+-]\d{4})?$/.exec(text)
        : null;
  if (!m) return null;
  let year = Number(m[1]);
  if (tag === 0x17) year += year < 50 ? 2000 : 1900;
  const [month, day, hour, minute] = [m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const zone = m[7];
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  }
  return new Date(ms);
}
