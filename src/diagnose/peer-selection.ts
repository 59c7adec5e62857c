/**
 * Which other connections to the same server a rule sees as evidence, when the whole capture is
 * known (`analyze()`). Handing every connection all the others is quadratic: 1,000,000
 * connections to one server never finish. Instead each connection gets a bounded, deterministic
 * set: its neighbours by connection id, plus the few connections each peer question of
 * src/diagnose/peers.ts and the engine would pick from the full list (the first that negotiated
 * each version, chose each suite, was accepted with server_name; the last that sent a chain for
 * the same name; the first that trusted the same leaf from the same and from another client).
 * With those, every rule answers as it would with the full list, as long as the server chose at
 * most {@link MAX_DISTINCT_VALUES} versions and suites.
 */
import { createHash } from 'node:crypto';
import type { PeerFacts } from './peer-facts.js';

/** Connections before and after (by id) given to each connection; analyzeStream keeps as many before. */
export const PEER_WINDOW = 16;

/**
 * Distinct versions and suites remembered per server (the rules list them all); a server that
 * chose more (a hostile capture) has the later ones seen only in the window.
 */
export const MAX_DISTINCT_VALUES = 64;

/** The first two (one may be the connection asking) or the last two positions per key. */
class Positions<K> {
  readonly byKey = new Map<K, number[]>();
  constructor(
    private readonly keep: 'first' | 'last',
    private readonly maxKeys = Infinity,
  ) {}

  add(key: K, position: number): void {
    const list = this.byKey.get(key);
    if (!list) {
      if (this.byKey.size < this.maxKeys) this.byKey.set(key, [position]);
      return;
    }
    if (list.length < 2) list.push(position);
    else if (this.keep === 'last') {
      list[0] = list[1]!;
      list[1] = position;
    }
  }

  get(key: K): readonly number[] {
    return this.byKey.get(key) ?? [];
  }
}

/** The peers of every connection to one server. Build once per server, ask per connection. */
export class ServerPeers {
  private readonly position = new Map<PeerFacts, number>();
  /** Positions any connection may need: first per version, per suite, first accepted with server_name. */
  private readonly shared: number[];
  /** Last positions that sent a server chain, per server_name (null: none sent). */
  private readonly chainBySni = new Positions<string | null>('last');
  /** First positions that trusted a leaf, per leaf hash and client address. */
  private readonly trustedByClient = new Positions<string>('first');
  /** Per leaf hash, the first position of each of the first two client addresses that trusted it. */
  private readonly trustedFirstClients = new Map<string, { ip: string; position: number }[]>();
  private readonly leafKeys: (string | null)[];

  /** @param connections the connections to one server, in connection id order. */
  constructor(private readonly connections: readonly PeerFacts[]) {
    const versions = new Positions<number>('first', MAX_DISTINCT_VALUES);
    const suites = new Positions<number>('first', MAX_DISTINCT_VALUES);
    const withSni: number[] = [];
    this.leafKeys = connections.map(leafKeyOf);
    connections.forEach((m, i) => {
      this.position.set(m, i);
      const sh = m.accepted;
      if (sh !== null) {
        versions.add(sh.version, i);
        suites.add(sh.suite, i);
        if (m.sni && withSni.length < 2) withSni.push(i);
      }
      if (m.serverChain !== null) this.chainBySni.add(m.sni, i);
      const leaf = this.leafKeys[i];
      if (leaf !== null && leaf !== undefined && m.clientUsedIt) {
        this.trustedByClient.add(`${leaf}|${m.clientIp}`, i);
        const firsts = this.trustedFirstClients.get(leaf);
        if (!firsts) this.trustedFirstClients.set(leaf, [{ ip: m.clientIp, position: i }]);
        else if (firsts.length < 2 && firsts[0]!.ip !== m.clientIp) firsts.push({ ip: m.clientIp, position: i });
      }
    });
    const shared = new Set<number>(withSni);
    for (const list of [...versions.byKey.values(), ...suites.byKey.values()]) for (const p of list) shared.add(p);
    this.shared = [...shared];
  }

  /** The peers of `connection` (one of those given), in connection id order, without itself. */
  peersOf(connection: PeerFacts): PeerFacts[] {
    const at = this.position.get(connection);
    if (at === undefined) throw new RangeError(`connection ${connection.id} is not one of this server's`);
    const chosen = new Set<number>(this.shared);
    const from = Math.max(0, at - PEER_WINDOW);
    const to = Math.min(this.connections.length - 1, at + PEER_WINDOW);
    for (let i = from; i <= to; i++) chosen.add(i);
    for (const p of this.chainBySni.get(connection.sni)) chosen.add(p);
    const leaf = this.leafKeys[at];
    if (leaf !== null && leaf !== undefined) {
      for (const p of this.trustedByClient.get(`${leaf}|${connection.clientIp}`)) chosen.add(p);
      for (const f of this.trustedFirstClients.get(leaf) ?? []) chosen.add(f.position);
    }
    chosen.delete(at);
    return [...chosen].sort((a, b) => a - b).map((i) => this.connections[i]!);
  }
}

/** Hashes of shared certificate copies (see CertificateInterner): each is hashed once. */
const leafHashes = new WeakMap<Uint8Array, string>();

/** SHA-256 of the server leaf certificate, the identity peersThatTrustedChain compares. */
function leafKeyOf(m: PeerFacts): string | null {
  const leaf = m.serverChain?.[0];
  if (!leaf) return null;
  let hash = leafHashes.get(leaf);
  if (hash === undefined) {
    hash = createHash('sha256').update(leaf).digest('hex');
    leafHashes.set(leaf, hash);
  }
  return hash;
}
