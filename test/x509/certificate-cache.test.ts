import { createHash } from 'node:crypto';
import { CertificateCache } from '../../src/x509/certificate-facts.js';
import { der } from './fixture-certificates.js';

describe('CertificateCache', () => {
  it('parses each distinct DER once however often it is asked', () => {
    const cache = new CertificateCache();
    const leaf = der('leaf-valid');
    for (let i = 0; i < 1000; i++) {
      // A fresh copy each time, as each connection of a capture yields its own bytes.
      expect(cache.facts(leaf.slice()).ok).toBe(true);
      expect(cache.facts(der('intermediate')).ok).toBe(true);
    }
    expect(cache.parseCount).toBe(2);
    expect(cache.size).toBe(2);
  });

  it('returns the same parsed certificate object for equal bytes', () => {
    const cache = new CertificateCache();
    const a = cache.parsed(der('root'));
    expect(a).not.toBeNull();
    expect(cache.parsed(der('root').slice())).toBe(a);
  });

  it('remembers garbage too, and answers null/error for it', () => {
    const cache = new CertificateCache();
    const junk = Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x05]);
    expect(cache.parsed(junk)).toBeNull();
    expect(cache.facts(junk).ok).toBe(false);
    expect(cache.parseCount).toBe(1);
  });

  it('drops the least recently used certificate past maxEntries', () => {
    const cache = new CertificateCache(2);
    cache.facts(der('root'));
    cache.facts(der('intermediate'));
    cache.facts(der('root')); // root is now the most recent
    cache.facts(der('leaf-valid')); // evicts intermediate
    expect(cache.size).toBe(2);
    cache.facts(der('root'));
    expect(cache.parseCount).toBe(3);
    cache.facts(der('intermediate'));
    expect(cache.parseCount).toBe(4);
  });

  it('does not keep the caller buffer alive', () => {
    const big = new Uint8Array(1_000_000);
    const leaf = der('leaf-valid');
    big.set(leaf, 1000);
    const cache = new CertificateCache();
    const parsed = cache.parsed(big.subarray(1000, 1000 + leaf.length));
    expect(parsed?.rawData.byteLength).toBe(leaf.length);
  });

  // A certificate seen again is found by a fingerprint of its length and last bytes, then a byte
  // comparison: variants that differ only inside (here a serial number byte) share the
  // fingerprint and must still be told apart, each with the hash of its own bytes.
  const variant = (i: number): Uint8Array => {
    const bytes = der('leaf-valid').slice();
    expect(bytes[13]).toBe(0x02); // the serial number INTEGER: tag, length, then its bytes
    bytes[16] = i;
    return bytes;
  };
  const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

  it('tells apart certificates of equal length and equal last bytes', () => {
    const cache = new CertificateCache();
    const a = variant(1);
    const b = variant(2);
    const fa = cache.facts(a);
    const fb = cache.facts(b);
    expect(fa.ok && fb.ok).toBe(true);
    if (!fa.ok || !fb.ok) return;
    expect(fa.value.sha256).toBe(sha(a));
    expect(fb.value.sha256).toBe(sha(b));
    expect(fa.value.serialNumber).not.toBe(fb.value.serialNumber);
    expect(cache.facts(b.slice())).toEqual(fb);
    expect(cache.facts(a.slice())).toEqual(fa);
    expect(cache.parseCount).toBe(2);
  });

  it('still finds each of many certificates sharing one fingerprint (by their hash past a few)', () => {
    const cache = new CertificateCache();
    const variants = Array.from({ length: 20 }, (_, i) => variant(i));
    for (let round = 0; round < 2; round++) {
      for (const v of variants) {
        const f = cache.facts(v.slice());
        expect(f.ok && f.value.sha256).toBe(sha(v));
      }
    }
    expect(cache.parseCount).toBe(20);
    expect(cache.size).toBe(20);
  });

  it('parses again a certificate evicted from a shared fingerprint, and keeps the others', () => {
    const cache = new CertificateCache(2);
    cache.facts(variant(1));
    cache.facts(variant(2));
    cache.facts(variant(3)); // evicts variant 1
    expect(cache.parseCount).toBe(3);
    cache.facts(variant(3));
    cache.facts(variant(2));
    expect(cache.parseCount).toBe(3);
    const again = cache.facts(variant(1));
    expect(again.ok && again.value.sha256).toBe(sha(variant(1)));
    expect(cache.parseCount).toBe(4);
  });

  it('finds garbage again by its hash without keeping its bytes', () => {
    const cache = new CertificateCache();
    const junk = new Uint8Array(64).fill(0x30);
    const first = cache.facts(junk);
    expect(first.ok).toBe(false);
    expect(cache.facts(junk.slice())).toEqual(first);
    expect(cache.parseCount).toBe(1);
  });

  it('evicts exactly the least recently used, on a long random sequence', () => {
    const cache = new CertificateCache(3);
    const variants = Array.from({ length: 6 }, (_, i) => variant(i));
    // Reference: an array from least to most recently used.
    const order: number[] = [];
    let parses = 0;
    let seed = 7;
    for (let step = 0; step < 300; step++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const i = seed % 6;
      const at = order.indexOf(i);
      if (at >= 0) order.splice(at, 1);
      else {
        parses++;
        if (order.length === 3) order.shift();
      }
      order.push(i);
      cache.facts(variants[i]!.slice());
      expect([step, cache.parseCount]).toEqual([step, parses]);
    }
    expect(cache.size).toBe(3);
  });
});
