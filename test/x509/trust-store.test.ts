import { TrustStore } from '../../src/x509/trust-store.js';
import { certificateFacts } from '../../src/x509/certificate-facts.js';
import { der, pem } from './fixture-certificates.js';

describe('TrustStore', () => {
  it('loads every CERTIFICATE block of a PEM bundle', () => {
    const store = TrustStore.fromPem(pem('trusted-roots'));
    expect(store.size).toBe(3);
    expect(store.rejected).toEqual([]);
    expect(store.subjects()).toContain('CN=Fixture Root CA,O=TLS Analyzer Fixtures,C=ZZ');
    const root = certificateFacts(der('root'));
    expect(root.ok && store.has(root.value.sha256)).toBe(true);
  });

  it('ignores keys and text between blocks, counts duplicates once, reports broken blocks', () => {
    const text = [
      'some heading', pem('root'), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', pem('root'),
      '-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----',
      '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----',
    ].join('\n');
    const store = TrustStore.fromPem(text);
    expect(store.size).toBe(1);
    expect(store.rejected.map((r) => r.index)).toEqual([2, 3]);
  });

  it('looks anchors up by subject name and key id', () => {
    const store = TrustStore.fromPem(pem('trusted-roots'));
    const root = TrustStore.fromDer([der('root')]);
    expect(root.size).toBe(1);
    const facts = certificateFacts(der('intermediate'));
    if (!facts.ok) throw new Error(facts.error);
    expect(store.withKeyId(facts.value.authorityKeyId!)).toHaveLength(1);
  });

  it('has Node bundled roots by default, parsed once', () => {
    const store = TrustStore.nodeDefault();
    expect(store.size).toBeGreaterThan(100);
    expect(store.rejected).toEqual([]);
    expect(TrustStore.nodeDefault()).toBe(store);
  });

  it('can trust nothing', () => {
    expect(TrustStore.empty().size).toBe(0);
  });
});
