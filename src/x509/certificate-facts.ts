import { createHash } from 'node:crypto';
import { x509 } from './peculiar.js';
import type { CertificateFacts } from './types.js';
import type { ChainShape } from './chain.js';
import type { TrustStore } from './trust-store.js';
import { readCertificateStructure, type CertificateStructure, type RawExtension } from './certificate-structure.js';
import { fieldsOf, readCertificateFields, rsaModulusBits, type CertificateFields } from './certificate-fields.js';
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

/**
 * subjectAltName names (dNSName + iPAddress) kept in the facts of one certificate; the rest are
 * counted (`sanTotal`, `sanTruncated`). Real certificates stay far below (CDN certificates carry
 * a few hundred); each cached certificate keeps its facts, so an unbounded list would let a
 * capture of large hostile certificates hold millions of strings. Host name checks still see
 * every name (see {@link hostnameFacts}).
 */
export const MAX_SAN_NAMES = 1000;

/** A certificate parsed once, with what chain building compares. Internal to src/x509. */
export interface ParsedCertificate {
  der: Uint8Array;
  /** Null when @peculiar/x509 refused the certificate and the facts come from the DER reader alone. */
  certificate: x509.X509Certificate | null;
  facts: CertificateFacts;
  structure: CertificateStructure;
  /** nameKey() of subject and issuer: equal keys mean the names match. */
  subjectKey: string;
  issuerKey: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * asn1js (under @peculiar/x509) stops at 10,000 nodes by default, which a real certificate with
 * a few thousand SAN entries exceeds. Every node takes at least two bytes, so a budget of one
 * node per two bytes never refuses a certificate for its size alone and still bounds the work
 * by the size. The depth limit stays at asn1js's 100: deeper input was refused already.
 */
function parseOptions(der: Uint8Array, maxNodes?: number): ConstructorParameters<typeof x509.X509Certificate>[1] {
  return { berOptions: { maxNodes: maxNodes ?? Math.max(10_000, Math.ceil(der.length / 2) + 1) } };
}

/**
 * Parses one DER certificate; never throws. When @peculiar/x509 refuses bytes whose outer
 * structure is a certificate, the facts are read by the project's DER reader and carry a
 * `problem`; only bytes that are no certificate at all give a reason string.
 * @param maxNodes asn1js node budget (tests force the fallback with a small one)
 */
export function parseCertificate(der: Uint8Array, sha256?: string, maxNodes?: number): ParsedCertificate | string {
  // A copy: the caller's bytes are often a view into a whole capture buffer, which a cached entry
  // must not keep alive.
  der = der.slice();
  const structure = readCertificateStructure(der);
  if (typeof structure === 'string') return structure;
  const hash = sha256 ?? createHash('sha256').update(der).digest('hex');
  let certificate: x509.X509Certificate | null = null;
  let refusal = '';
  try {
    certificate = new x509.X509Certificate(der, parseOptions(der, maxNodes));
  } catch (error) {
    refusal = `@peculiar/x509 refused it (${(error as Error).message})`;
  }
  let fields: CertificateFields | string;
  if (certificate) {
    try {
      fields = fieldsOf(certificate);
    } catch (error) {
      // Names or dates @peculiar/x509 accepted on parse but cannot render.
      refusal = `@peculiar/x509 cannot render it (${(error as Error).message})`;
      certificate = null;
      fields = readCertificateFields(der, structure);
    }
  } else {
    fields = readCertificateFields(der, structure);
  }
  if (typeof fields === 'string') return `not a readable X.509 certificate: ${refusal}; ${fields}`;
  const parsed = buildParsed(der, hash, certificate, structure, fields);
  if (!certificate) {
    parsed.facts.problem = `${refusal}: facts read by the project's DER reader; its signature cannot be checked`;
  }
  return parsed;
}

function buildParsed(
  der: Uint8Array,
  sha256: string,
  certificate: x509.X509Certificate | null,
  structure: CertificateStructure,
  fields: CertificateFields,
): ParsedCertificate {
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
    const names = readSubjectAltName(e.value, MAX_SAN_NAMES);
    if (!names) throw new Error('malformed subjectAltName');
    return names;
  });

  const keyInfo = PUBLIC_KEY_ALGORITHMS[structure.publicKeyAlgorithmOid];
  const keyType = keyInfo?.keyType ?? 'unknown';
  const facts: CertificateFacts = {
    sha256,
    subject: fields.subject,
    issuer: fields.issuer,
    subjectCommonName: fields.subjectCommonName,
    serialNumber: fields.serialNumber,
    notBefore: fields.notBefore.toISOString(),
    notAfter: fields.notAfter.toISOString(),
    sanDns: san?.dns ?? [],
    sanIp: san?.ip ?? [],
    keyType,
    keyBits: keyBits(der, certificate, structure, keyType),
    signatureAlgorithm: signatureAlgorithmInfo(structure.signatureAlgorithmOid).name,
    isCA: basic ? basic.ca : null,
    pathLength: basic?.pathLength ?? null,
    keyUsage: keyUsage === null ? [] : KEY_USAGE_BITS.filter(([bit]) => (keyUsage & bit) !== 0).map(([, name]) => name),
    extendedKeyUsage: (eku ?? []).map((usage) => EXTENDED_KEY_USAGES[String(usage)] ?? String(usage)),
    subjectKeyId: ski ? ski.toLowerCase() : null,
    authorityKeyId: aki ? aki.toLowerCase() : null,
    selfIssued: fields.subjectKey === fields.issuerKey,
  };
  if (san && san.total > san.dns.length + san.ip.length) {
    facts.sanTotal = san.total;
    facts.sanTruncated = true;
  }
  if (unreadable.length > 0) facts.unreadableExtensions = unreadable;
  return {
    der,
    certificate,
    facts,
    structure,
    subjectKey: fields.subjectKey,
    issuerKey: fields.issuerKey,
    notBefore: fields.notBefore,
    notAfter: fields.notAfter,
  };
}

function keyBits(der: Uint8Array, certificate: x509.X509Certificate | null, structure: CertificateStructure, keyType: CertificateFacts['keyType']): number | null {
  switch (keyType) {
    case 'RSA': {
      if (!certificate) return rsaModulusBits(der, structure);
      try {
        const algorithm = certificate.publicKey.algorithm as RsaHashedKeyAlgorithmLike;
        return typeof algorithm.modulusLength === 'number' ? algorithm.modulusLength : null;
      } catch {
        return null;
      }
    }
    case 'EC':
      return structure.publicKeyCurveOid ? (NAMED_CURVES[structure.publicKeyCurveOid]?.bits ?? null) : null;
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

/**
 * The facts a host name check needs: `entry.facts`, with every SAN name when the facts keep only
 * the first {@link MAX_SAN_NAMES} (a name past the cap must still match).
 */
export function hostnameFacts(entry: ParsedCertificate): CertificateFacts {
  if (!entry.facts.sanTruncated) return entry.facts;
  const raw = entry.structure.extensions.find((e) => e.oid === EXTENSION_OIDS.subjectAltName);
  const all = raw ? readSubjectAltName(raw.value, Infinity) : null;
  return all ? { ...entry.facts, sanDns: all.dns, sanIp: all.ip } : entry.facts;
}

/** The facts of one DER certificate. Never throws: garbage gives `{ ok: false, error }`. */
export function certificateFacts(der: Uint8Array): FactsResult {
  const parsed = parseCertificate(der);
  return typeof parsed === 'string' ? { ok: false, error: parsed } : { ok: true, value: parsed.facts };
}

type VerifyOutcome = 'valid' | 'invalid' | 'unsupported';

/**
 * 32-bit FNV-1a of the length and the last 32 bytes: a certificate ends with its signature, which
 * differs between any two certificates. Only a hint; equality is always checked on the bytes.
 */
function fingerprintOf(der: Uint8Array): number {
  let h = Math.imul(0x811c9dc5 ^ der.length, 0x01000193);
  for (let i = Math.max(0, der.length - 32); i < der.length; i++) h = Math.imul(h ^ der[i]!, 0x01000193);
  return h >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

const EMPTY_SHAPES: ReadonlyMap<string, ChainShape> = new Map();

/** One cached certificate: its DER (to compare), its SHA-256 key and what the parse gave. */
interface Slot {
  key: string;
  /** The parsed copy's bytes; null for bytes that did not parse (found by their hash only). */
  der: Uint8Array | null;
  value: ParsedCertificate | string;
  /** `facts()`'s answer, made on first demand. */
  result?: FactsResult;
  /** Neighbours in least-recently-used order (older, younger). */
  older: Slot | null;
  younger: Slot | null;
}

/**
 * Above this many cached certificates with one fingerprint (bytes crafted to collide), lookups of
 * that fingerprint go by SHA-256 instead of comparing bytes with each.
 */
const MAX_SCAN = 8;

/**
 * Parses each distinct DER once. Captures repeat the same chain on every connection (thousands of
 * times in a busy capture) and a parse costs far more than hashing the bytes (see
 * docs/decisions.md), so entries are keyed by the SHA-256 of the DER, which the facts need
 * anyway. Least-recently-used entries are dropped past `maxEntries`. Signature checks between two
 * certificates are remembered too, with their issuer-child pair as key, and so are whole chain
 * judgements (everything but the validity checks, which depend on the moment) per trust store.
 *
 * A certificate seen again is found without hashing it: by a fingerprint of its length and last
 * bytes (the signature), then a byte comparison with the kept copy, so equal bytes in another
 * buffer hit and different bytes never do (see docs/decisions.md, "Diagnosis and certificate analysis: CPU per connection").
 */
export class CertificateCache {
  /** By SHA-256. */
  private readonly entries = new Map<string, Slot>();
  /**
   * Least-recently-used order as a list through the slots: a hit moves its slot to the young
   * end by relinking, without the Map delete and insert it took when the Map's order was the LRU.
   */
  private oldest: Slot | null = null;
  private youngest: Slot | null = null;
  /** Parsed certificates by fingerprint. */
  private readonly byFingerprint = new Map<number, Slot[]>();
  private readonly verifications = new Map<string, VerifyOutcome>();
  // Weak by store: a verdict holds for one set of roots; a store dropped takes its verdicts along.
  private readonly shapes = new WeakMap<TrustStore, Map<string, ChainShape>>();
  private parses = 0;

  /** @param maxEntries distinct certificates kept (default 2048). */
  constructor(private readonly maxEntries = 2048) {
    if (!(maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
  }

  /** The facts of `der`, parsed on first sight only. */
  facts(der: Uint8Array): FactsResult {
    const slot = this.slot(der);
    return (slot.result ??= typeof slot.value === 'string' ? { ok: false, error: slot.value } : { ok: true, value: slot.value.facts });
  }

  /** The @peculiar/x509 certificate of `der`, or null when it does not parse or the library refused it. */
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
    return this.slot(der).value;
  }

  private slot(der: Uint8Array): Slot {
    const print = fingerprintOf(der);
    const candidates = this.byFingerprint.get(print);
    if (candidates !== undefined && candidates.length <= MAX_SCAN) {
      for (const slot of candidates) if (sameBytes(slot.der!, der)) return this.touch(slot);
    }
    const key = createHash('sha256').update(der).digest('hex');
    const cached = this.entries.get(key);
    // Bytes that did not parse, or a fingerprint with too many certificates to compare.
    if (cached !== undefined) return this.touch(cached);
    this.parses++;
    const value = parseCertificate(der, key);
    // Bytes that do not parse are not kept (a hostile capture could send megabytes of them):
    // they are found again by their hash, as before.
    const slot: Slot = { key, der: typeof value === 'string' ? null : value.der, value, older: null, younger: null };
    this.entries.set(key, slot);
    this.append(slot);
    if (slot.der !== null) {
      if (candidates === undefined) this.byFingerprint.set(print, [slot]);
      else candidates.push(slot);
    }
    if (this.entries.size > this.maxEntries) {
      const oldest = this.oldest!;
      this.unlink(oldest);
      this.entries.delete(oldest.key);
      if (oldest.der !== null) this.forget(oldest.der, oldest);
      this.verifications.clear();
    }
    return slot;
  }

  /** Moves a slot to the young end of the LRU order. */
  private touch(slot: Slot): Slot {
    if (slot !== this.youngest) {
      this.unlink(slot);
      this.append(slot);
    }
    return slot;
  }

  private append(slot: Slot): void {
    slot.older = this.youngest;
    slot.younger = null;
    if (this.youngest) this.youngest.younger = slot;
    else this.oldest = slot;
    this.youngest = slot;
  }

  private unlink(slot: Slot): void {
    if (slot.older) slot.older.younger = slot.younger;
    else this.oldest = slot.younger;
    if (slot.younger) slot.younger.older = slot.older;
    else this.youngest = slot.older;
    slot.older = null;
    slot.younger = null;
  }

  private forget(der: Uint8Array, slot: Slot): void {
    const print = fingerprintOf(der);
    const list = this.byFingerprint.get(print);
    if (!list) return;
    const at = list.indexOf(slot);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.byFingerprint.delete(print);
  }

  /** @internal Chains judged against `store`, by purpose, host and certificate hashes (see analyzeChain). */
  chainShapes(store: TrustStore): ReadonlyMap<string, ChainShape> {
    return this.shapes.get(store) ?? EMPTY_SHAPES;
  }

  /** @internal Remembers a chain's judgement; bounded like the signature checks. */
  rememberChainShape(store: TrustStore, key: string, shape: ChainShape): void {
    let shapes = this.shapes.get(store);
    if (!shapes) {
      shapes = new Map();
      this.shapes.set(store, shapes);
    }
    if (shapes.size >= this.maxEntries) shapes.clear();
    shapes.set(key, shape);
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
