import { analyzeChain, type ChainVerdict } from '../../src/x509/chain.js';
import { CertificateCache } from '../../src/x509/certificate-facts.js';
import { TrustStore } from '../../src/x509/trust-store.js';
import { der, pem } from './fixture-certificates.js';

const store = TrustStore.fromPem(pem('trusted-roots'));
/** Inside every fixture's validity window except the expired / not-yet-valid leaves'. */
const AT = new Date('2025-06-01T12:00:00Z');

function judge(names: string[], options: Partial<Parameters<typeof analyzeChain>[1]> = {}): Promise<ChainVerdict> {
  return analyzeChain(names.map(der), { at: AT, trustStore: store, purpose: 'server', ...options });
}
const kinds = (v: ChainVerdict) => v.problems.map((p) => p.kind);
const findingKinds = (v: ChainVerdict) => v.findings.map((f) => f.kind);

describe('analyzeChain verdicts', () => {
  it('accepts a complete chain: leaf, intermediate, root not sent', async () => {
    const v = await judge(['leaf-valid', 'intermediate'], { host: 'www.example.test' });
    expect(v.problems).toEqual([]);
    expect(v.anchor).toBe('CN=Fixture Root CA,O=TLS Analyzer Fixtures,C=ZZ');
    expect(v.path).toEqual([0, 1]);
    expect(v.host).toBe('www.example.test');
    expect(v.certs.map((c) => c.subjectCommonName)).toEqual(['www.example.test', 'Fixture Intermediate CA']);
  });

  it('accepts the chain with the root sent too', async () => {
    const v = await judge(['leaf-valid', 'intermediate', 'root']);
    expect(v.problems).toEqual([]);
    expect(v.path).toEqual([0, 1, 2]);
    expect(v.anchor).toContain('Fixture Root CA');
    expect(v.findings.map((f) => f.kind)).not.toContain('unrelated-certificate');
  });

  it('verifies RSA-PSS, SHA-1, ECDSA P-384 and Ed25519 signatures', async () => {
    for (const chain of [['leaf-pss', 'intermediate'], ['leaf-weak', 'intermediate'], ['ec-leaf'], ['ed-leaf'], ['leaf-ec', 'intermediate']]) {
      const v = await judge(chain);
      expect({ chain, problems: kinds(v) }).toEqual({ chain, problems: [] });
      expect(findingKinds(v)).not.toContain('signature-not-verified');
    }
  });

  it('says chain-incomplete when the intermediate is missing', async () => {
    const v = await judge(['leaf-valid']);
    expect(kinds(v)).toEqual(['chain-incomplete']);
    expect(v.problems[0]!.certIndex).toBe(0);
    expect(v.problems[0]!.detail).toContain('Fixture Intermediate CA');
    expect(v.anchor).toBeNull();
  });

  it('says chain-invalid when the certificates sent do not link', async () => {
    const v = await judge(['leaf-valid', 'untrusted-root']);
    expect(kinds(v)).toEqual(['chain-invalid']);
    expect(v.problems[0]!.certIndex).toBe(1);
  });

  it('says bad-signature when a certificate of the right name did not sign the leaf', async () => {
    const v = await judge(['leaf-bad-signature', 'intermediate']);
    expect(kinds(v)).toEqual(['bad-signature']);
    expect(v.problems[0]!.certIndex).toBe(0);
    expect(v.problems[0]!.detail).toMatch(/authority key id .* differs/);
  });

  it('detects a tampered signature', async () => {
    const tampered = der('leaf-valid').slice();
    tampered[tampered.length - 3] ^= 0x01;
    const v = await analyzeChain([tampered, der('intermediate')], { at: AT, trustStore: store, purpose: 'server' });
    expect(kinds(v)).toEqual(['bad-signature']);
  });

  it('notes wrong order but still reaches the anchor', async () => {
    const v = await judge(['leaf-valid', 'root', 'intermediate']);
    expect(kinds(v)).toEqual(['wrong-order']);
    expect(v.path).toEqual([0, 2, 1]);
    expect(v.problems[0]!.detail).toContain('low severity');
    expect(v.anchor).toContain('Fixture Root CA');
  });

  it('says self-signed and untrusted for a self-signed leaf, unless the store has it', async () => {
    const v = await judge(['self-signed']);
    expect(kinds(v)).toEqual(['self-signed', 'untrusted']);
    const pinned = await analyzeChain([der('self-signed')], { at: AT, trustStore: TrustStore.fromPem(pem('self-signed')), purpose: 'server' });
    expect(pinned.problems).toEqual([]);
    expect(pinned.anchor).toBe('CN=self.example.test');
  });

  it('says untrusted for a private CA, whether its root is sent or not', async () => {
    const sent = await judge(['leaf-untrusted', 'untrusted-root']);
    expect(kinds(sent)).toEqual(['untrusted']);
    expect(sent.problems[0]!.certIndex).toBe(1);
    const notSent = await judge(['leaf-untrusted']);
    expect(kinds(notSent)).toEqual(['chain-incomplete']);
  });

  it('says untrusted with an empty store', async () => {
    const v = await judge(['leaf-valid', 'intermediate', 'root'], { trustStore: TrustStore.empty() });
    expect(kinds(v)).toEqual(['untrusted']);
  });

  it('judges validity at the given time, for the leaf, the intermediates and the anchor', async () => {
    expect(kinds(await judge(['leaf-expired', 'intermediate']))).toEqual(['expired']);
    expect(kinds(await judge(['leaf-not-yet-valid', 'intermediate']))).toEqual(['not-yet-valid']);
    expect(kinds(await judge(['leaf-expired', 'intermediate'], { at: new Date('2021-01-01T00:00:00Z') }))).toEqual([]);
    expect(kinds(await judge(['leaf-valid', 'intermediate'], { at: new Date('2023-01-01T00:00:00Z') }))).toEqual(['not-yet-valid']);
    const late = await judge(['leaf-valid', 'intermediate'], { at: new Date('2045-01-01T00:00:00Z') });
    expect(late.problems.map((p) => [p.kind, p.certIndex])).toEqual([['expired', 0], ['expired', 1], ['expired', null]]);
  });

  it('reports a hostname mismatch with the reason', async () => {
    const v = await judge(['leaf-wrong-name', 'intermediate'], { host: 'www.example.test' });
    expect(kinds(v)).toEqual(['hostname-mismatch']);
    expect(v.problems[0]!.detail).toContain('other.example.org');
    expect(kinds(await judge(['leaf-wildcard', 'intermediate'], { host: 'a.wild.example.test' }))).toEqual([]);
    expect(kinds(await judge(['leaf-cn-only', 'intermediate'], { host: 'legacy.example.test' }))).toEqual([]);
    expect(kinds(await judge(['leaf-valid', 'intermediate'], { host: '127.0.0.1' }))).toEqual([]);
  });

  it('gives empty and unparseable problems, never throws', async () => {
    expect(kinds(await analyzeChain([], { at: AT, trustStore: store, purpose: 'server' }))).toEqual(['empty']);
    const junk = Uint8Array.from([1, 2, 3]);
    expect(kinds(await analyzeChain([junk], { at: AT, trustStore: store, purpose: 'server' }))).toEqual(['unparseable']);
    const v = await analyzeChain([der('leaf-valid'), junk, der('intermediate')], { at: AT, trustStore: store, purpose: 'server' });
    expect(kinds(v)).toEqual(['unparseable', 'wrong-order']);
    expect(v.sentIndexes).toEqual([0, 2]);
    expect(v.anchor).not.toBeNull();
  });
});

describe('analyzeChain findings', () => {
  it('flags a 1024-bit RSA key and a SHA-1 signature', async () => {
    const v = await judge(['leaf-weak', 'intermediate']);
    expect(findingKinds(v)).toEqual(expect.arrayContaining(['weak-rsa-key', 'weak-signature-hash']));
    expect(v.findings.every((f) => f.certIndex === 0)).toBe(true);
  });

  it('does not flag the SHA-1 self-signature of a root', async () => {
    const v = await judge(['leaf-valid', 'intermediate', 'root']);
    expect(findingKinds(v)).not.toContain('weak-signature-hash');
  });

  it('flags an issuer without the CA flag and without keyCertSign', async () => {
    const v = await judge(['leaf-under-not-a-ca', 'not-a-ca']);
    expect(kinds(v)).toEqual([]);
    expect(v.findings.filter((f) => f.certIndex === 1).map((f) => f.kind).sort()).toEqual(['ca-flag-missing', 'key-usage']);
  });

  it('flags a leaf with the CA flag', async () => {
    expect(findingKinds(await judge(['leaf-is-ca', 'intermediate']))).toContain('leaf-is-ca');
  });

  it('flags the EKU against the purpose', async () => {
    expect(findingKinds(await judge(['leaf-client', 'intermediate']))).toContain('eku-missing-server-auth');
    expect(findingKinds(await judge(['leaf-client', 'intermediate'], { purpose: 'client' }))).not.toContain('eku-missing-client-auth');
    expect(findingKinds(await judge(['leaf-valid', 'intermediate'], { purpose: 'client' }))).toContain('eku-missing-client-auth');
  });

  it('flags a leaf valid longer than 398 days', async () => {
    const v = await judge(['leaf-valid', 'intermediate']);
    expect(v.findings.filter((f) => f.kind === 'validity-too-long').map((f) => f.certIndex)).toEqual([0]);
  });

  it('notes unrelated and duplicate certificates without failing', async () => {
    const v = await judge(['leaf-valid', 'intermediate', 'ec-root', 'intermediate']);
    expect(kinds(v)).toEqual([]);
    expect(v.findings.filter((f) => f.kind === 'unrelated-certificate').map((f) => f.certIndex)).toEqual([2]);
    expect(v.findings.filter((f) => f.kind === 'duplicate-certificate').map((f) => f.certIndex)).toEqual([3]);
  });

  it('reuses the cache: a repeated chain is parsed and verified once', async () => {
    const cache = new CertificateCache();
    for (let i = 0; i < 50; i++) {
      const v = await judge(['leaf-valid', 'intermediate'], { cache });
      expect(v.problems).toEqual([]);
    }
    expect(cache.parseCount).toBe(2);
  });
});
