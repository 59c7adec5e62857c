import { createPublicKey } from 'node:crypto';
import { x509 } from './peculiar.js';
import { children, decodeTime, type DerElement } from './der.js';
import type { CertificateStructure } from './certificate-structure.js';
import { commonName, formatName, nameKey } from './distinguished-name.js';

/**
 * The identity and validity of a certificate: what chain building compares and the report
 * shows first. Read from @peculiar/x509's parse when it accepts the certificate, else from the
 * project's own DER walk ({@link readCertificateFields}).
 */
export interface CertificateFields {
  subject: string;
  issuer: string;
  subjectCommonName: string | null;
  /** nameKey() of subject and issuer: equal keys mean the names match. */
  subjectKey: string;
  issuerKey: string;
  /** Lowercase hex, a sign-only leading zero byte dropped (as @peculiar/x509 gives it). */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
}

/** The fields of a certificate @peculiar/x509 parsed. */
export function fieldsOf(certificate: x509.X509Certificate): CertificateFields {
  return {
    subject: formatName(certificate.subjectName),
    issuer: formatName(certificate.issuerName),
    subjectCommonName: commonName(certificate.subjectName),
    subjectKey: nameKey(certificate.subjectName),
    issuerKey: nameKey(certificate.issuerName),
    serialNumber: certificate.serialNumber.toLowerCase(),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
  };
}

/**
 * The same fields read from the DER by the project's bounded reader, for a certificate
 * @peculiar/x509 refuses as a whole (asn1js's node or depth limits, a field it cannot decode).
 * Each Name is still rendered by @peculiar/x509, alone (a Name is small, so its limits do not
 * bite); a Name even that refuses is shown as '#' + the hex of its DER, RFC 4514's form for a
 * value it cannot render. Returns a reason when the validity cannot be read: without dates
 * there is nothing to judge.
 */
export function readCertificateFields(der: Uint8Array, structure: CertificateStructure): CertificateFields | string {
  const { serialNumber, issuer, subject } = structure.fields;
  const validity = readValidity(der, structure);
  if (!validity) return 'unreadable validity';
  const { notBefore, notAfter } = validity;
  let serial = der.subarray(serialNumber.valueStart, serialNumber.end);
  if (serial.length > 1 && serial[0] === 0 && serial[1]! > 127) serial = serial.subarray(1);
  const subjectName = readName(der, subject);
  const issuerName = readName(der, issuer);
  return {
    subject: subjectName.text,
    issuer: issuerName.text,
    subjectCommonName: subjectName.name ? commonName(subjectName.name) : null,
    subjectKey: subjectName.key,
    issuerKey: issuerName.key,
    serialNumber: Buffer.from(serial).toString('hex'),
    notBefore,
    notAfter,
  };
}

/** The validity dates read by the project's DER reader; null when either is no time. */
export function readValidity(der: Uint8Array, structure: CertificateStructure): { notBefore: Date; notAfter: Date } | null {
  const times = children(der, structure.fields.validity);
  const notBefore = times?.[0] ? decodeTime(times[0].tag, der.subarray(times[0].valueStart, times[0].end)) : null;
  const notAfter = times?.[1] ? decodeTime(times[1].tag, der.subarray(times[1].valueStart, times[1].end)) : null;
  return notBefore && notAfter ? { notBefore, notAfter } : null;
}

function readName(der: Uint8Array, element: DerElement): { name: x509.Name | null; text: string; key: string } {
  const bytes = der.slice(element.start, element.end);
  try {
    const name = new x509.Name(bytes.buffer);
    return { name, text: formatName(name), key: nameKey(name) };
  } catch {
    const hex = `#${Buffer.from(bytes).toString('hex')}`;
    return { name: null, text: hex, key: hex };
  }
}

/** RSA modulus bits from the SubjectPublicKeyInfo alone (Node's key parser), null if it will not say. */
export function rsaModulusBits(der: Uint8Array, structure: CertificateStructure): number | null {
  const spki = structure.fields.subjectPublicKeyInfo;
  try {
    const key = createPublicKey({ key: Buffer.from(der.subarray(spki.start, spki.end)), format: 'der', type: 'spki' });
    return key.asymmetricKeyDetails?.modulusLength ?? null;
  } catch {
    return null;
  }
}
