/**
 * One copy of each distinct certificate for all the connections of a run. A capture of one
 * service shows the same chain on every connection: a copy per Certificate message was most of
 * the TLS stage's external memory, and, on connections that lived long enough to be promoted,
 * old-space garbage until the next full collection (docs/decisions.md, "Peak RSS growing with the capture").
 */

/** Distinct certificates kept by default before the table starts over. */
const DEFAULT_MAX_CERTIFICATES = 1024;

/** Bytes at the end of a DER (signature bits) mixed into its hash. */
const TAIL_BYTES = 16;

/** Shares equal DER bytes: {@link CertificateInterner.intern} gives one copy per distinct certificate. */
export class CertificateInterner {
  private readonly byHash = new Map<number, Uint8Array[]>();
  private size = 0;

  /**
   * @param maxCertificates distinct certificates kept; beyond it the table starts over, so a
   *   capture of many different servers holds a bounded amount (later copies of a certificate
   *   dropped then are not shared with earlier ones; the bytes stay the same).
   */
  constructor(private readonly maxCertificates = DEFAULT_MAX_CERTIFICATES) {}

  /**
   * The shared copy of `der`: equal bytes give the same object. `der` may be a view into a
   * larger buffer (a read chunk, a reassembled message): only a copy of its own bytes is kept.
   * Callers must not write to the result.
   */
  intern(der: Uint8Array): Uint8Array {
    const hash = hashOf(der);
    const known = this.byHash.get(hash);
    if (known) {
      // Chains from the pipeline are already shared copies: identity answers before any compare.
      for (const k of known) if (k === der || sameBytes(k, der)) return k;
    }
    if (this.size >= this.maxCertificates) {
      this.byHash.clear();
      this.size = 0;
    }
    const copy = der.slice();
    const list = this.byHash.get(hash);
    if (list) list.push(copy);
    else this.byHash.set(hash, [copy]);
    this.size++;
    return copy;
  }
}

/** Length and the last bytes (the signature) tell certificates apart cheaply; equal hashes are compared in full. */
function hashOf(der: Uint8Array): number {
  let h = der.length | 0;
  for (let i = Math.max(0, der.length - TAIL_BYTES); i < der.length; i++) h = Math.imul(h ^ der[i]!, 0x01000193);
  // A small integer key (Smi) keeps the Map's lookups off boxed numbers.
  return h & 0x3fffffff;
}

/**
 * Native memcmp: nearly every certificate is a repeat whose hash matches, so each is compared in
 * full, and a JS byte loop over a 1-2 KB DER was the TLS stage's top self time (docs/decisions.md).
 */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
