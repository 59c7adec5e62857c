import { analyzeChain, cachedChainVerdict, type AnalyzeChainOptions } from '../../src/x509/chain.js';
import { CertificateCache } from '../../src/x509/certificate-facts.js';
import { TrustStore } from '../../src/x509/trust-store.js';
import { der, pem } from './fixture-certificates.js';

const store = TrustStore.fromPem(pem('trusted-roots'));
const chain = (...names: string[]) => names.map((n) => der(n).slice());

/** The verdict a fresh cache gives: what a shared, remembering cache must also give. */
const fresh = (names: string[], o: AnalyzeChainOptions) => analyzeChain(chain(...names), { ...o, cache: new CertificateCache() });

describe('chain verdicts remembered in a shared CertificateCache', () => {
  const leafFacts = new CertificateCache().facts(der('leaf-valid'));
  if (!leafFacts.ok) throw new Error('fixture leaf-valid does not parse');
  const notBefore = Date.parse(leafFacts.value.notBefore);
  const notAfter = Date.parse(leafFacts.value.notAfter);

  it('judges validity at each moment asked, before, inside and after the window', async () => {
    const shared = new CertificateCache();
    const moments = [notBefore - 1000, notBefore, (notBefore + notAfter) / 2, notAfter, notAfter + 1000, notBefore - 86_400_000, notAfter + 86_400_000];
    const kinds: string[][] = [];
    for (const t of moments) {
      const o: AnalyzeChainOptions = { at: new Date(t), host: 'www.example.test', trustStore: store, purpose: 'server' };
      const got = await analyzeChain(chain('leaf-valid', 'intermediate'), { ...o, cache: shared });
      expect(got).toEqual(await fresh(['leaf-valid', 'intermediate'], o));
      kinds.push(got.problems.map((p) => p.kind));
    }
    expect(kinds[0]).toContain('not-yet-valid');
    expect(kinds[2]).toEqual([]);
    expect(kinds[4]).toContain('expired');
    // The detail names the moment asked, not the one first judged.
    const late = await analyzeChain(chain('leaf-valid', 'intermediate'), { at: new Date(notAfter + 1000), trustStore: store, purpose: 'server', cache: shared });
    expect(late.problems.find((p) => p.kind === 'expired')!.detail).toContain(new Date(notAfter + 1000).toISOString());
  });

  it('keeps host, purpose and trust store apart', async () => {
    const shared = new CertificateCache();
    const at = new Date((notBefore + notAfter) / 2);
    const cases: AnalyzeChainOptions[] = [
      { at, host: 'www.example.test', trustStore: store, purpose: 'server' },
      { at, host: 'other.example.test', trustStore: store, purpose: 'server' },
      { at, host: null, trustStore: store, purpose: 'server' },
      { at, host: 'www.example.test', trustStore: store, purpose: 'client' },
      { at, host: 'www.example.test', trustStore: TrustStore.empty(), purpose: 'server' },
    ];
    for (const o of cases) expect(await analyzeChain(chain('leaf-valid', 'intermediate'), { ...o, cache: shared })).toEqual(await fresh(['leaf-valid', 'intermediate'], o));
    const kinds = await Promise.all(cases.map(async (o) => (await analyzeChain(chain('leaf-valid', 'intermediate'), { ...o, cache: shared })).problems.map((p) => p.kind)));
    expect(kinds[1]).toContain('hostname-mismatch');
    expect(kinds[4]).toContain('chain-incomplete');
    expect(kinds[0]).toEqual([]);
  });

  it('keeps chains that differ only in order or in one certificate apart', async () => {
    const shared = new CertificateCache();
    const o: AnalyzeChainOptions = { at: new Date((notBefore + notAfter) / 2), trustStore: store, purpose: 'server' };
    for (const names of [['leaf-valid', 'intermediate'], ['intermediate', 'leaf-valid'], ['leaf-valid'], ['leaf-valid', 'intermediate', 'root'], ['leaf-bad-signature', 'intermediate']]) {
      expect(await analyzeChain(chain(...names), { ...o, cache: shared })).toEqual(await fresh(names, o));
    }
  });

  it('hands out verdicts a caller may change without touching the next one', async () => {
    const shared = new CertificateCache();
    const o: AnalyzeChainOptions = { at: new Date(notAfter + 1000), trustStore: store, purpose: 'server', cache: shared };
    const first = await analyzeChain(chain('leaf-valid', 'intermediate'), o);
    first.problems.length = 0;
    first.findings.push({ kind: 'x', certIndex: 0, detail: 'x' });
    first.path.push(9);
    const second = await analyzeChain(chain('leaf-valid', 'intermediate'), o);
    expect(second).toEqual(await fresh(['leaf-valid', 'intermediate'], o));
    expect(second.problems.length).toBeGreaterThan(0);
  });

  it('still reports garbage in a chain, judged afresh each time', async () => {
    const shared = new CertificateCache();
    const junk = Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x05]);
    const o: AnalyzeChainOptions = { at: new Date((notBefore + notAfter) / 2), trustStore: store, purpose: 'server', cache: shared };
    for (let i = 0; i < 2; i++) {
      const v = await analyzeChain([der('leaf-valid'), junk], o);
      expect(v.problems.map((p) => p.kind)).toContain('unparseable');
    }
  });

  it("gives the engine analyzeChain's verdict at every moment, one shared frozen object inside the validity window", async () => {
    const shared = new CertificateCache();
    const names = ['leaf-valid', 'intermediate'];
    const inside = [(notBefore + notAfter) / 2, notBefore, notAfter, notBefore + 1];
    const outside = [notBefore - 1, notAfter + 1, notBefore - 86_400_000, notAfter + 86_400_000];
    const options = (t: number): AnalyzeChainOptions => ({ at: new Date(t), host: 'www.example.test', trustStore: store, purpose: 'server' });
    // Judged once (analyzeChain), then answered from the cache without a promise.
    expect(cachedChainVerdict(chain(...names), inside[0]!, 'www.example.test', 'server', store, shared)).toBeUndefined();
    await analyzeChain(chain(...names), { ...options(inside[0]!), cache: shared });
    const inWindow = inside.map((t) => cachedChainVerdict(chain(...names), t, 'www.example.test', 'server', store, shared)!);
    for (let i = 0; i < inside.length; i++) expect(inWindow[i]).toEqual(await fresh(names, options(inside[i]!)));
    for (const v of inWindow) expect(v).toBe(inWindow[0]);
    expect(Object.isFrozen(inWindow[0])).toBe(true);
    expect(Object.isFrozen(inWindow[0]!.problems)).toBe(true);
    for (const t of outside) {
      const v = cachedChainVerdict(chain(...names), t, 'www.example.test', 'server', store, shared)!;
      expect(v).toEqual(await fresh(names, options(t)));
      expect(v.problems.some((p) => p.detail.endsWith(new Date(t).toISOString()))).toBe(true);
    }
    // An invalid moment is judged as analyzeChain judges it (no validity problem either way).
    expect(cachedChainVerdict(chain(...names), NaN, 'www.example.test', 'server', store, shared)).toEqual(await fresh(names, options(NaN)));
  });
});
