import { children, decodeOid, offsetBeyondDepth, readAlgorithmIdentifier, readElement, type DerElement } from './der.js';

/**
 * Deepest nesting of constructed elements a certificate may have, primitive contents not
 * counted. Real certificates stay under 10 (Certificate > TBSCertificate > [3] > Extensions >
 * Extension; explicit EC curve parameters reach 7); deeper DER is refused before anything
 * recursive (asn1js, under @peculiar/x509) sees it.
 */
export const MAX_CERTIFICATE_DEPTH = 32;

/** One extension as it is encoded, before any interpretation. */
export interface RawExtension {
  oid: string;
  critical: boolean;
  /** The whole `Extension` SEQUENCE, as @peculiar/x509's extension classes take it. */
  der: Uint8Array;
  /** The extnValue OCTET STRING's content. */
  value: Uint8Array;
}

/** The parts of a certificate's outer structure that @peculiar/x509 does not hand out. */
export interface CertificateStructure {
  signatureAlgorithmOid: string;
  publicKeyAlgorithmOid: string;
  /** For id-ecPublicKey: the namedCurve OID; null otherwise or for explicit curve parameters. */
  publicKeyCurveOid: string | null;
  extensions: RawExtension[];
  /** The TBSCertificate fields the facts are read from when @peculiar/x509 refuses the certificate. */
  fields: {
    serialNumber: DerElement;
    issuer: DerElement;
    validity: DerElement;
    subject: DerElement;
    subjectPublicKeyInfo: DerElement;
  };
}

/**
 * RFC 5280 §4.1
 *   Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm AlgorithmIdentifier,
 *                              signatureValue BIT STRING }
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, serialNumber,
 *       signature AlgorithmIdentifier, issuer Name, validity Validity, subject Name,
 *       subjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT OPTIONAL, subjectUniqueID [2] IMPLICIT OPTIONAL,
 *       extensions [3] EXPLICIT Extensions OPTIONAL }
 *   Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
 *
 * Returns a reason string when the bytes do not have this shape.
 */
export function readCertificateStructure(der: Uint8Array): CertificateStructure | string {
  const tooDeep = offsetBeyondDepth(der, MAX_CERTIFICATE_DEPTH);
  if (tooDeep >= 0) return `DER nested more than ${MAX_CERTIFICATE_DEPTH} levels deep (offset ${tooDeep}): not a certificate`;
  const certificate = readElement(der, 0);
  if (!certificate || certificate.tag !== 0x30) return 'not a DER SEQUENCE';
  if (certificate.end !== der.length) return `${der.length - certificate.end} trailing bytes after the certificate`;
  const top = children(der, certificate);
  if (!top || top.length !== 3) return 'Certificate is not SEQUENCE { tbsCertificate, signatureAlgorithm, signature }';
  const signature = readAlgorithmIdentifier(der, top[1]!);
  if (!signature) return 'unreadable signatureAlgorithm';
  const tbs = children(der, top[0]!);
  if (!tbs) return 'unreadable tbsCertificate';
  let i = tbs[0]?.tag === 0xa0 ? 1 : 0;
  // serialNumber, signature, issuer, validity, subject, then subjectPublicKeyInfo.
  const [serialNumber, , issuer, validity, subject] = tbs.slice(i, i + 5);
  if (serialNumber?.tag !== 0x02) return 'missing serialNumber';
  if (issuer?.tag !== 0x30 || subject?.tag !== 0x30) return 'missing issuer or subject Name';
  if (validity?.tag !== 0x30) return 'missing validity';
  i += 5;
  const spkiElement = tbs[i];
  if (!spkiElement || spkiElement.tag !== 0x30) return 'missing subjectPublicKeyInfo';
  const spkiParts = children(der, spkiElement);
  const keyAlgorithm = spkiParts?.[0] ? readAlgorithmIdentifier(der, spkiParts[0]) : null;
  if (!keyAlgorithm) return 'unreadable subjectPublicKeyInfo algorithm';
  let curveOid: string | null = null;
  if (keyAlgorithm.parameters?.tag === 0x06) {
    curveOid = decodeOid(der.subarray(keyAlgorithm.parameters.valueStart, keyAlgorithm.parameters.end));
  }
  const extensions: RawExtension[] = [];
  const extensionsWrapper = tbs.slice(i + 1).find((e) => e.tag === 0xa3);
  if (extensionsWrapper) {
    const list = children(der, extensionsWrapper)?.[0];
    const items = list && list.tag === 0x30 ? children(der, list) : null;
    if (!items) return 'unreadable extensions';
    for (const item of items) {
      const extension = readExtension(der, item);
      if (typeof extension === 'string') return extension;
      extensions.push(extension);
    }
  }
  return {
    signatureAlgorithmOid: signature.oid,
    publicKeyAlgorithmOid: keyAlgorithm.oid,
    publicKeyCurveOid: curveOid,
    extensions,
    fields: { serialNumber, issuer, validity, subject, subjectPublicKeyInfo: spkiElement },
  };
}

function readExtension(der: Uint8Array, item: DerElement): RawExtension | string {
  const parts = item.tag === 0x30 ? children(der, item) : null;
  if (!parts || parts.length < 2 || parts[0]!.tag !== 0x06) return 'malformed Extension';
  const oid = decodeOid(der.subarray(parts[0]!.valueStart, parts[0]!.end));
  const hasCritical = parts[1]!.tag === 0x01;
  const valueElement = parts[hasCritical ? 2 : 1];
  if (!oid || !valueElement || valueElement.tag !== 0x04) return 'malformed Extension';
  const critical = hasCritical && der[parts[1]!.valueStart] !== 0;
  return {
    oid,
    critical,
    der: der.subarray(item.start, item.end),
    value: der.subarray(valueElement.valueStart, valueElement.end),
  };
}
