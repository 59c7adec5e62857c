import { children, decodeOid, type DerElement } from './der.js';
import { nameKeyOfRdns } from './distinguished-name.js';

/**
 * Attribute types @peculiar/x509's Name.toJSON() gives by short name (its `names` table, 2.2);
 * every other type it gives as the dotted OID. Must stay equal to the library's table: the trust
 * store test compares both keys on every bundled root.
 */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'E',
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '2.5.4.4': 'SN',
  '2.5.4.12': 'T',
};

const WELL_FORMED_OID = /^[0-2](?:\.(?:0|[1-9][0-9]*))+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The nameKey() (distinguished-name.ts) of the DER Name `element` of `der`, read without
 * @peculiar/x509, so that a trust store can index its roots without parsing them. Null when the
 * answer would not certainly be the library's: any attribute value other than a PrintableString,
 * IA5String or TeletexString (which asn1js decodes byte for byte, as latin1) or a UTF8String of
 * valid UTF-8 (which it decodes as UTF-8, a byte-order mark kept), an empty Name or RDN, or bytes
 * that are not a plain Name. The caller then parses the certificate fully.
 */
export function nameKeyOfDer(der: Uint8Array, element: DerElement): string | null {
  if (element.tag !== 0x30) return null;
  const rdnElements = children(der, element);
  if (!rdnElements || rdnElements.length === 0) return null;
  const rdns: Record<string, string[]>[] = [];
  for (const rdnElement of rdnElements) {
    if (rdnElement.tag !== 0x31) return null;
    const attributes = children(der, rdnElement);
    if (!attributes || attributes.length === 0) return null;
    const rdn: Record<string, string[]> = {};
    for (const attribute of attributes) {
      const parts = attribute.tag === 0x30 ? children(der, attribute) : null;
      if (!parts || parts.length !== 2 || parts[0]!.tag !== 0x06) return null;
      const oid = decodeOid(der.subarray(parts[0]!.valueStart, parts[0]!.end));
      if (oid === null || !WELL_FORMED_OID.test(oid)) return null;
      const value = attributeValue(parts[1]!.tag, der.subarray(parts[1]!.valueStart, parts[1]!.end));
      if (value === null) return null;
      const type = SHORT_NAMES[oid] ?? oid;
      (rdn[type] ??= []).push(value);
    }
    rdns.push(rdn);
  }
  return nameKeyOfRdns(rdns);
}

function attributeValue(tag: number, bytes: Uint8Array): string | null {
  switch (tag) {
    case 0x13: // PrintableString
    case 0x14: // TeletexString
    case 0x16: // IA5String
      return Buffer.from(bytes).toString('latin1');
    case 0x0c: // UTF8String
      try {
        return utf8.decode(bytes);
      } catch {
        return null;
      }
    default:
      return null;
  }
}
