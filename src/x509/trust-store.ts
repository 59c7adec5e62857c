import { rootCertificates } from 'node:tls';
import { parseCertificate, type ParsedCertificate } from './certificate-facts.js';

/** A PEM block that could not be used as a trust anchor, and why. */
export interface RejectedAnchor {
  /** 0-based position of the CERTIFICATE block in the PEM text. */
  index: number;
  error: string;
}

/**
 * The trust anchors a chain is judged against (the CLI's `--trust-store`, or Node's bundled
 * roots). Anchors are looked up by subject name (RFC 5280 §7.1 matching), by subject key
 * identifier, and by exact DER.
 */
export class TrustStore {
  private readonly bySubject = new Map<string, ParsedCertificate[]>();
  private readonly byKeyId = new Map<string, ParsedCertificate[]>();
  private readonly bySha256 = new Map<string, ParsedCertificate>();
  /** CERTIFICATE blocks that did not parse (fromPem only). */
  readonly rejected: readonly RejectedAnchor[];

  private static nodeRoots: TrustStore | null = null;

  private constructor(anchors: ParsedCertificate[], rejected: RejectedAnchor[]) {
    this.rejected = rejected;
    for (const anchor of anchors) {
      if (this.bySha256.has(anchor.facts.sha256)) continue;
      this.bySha256.set(anchor.facts.sha256, anchor);
      push(this.bySubject, anchor.subjectKey, anchor);
      if (anchor.facts.subjectKeyId) push(this.byKeyId, anchor.facts.subjectKeyId, anchor);
    }
  }

  /** Node's bundled Mozilla roots (`tls.rootCertificates`), parsed once per process. */
  static nodeDefault(): TrustStore {
    TrustStore.nodeRoots ??= TrustStore.fromPem(rootCertificates.join('\n'));
    return TrustStore.nodeRoots;
  }

  /**
   * Every `-----BEGIN CERTIFICATE-----` block of a PEM bundle (other blocks, such as keys, and
   * text between blocks are ignored). Blocks that do not parse are listed in `rejected`.
   */
  static fromPem(text: string): TrustStore {
    const anchors: ParsedCertificate[] = [];
    const rejected: RejectedAnchor[] = [];
    pemCertificates(text).forEach((der, index) => {
      const parsed = der ? parseCertificate(der) : 'invalid base64';
      if (typeof parsed === 'string') rejected.push({ index, error: parsed });
      else anchors.push(parsed);
    });
    return new TrustStore(anchors, rejected);
  }

  /** Anchors from DER certificates; those that do not parse are listed in `rejected`. */
  static fromDer(certificates: readonly Uint8Array[]): TrustStore {
    const anchors: ParsedCertificate[] = [];
    const rejected: RejectedAnchor[] = [];
    certificates.forEach((der, index) => {
      const parsed = parseCertificate(der);
      if (typeof parsed === 'string') rejected.push({ index, error: parsed });
      else anchors.push(parsed);
    });
    return new TrustStore(anchors, rejected);
  }

  /** A store that trusts nothing: every chain ends untrusted. */
  static empty(): TrustStore {
    return new TrustStore([], []);
  }

  /** Number of distinct anchors. */
  get size(): number {
    return this.bySha256.size;
  }

  /** @internal Anchors whose subject matches a name key (see distinguished-name.ts). */
  withSubject(nameKey: string): readonly ParsedCertificate[] {
    return this.bySubject.get(nameKey) ?? [];
  }

  /** @internal Anchors with this subject key identifier (lowercase hex). */
  withKeyId(keyId: string): readonly ParsedCertificate[] {
    return this.byKeyId.get(keyId) ?? [];
  }

  /** Whether the certificate with this SHA-256 (lowercase hex of its DER) is an anchor. */
  has(sha256: string): boolean {
    return this.bySha256.has(sha256);
  }

  /** @internal The anchor with exactly this DER, by SHA-256. */
  anchor(sha256: string): ParsedCertificate | undefined {
    return this.bySha256.get(sha256);
  }

  /** Subjects of all anchors, RFC 4514 text. */
  subjects(): string[] {
    return [...this.bySha256.values()].map((a) => a.facts.subject);
  }
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
