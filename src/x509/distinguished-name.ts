import type { x509 } from './peculiar.js';

type Name = x509.Name;

/**
 * RFC 4514 text of a Name: RDNs from the last in the DER (most specific, e.g. CN) to the first,
 * separated by ',' with no space, multi-valued RDNs joined by '+', as `openssl -nameopt RFC2253`
 * prints them. @peculiar/x509's own toString() keeps DER order, the reverse of this.
 */
export function formatName(name: Name): string {
  return name
    .toJSON()
    .slice()
    .reverse()
    .map((rdn) =>
      Object.entries(rdn)
        .flatMap(([type, values]) => values.map((value) => `${type}=${escapeValue(value)}`))
        .join('+'),
    )
    .join(',');
}

/** RFC 4514 §2.4 escaping. Values @peculiar/x509 already gave as '#hex' are left alone. */
function escapeValue(value: string): string {
  if (/^#[0-9a-f]*$/i.test(value)) return value;
  let out = value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/**
 * A key under which two Names compare equal when RFC 5280 §7.1 says they match: same RDNs in the
 * same order, attribute values compared case-insensitively with whitespace collapsed (a cheap
 * approximation of RFC 4518 string preparation, which real-world CAs stay within).
 */
export function nameKey(name: Name): string {
  return nameKeyOfRdns(name.toJSON());
}

/**
 * nameKey() of a Name given as @peculiar/x509's `Name.toJSON()` gives it: one object per RDN in
 * DER order, attribute type (short name or dotted OID) to its values. The trust store builds the
 * same shape from the DER itself (name-key-der.ts), so both keys come from this one function.
 */
export function nameKeyOfRdns(rdns: readonly Readonly<Record<string, readonly string[]>>[]): string {
  const keyed = rdns.map((rdn) =>
    Object.entries(rdn)
      .flatMap(([type, values]) => values.map((v) => `${type.toLowerCase()}=${v.trim().replace(/\s+/g, ' ').toLowerCase()}`))
      .sort(),
  );
  return JSON.stringify(keyed);
}

/** The most specific commonName (the last one in DER order), as RFC 9525 §6.4.4's legacy rule uses. */
export function commonName(name: Name): string | null {
  const values = name.getField('CN');
  return values.length > 0 ? values[values.length - 1]! : null;
}
