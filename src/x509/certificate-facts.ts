import { createHash } from 'node:crypto';
import { x509 } from './peculiar.js';
import type { CertificateFacts } from './types.js';
import { readCertificateStructure, type CertificateStructure, type RawExtension } from './certificate-structure.js';
import { commonName, formatName, nameKey } from './distinguished-name.js';
import { readSubjectAltName } from './subject-alt-name.js';
import {
  EXTENDED_KEY_USAGES,
  EXTENSION_OIDS,
  KEY_USAGE_BITS,
  NAMED_CURVES,
  PUBLIC_KEY_ALGORITHMS,
  signatureAlgorithmInfo,
} from './algorithms.js';

/** certificateFacts' answer: the facts, or why the bytes are not a certificate. */
export type FactsResult = { ok: true; value: CertificateFacts } | { ok: false; error: string };

/** A certificate parsed once, with what chain building compares. Internal to src/x509. */
export interface ParsedCertificate {
  der: Uint8Array;
  certificate: x509.X509Certificate;
  facts: CertificateFacts;
  structure: CertificateStructure;
  /** nameKey() of subject and issuer: equal keys mean the names match. */
  subjectKey: string;
  issuerKey: string;
}

/** Parses one DER certificate; never throws. */
export function parseCertificate(der: Uint8Array, sha256?: string): ParsedCertificate | string {
  // A copy: the caller's bytes are often a view into a whole capture buffer, which a cached entry
  // must not keep alive.
  der = der.slice();
  const structure = readCertificateStructure(der);
  if (typeof structure === 'string') return structure;
  let certificate: x509.X509Certificate;
  try {
    certificate = new x509.X509Certificate(der);
  } catch (error) {
    return `not an X.509 certificate: ${(error as Error).message}`;
  }
  try {
    return buildParsed(der, sha256 ?? createHash('sha256').update(der).digest('hex'), certificate, structure);
  } catch (error) {
    // Names or dates @peculiar/x509 accepted on parse but cannot render.
    return `unreadable certificate field: ${(error as Error).message}`;
  }
}

function buildParsed(der: Uint8Array, sha256: string, certificate: x509.X509Certificate, structure: CertificateStructure): ParsedCertificate {
  const subjectKey = nameKey(certificate.subjectName);
  const issuerKey = nameKey(certificate.issuerName);
  const unreadable: string[] = [];
  const byOid = new Map<string, RawExtension>();
  for (const extension of structure.extensions) byOid.set(extension.oid, extension);

  const decode = <T>(oid: string, read: (extension: RawExtension) => T): T | null => {
    const extension = byOid.get(oid);
    if (!extension) return null;
    try {
      return read(extension);
    } catch {
      unreadable.push(oid);
      return null;
    }
  };

  const basic = decode(EXTENSION_OIDS.basicConstraints, (e) => new x509.BasicConstraintsExtension(e.der));
  const keyUsage = decode(EXTENSION_OIDS.keyUsage, (e) => new x509.KeyUsagesExtension(e.der).usages);
  const eku = decode(EXTENSION_OIDS.extendedKeyUsage, (e) => new x509.ExtendedKeyUsageExtension(e.der).usages);
  const ski = decode(EXTENSION_OIDS.subjectKeyIdentifier, (e) => new x509.SubjectKeyIdentifierExtension(e.der).keyId);
  const aki = decode(EXTENSION_OIDS.authorityKeyIdentifier, (e) => new x509.AuthorityKeyIdentifierExtension(e.der).keyId ?? null);
  const san = decode(EXTENSION_OIDS.subjectAltName, (e) => {
    const names = readSubjectAltName(e.value);
    if (!names) throw new Error('malformed subjectAltName');
    return names;
  });

  const keyInfo = PUBLIC_KEY_ALGORITHMS[structure.publicKeyAlgorithmOid];
  const keyType = keyInfo?.keyType ?? 'unknown';
  const facts: CertificateFacts = {
    sha256,
    subject: formatName(certificate.subjectName),
    issuer: formatName(certificate.issuerName),
    subjectCommonName: commonName(certificate.subjectName),
    serialNumber: certificate.serialNumber.toLowerCase(),
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    sanDns: san?.dns ?? [],
    sanIp: san?.ip ?? [],
    keyType,
    keyBits: keyBits(certificate, keyType, structure.publicKeyCurveOid),
    signatureAlgorithm: signatureAlgorithmInfo(structure.signatureAlgorithmOid).name,
    isCA: basic ? basic.ca : null,
    pathLength: basic?.pathLength ?? null,
    keyUsage: keyUsage === null ? [] : KEY_USAGE_BITS.filter(([bit]) => (keyUsage & bit) !== 0).map(([, name]) => name),
    extendedKeyUsage: (eku ?? []).map((usage) => EXTENDED_KEY_USAGES[String(usage)] ?? String(usage)),
    subjectKeyId: ski ? ski.toLowerCase() : null,
    authorityKeyId: aki ? aki.toLowerCase() : null,
    selfIssued: subjectKey === issuerKey,
  };
  if (unreadable.length > 0) facts.unreadableExtensions = unreadable;
  return { der, certificate, facts, structure, subjectKey, issuerKey };
}

function keyBits(certificate: x509.X509Certificate, keyType: CertificateFacts['keyType'], curveOid: string | null): number | null {
  switch (keyType) {
    case 'RSA': {
      try {
        const algorithm = certificate.publicKey.algorithm as RsaHashedKeyAlgorithmLike;
        return typeof algorithm.modulusLength === 'number' ? algorithm.modulusLength : null;
      } catch {
        return null;
      }
    }
    case 'EC':
      return curveOid ? (NAMED_CURVES[curveOid]?.bits ?? null) : null;
    case 'Ed25519':
      return 256;
    case 'Ed448':
      return 456;
    default:
      return null;
  }
}

interface RsaHashedKeyAlgorithmLike {
  modulusLength?: unknown;
}

/** The facts of one DER certificate. Never throws: garbage gives `{ ok: false, error }`. */
export function certificateFacts(der: Uint8Array): FactsResult {
  const parsed = parseCertificate(der);
  return typeof parsed === 'string' ? { ok: false, error: parsed } : { ok: true, value: parsed.facts };
}

type VerifyOutcome = 'valid' | 'invalid' | 'unsupported';

/**
 * Parses each distinct DER once. Captures repeat the same chain on every connection (thousands of
 * times in a busy capture) and a parse costs far more than hashing the bytes (see
 * docs/decisions.d/x509.md), so entries are keyed by the SHA-256 of the DER, which the facts need
 * anyway. Least-recently-used entries are dropped past `maxEntries`. Signature checks between two
 * certificates are remembered too, with their issuer-child pair as key.
 */
export class CertificateCache {
  private readonly entries = new Map<string, ParsedCertificate | string>();
  private readonly verifications = new Map<string, VerifyOutcome>();
  private parses = 0;

  /** @param maxEntries distinct certificates kept (default 2048). */
  constructor(private readonly maxEntries = 2048) {
    if (!(maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
  }

  /** The facts of `der`, parsed on first sight only. */
  facts(der: Uint8Array): FactsResult {
    const entry = this.entry(der);
    return typeof entry === 'string' ? { ok: false, error: entry } : { ok: true, value: entry.facts };
  }

  /** The @peculiar/x509 certificate of `der`, or null when it does not parse. */
  parsed(der: Uint8Array): x509.X509Certificate | null {
    const entry = this.entry(der);
    return typeof entry === 'string' ? null : entry.certificate;
  }

  /** How many parses the cache has done (distinct DERs seen, counting re-parses after eviction). */
  get parseCount(): number {
    return this.parses;
  }

  /** Distinct certificates currently held. */
  get size(): number {
    return this.entries.size;
  }

  /** @internal The parsed certificate, or why it does not parse. */
  entry(der: Uint8Array): ParsedCertificate | string {
    const key = createHash('sha256').update(der).digest('hex');
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      // Re-inserting moves the entry to the young end of the Map's insertion order (LRU).
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    this.parses++;
    const parsed = parseCertificate(der, key);
    this.entries.set(key, parsed);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.verifications.clear();
    }
    return parsed;
  }

  /** @internal A remembered signature check of `child` by `issuer`, computed once. */
  async verification(child: ParsedCertificate, issuer: ParsedCertificate, verify: () => Promise<VerifyOutcome>): Promise<VerifyOutcome> {
    const key = `${child.facts.sha256}:${issuer.facts.sha256}`;
    const known = this.verifications.get(key);
    if (known) return known;
    const outcome = await verify();
    if (this.verifications.size >= this.maxEntries * 4) this.verifications.clear();
    this.verifications.set(key, outcome);
    return outcome;
  }
}
