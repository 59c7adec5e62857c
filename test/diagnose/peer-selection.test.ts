import { ServerPeers, PEER_WINDOW } from '../../src/diagnose/peer-selection.js';
import { chosenSuites, negotiatedVersions, peersAcceptedWithSni, serverChainOf } from '../../src/diagnose/peers.js';
import { peerFactsOf, type PeerFacts } from '../../src/diagnose/peer-facts.js';
import { trustedElsewhere } from '../../src/diagnose/server-certificate.js';
import type { TlsConnectionModel } from '../../src/tls/model.js';
import { der } from '../x509/fixture-certificates.js';
import { diagnose } from './context.js';
import { ModelBuilder, verdict } from './model-builder.js';

/** Deterministic pseudo-random numbers (a fixed LCG), so a failure replays. */
function lcg(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const LEAVES = [der('leaf-valid'), der('leaf-ec'), der('leaf-wrong-name')];
const SNIS = [null, 'www.example.test', 'api.example.test'];
const VERSIONS = [0x0303, 0x0304, 0x0302];
const SUITES = [0xc02f, 0x1301, 0x1302, 0xc030, 0x009c];

/** Connections to one server: refused hellos, accepted ones with various versions, suites, names and chains, from a few clients. */
function server(count: number, seed: number): TlsConnectionModel[] {
  const r = lcg(seed);
  const out: TlsConnectionModel[] = [];
  for (let id = 0; id < count; id++) {
    const b = new ModelBuilder({ id, clientIp: `192.0.2.${1 + r(4)}` }).clientHello(1, 0, { sni: SNIS[r(SNIS.length)]! });
    const fate = r(10);
    if (fate < 3) {
      b.alert('server', 2, 0.01, 2, [40, 70, 112][r(3)]!).fin('server', 3, 0.02);
    } else {
      b.serverHello(2, 0.01, { selectedVersion: VERSIONS[r(fate === 9 ? 3 : 2)]!, cipherSuite: SUITES[r(SUITES.length)]! });
      if (r(3) > 0) b.certificate('server', 3, 0.01, [LEAVES[r(LEAVES.length)]!]);
      if (r(2) === 0) b.complete(5).appData('client', 6, 0.03);
      else b.alert('client', 4, 0.02, 2, 48).fin('client', 5, 0.03);
    }
    out.push(b.build());
  }
  return out;
}

const latestChainFor = (peers: readonly PeerFacts[], sni: string | null): number | null => {
  for (let i = peers.length - 1; i >= 0; i--) {
    const p = peers[i]!;
    if (p.sni === sni && p.serverChain) return p.id;
  }
  return null;
};

describe('ServerPeers (bounded peers for analyze())', () => {
  const models = server(400, 7);
  const facts = models.map((m) => peerFactsOf(m));
  const selection = new ServerPeers(facts);

  it('gives each connection a bounded set in id order, without itself', () => {
    for (const m of facts) {
      const peers = selection.peersOf(m);
      expect(peers).not.toContain(m);
      expect(peers.map((p) => p.id)).toEqual([...peers.map((p) => p.id)].sort((a, b) => a - b));
      // The window, plus at most a few dozen connections chosen as evidence.
      expect(peers.length).toBeLessThanOrEqual(2 * PEER_WINDOW + 40);
    }
  });

  it('answers every peer question as the full list of other connections does', () => {
    models.forEach((m, i) => {
      const all = facts.filter((p) => p !== facts[i]);
      const some = selection.peersOf(facts[i]!);
      const sni = (m.secondClientHello ?? m.clientHello)?.sni ?? null;
      const full = { v: [...negotiatedVersions(all)], s: [...chosenSuites(all)], n: peersAcceptedWithSni(all)[0]?.id, c: latestChainFor(all, sni) };
      const bounded = { v: [...negotiatedVersions(some)], s: [...chosenSuites(some)], n: peersAcceptedWithSni(some)[0]?.id, c: latestChainFor(some, sni) };
      expect({ id: m.tcp.id, ...bounded }).toEqual({ id: m.tcp.id, ...full });
      const untrusted = verdict([{ kind: 'untrusted', certIndex: 0, detail: 'not in the store' }]);
      const ctx = (peers: readonly PeerFacts[]) => ({ conn: m, outcome: 'failed' as const, serverChain: untrusted, clientChain: null, host: sni, peers, serverChainSource: null });
      expect(trustedElsewhere(ctx(some))).toEqual(trustedElsewhere(ctx(all)));
    });
  });

  it('leaves every diagnosis as the full list makes it', () => {
    models.forEach((m, i) => {
      const extra = serverChainOf(m) ? { serverChain: verdict([{ kind: 'untrusted', certIndex: 0, detail: 'not in the store' }]) } : {};
      expect(diagnose(m, { ...extra, peers: selection.peersOf(facts[i]!) })).toEqual(diagnose(m, { ...extra, peers: models.filter((p) => p !== m) }));
    });
  });

  it('stays linear on one server with many connections', () => {
    const many = server(5_000, 11).map((m) => peerFactsOf(m));
    const start = process.hrtime.bigint();
    const big = new ServerPeers(many);
    let total = 0;
    for (const m of many) total += big.peersOf(m).length;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    expect(total / many.length).toBeLessThanOrEqual(2 * PEER_WINDOW + 40);
    // The full lists would be 25 million model visits; the bounded ones take well under a second.
    expect(ms).toBeLessThan(5000);
  });

  it('refuses a connection of another server', () => {
    expect(() => selection.peersOf(peerFactsOf(server(1, 3)[0]!))).toThrow(RangeError);
  });
});
