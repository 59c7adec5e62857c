import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { parseCertificate, type ParsedCertificate } from './certificate-facts.js';
import { readCertificateStructure, type CertificateStructure } from './certificate-structure.js';
import { readValidity } from './certificate-fields.js';
import { children, readElement } from './der.js';
import { nameKeyOfDer } from './name-key-der.js';
import { EXTENSION_OIDS } from './algorithms.js';

/** A PEM block that could not be used as a trust anchor, and why. */
export interface RejectedAnchor {
  /** 0-based position of the CERTIFICATE block in the PEM text. */
  index: number;
  error: string;
}

/**
 * One anchor: indexed from its DER at once, parsed (@peculiar/x509, the costly part) only when a
 * chain needs it. `parsed` is undefined until then.
 */
interface Anchor {
  der: Uint8Array;
  sha256: string;
  parsed: ParsedCertificate | undefined;
}

/**
 * The trust anchors a chain is judged against (the CLI's `--trust-store`, or Node's bundled
 * roots). Anchors are looked up by subject name (RFC 5280 §7.1 matching), by subject key
 * identifier, and by exact DER.
 *
 * Building a store parses no certificate fully: each one is hashed and its subject name and
 * subject key identifier are read by the project's DER reader, under the same keys a full parse
 * gives (see name-key-der.ts); the full parse happens when a lookup returns the anchor. Parsing
 * Node's ~144 roots up front cost ~0.36 s of CPU per process and per worker thread, while a
 * capture's chains reach a handful of them (docs/decisions.md, "Start-up cost"). A certificate whose
 * keys the DER reader cannot vouch for (rare string types, odd encodings), or that might not
 * parse at all, is parsed at once, so `size` and `rejected` are known from the start.
 */
export class TrustStore {
  private readonly bySubject = new Map<string, Anchor[]>();
  private readonly byKeyId = new Map<string, Anchor[]>();
  private readonly bySha256 = new Map<string, Anchor>();
  /** CERTIFICATE blocks (fromPem) or certificates (fromDer) that did not parse. */
  readonly rejected: readonly RejectedAnchor[];

  private static nodeRoots: TrustStore | null = null;

  private constructor(certificates: readonly (Uint8Array | null)[]) {
    const rejected: RejectedAnchor[] = [];
    certificates.forEach((der, index) => {
      const error = der ? this.add(der) : 'invalid base64';
      if (error !== null) rejected.push({ index, error });
    });
    this.rejected = rejected;
  }

  /** Indexes one certificate; the reason when it does not parse. */
  private add(bytes: Uint8Array): string | null {
    // A copy, as parseCertificate makes: the caller's bytes may be a view into a larger buffer.
    const der = bytes.slice();
    const sha256 = createHash('sha256').update(der).digest('hex');
    // The same bytes parse the same way: a duplicate of an accepted anchor is that anchor.
    if (this.bySha256.has(sha256)) return null;
    const structure = readCertificateStructure(der);
    const keys = typeof structure === 'string' ? null : cheapKeys(der, structure);
    const anchor: Anchor = { der, sha256, parsed: undefined };
    let subjectKey: string;
    let keyId: string | null;
    if (keys) {
      ({ subjectKey, keyId } = keys);
    } else {
      const parsed = parseCertificate(der, sha256);
      if (typeof parsed === 'string') return parsed;
      anchor.parsed = parsed;
      subjectKey = parsed.subjectKey;
      keyId = parsed.facts.subjectKeyId;
    }
    this.bySha256.set(sha256, anchor);
    push(this.bySubject, subjectKey, anchor);
    if (keyId) push(this.byKeyId, keyId, anchor);
    return null;
  }

  /** Node's bundled Mozilla roots (`tls.rootCertificates`), indexed once per process. */
  static nodeDefault(): TrustStore {
    TrustStore.nodeRoots ??= TrustStore.fromPem(rootCertificates.join('\n'));
    return TrustStore.nodeRoots;
  }

  /**
   * Every `-----BEGIN CERTIFICATE-----` block of a PEM bundle (other blocks, such as keys, and
   * text between blocks are ignored). Blocks that do not parse are listed in `rejected`.
   */
  static fromPem(text: string): TrustStore {
    return new TrustStore(pemCertificates(text));
  }

  /** Anchors from DER certificates; those that do not parse are listed in `rejected`. */
  static fromDer(certificates: readonly Uint8Array[]): TrustStore {
    return new TrustStore(certificates);
  }

  /** A store that trusts nothing: every chain ends untrusted. */
  static empty(): TrustStore {
    return new TrustStore([]);
  }

  /** @internal Anchors parsed fully so far (at construction, or by a lookup that returned them). */
  get parsedCount(): number {
    let count = 0;
    for (const anchor of this.bySha256.values()) if (anchor.parsed !== undefined) count++;
    return count;
  }

  /** Number of distinct anchors. */
  get size(): number {
    return this.bySha256.size;
  }

  /** @internal Anchors whose subject matches a name key (see distinguished-name.ts). */
  withSubject(nameKey: string): readonly ParsedCertificate[] {
    return parsedAll(this.bySubject.get(nameKey));
  }

  /** @internal Anchors with this subject key identifier (lowercase hex). */
  withKeyId(keyId: string): readonly ParsedCertificate[] {
    return parsedAll(this.byKeyId.get(keyId));
  }

  /** Whether the certificate with this SHA-256 (lowercase hex of its DER) is an anchor. */
  has(sha256: string): boolean {
    return this.bySha256.has(sha256);
  }

  /** @internal The anchor with exactly this DER, by SHA-256. */
  anchor(sha256: string): ParsedCertificate | undefined {
    const anchor = this.bySha256.get(sha256);
    return anchor ? (parsedOf(anchor) ?? undefined) : undefined;
  }

  /** Subjects of all anchors, RFC 4514 text (parses every anchor). */
  subjects(): string[] {
    return parsedAll([...this.bySha256.values()]).map((a) => a.facts.subject);
  }
}

/**
 * The keys a full parse would index an anchor under, read from the DER; null when the DER
 * reader cannot vouch for them, or when the certificate might not parse (its validity does not
 * decode here: parseCertificate's own fallback would then refuse it, and only a full parse can
 * tell). With the structure and validity readable, parseCertificate always gives an anchor: when
 * @peculiar/x509 refuses it, the DER reader's fields are used.
 */
function cheapKeys(der: Uint8Array, structure: CertificateStructure): { subjectKey: string; keyId: string | null } | null {
  if (!readValidity(der, structure)) return null;
  const subjectKey = nameKeyOfDer(der, structure.fields.subject);
  if (subjectKey === null) return null;
  const keyId = subjectKeyIdOf(structure);
  return keyId === undefined ? null : { subjectKey, keyId };
}

/**
 * RFC 5280 §4.2.1.2: the subject key identifier as buildParsed reads it (the last such
 * extension; lowercase hex; null when absent or empty). Undefined when the extension is not a
 * plain `Extension { OID, BOOLEAN?, OCTET STRING { OCTET STRING } }`.
 */
function subjectKeyIdOf(structure: CertificateStructure): string | null | undefined {
  let extension: CertificateStructure['extensions'][number] | undefined;
  for (const e of structure.extensions) if (e.oid === EXTENSION_OIDS.subjectKeyIdentifier) extension = e;
  if (!extension) return null;
  const outer = readElement(extension.der, 0);
  const parts = outer ? children(extension.der, outer) : null;
  if (!parts || parts.length < 2 || parts.length > 3) return undefined;
  if (parts.length === 3 && (parts[1]!.tag !== 0x01 || parts[1]!.end - parts[1]!.valueStart !== 1)) return undefined;
  const value = extension.value;
  const keyId = readElement(value, 0);
  if (!keyId || keyId.tag !== 0x04 || keyId.end !== value.length) return undefined;
  return keyId.end > keyId.valueStart ? Buffer.from(value.subarray(keyId.valueStart, keyId.end)).toString('hex') : null;
}

/**
 * The anchor, parsed on first use. Null never happens for an anchor the store accepted (see
 * cheapKeys); it only keeps a broken invariant from becoming an exception.
 */
function parsedOf(anchor: Anchor): ParsedCertificate | null {
  if (anchor.parsed === undefined) {
    const parsed = parseCertificate(anchor.der, anchor.sha256);
    if (typeof parsed === 'string') return null;
    anchor.parsed = parsed;
  }
  return anchor.parsed;
}

const NONE: readonly ParsedCertificate[] = [];

function parsedAll(anchors: readonly Anchor[] | undefined): readonly ParsedCertificate[] {
  if (anchors === undefined) return NONE;
  const out: ParsedCertificate[] = [];
  for (const anchor of anchors) {
    const parsed = parsedOf(anchor);
    if (parsed) out.push(parsed);
  }
  return out;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The DER of each CERTIFICATE block in PEM text (null for a block whose base64 is broken). */
export function pemCertificates(text: string): (Uint8Array | null)[] {
  const out: (Uint8Array | null)[] = [];
  const block = /-----BEGIN (?:X509 )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 )?CERTIFICATE-----/g;
  for (let m = block.exec(text); m !== null; m = block.exec(text)) {
    const body = m[1]!.replace(/\s+/g, '');
    out.push(/^[A-Za-z0-9+/]*={0,2}$/.test(body) && body.length > 0 ? new Uint8Array(Buffer.from(body, 'base64')) : null);
  }
  return out;
}
