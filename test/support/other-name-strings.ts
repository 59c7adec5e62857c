/**
 * The distinguished-name strings tshark prints in its `x509sat.uTF8String` /
 * `x509sat.printableString` columns that are NOT a certificate's subject or issuer.
 *
 * tshark's x509sat fields are filled by every X.520 AttributeTypeAndValue it dissects in a
 * frame, wherever the Name sits. Two places besides subject/issuer occur in the corpus:
 * - Names inside certificate extensions: a subjectAltName `directoryName` [4] (Symantec-issued
 *   intermediates carry `CN=SymantecPKI-1-534`), a cRLDistributionPoints `fullName`
 *   directoryName (`CN=CRL1,OU=Equifax Secure Certificate Authority,O=Equifax,C=US`);
 * - the `certificate_authorities` DistinguishedNames of a CertificateRequest.
 * Our report renders subject and issuer only, so the comparison accepts a tshark string that our
 * subject/issuer lack when, and only when, it is one of these. The subject and issuer Names are
 * deliberately not walked here: a value our subject/issuer rendering drops stays a disagreement.
 */
import { children, decodeOid, readElement, type DerElement } from '../../src/x509/der.js';
import { readCertificateStructure } from '../../src/x509/certificate-structure.js';
import type { TlsConnectionModel } from '../../src/tls/model.js';

const SEQUENCE = 0x30;
const SET = 0x31;
const OID = 0x06;
const UTF8_STRING = 0x0c;
const PRINTABLE_STRING = 0x13;

/**
 * Values of UTF8String / PrintableString AttributeTypeAndValue (SEQUENCE { OID, string } inside a
 * SET) anywhere under `element`, in encoding order. Walks constructed elements only, so string
 * contents are never mistaken for structure.
 */
function attributeStrings(bytes: Uint8Array, element: DerElement, inSet: boolean, out: string[], depth = 0): void {
  if (depth > 40 || (element.tag & 0x20) === 0) return;
  const kids = children(bytes, element);
  if (!kids) return;
  if (inSet && element.tag === SEQUENCE && kids.length === 2 && kids[0]!.tag === OID && decodeOid(bytes.subarray(kids[0]!.valueStart, kids[0]!.end))?.startsWith('2.5.4.')) {
    const v = kids[1]!;
    if (v.tag === UTF8_STRING || v.tag === PRINTABLE_STRING) out.push(Buffer.from(bytes.subarray(v.valueStart, v.end)).toString(v.tag === UTF8_STRING ? 'utf8' : 'latin1'));
    return;
  }
  for (const k of kids) attributeStrings(bytes, k, element.tag === SET, out, depth + 1);
}

/** Name strings of one DER value (a whole element, e.g. an extnValue or a DistinguishedName). */
export function nameStringsOf(der: Uint8Array): string[] {
  const top = readElement(der, 0);
  const out: string[] = [];
  if (top) attributeStrings(der, top, false, out);
  return out;
}

/** Name strings of a connection that are outside every certificate's subject and issuer. */
export function otherNameStrings(model: TlsConnectionModel): Set<string> {
  const out: string[] = [];
  for (const message of model.certificates) {
    for (const der of message.chain) {
      const structure = readCertificateStructure(der);
      if (typeof structure === 'string') continue;
      for (const ext of structure.extensions) out.push(...nameStringsOf(ext.value));
    }
  }
  for (const dn of model.certificateRequest?.certificateAuthorities ?? []) out.push(...nameStringsOf(dn));
  return new Set(out);
}
