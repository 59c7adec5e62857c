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
