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
});
