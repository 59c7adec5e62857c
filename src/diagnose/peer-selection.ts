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
import type { TlsConnectionModel } from '../tls/model.js';
import { serverChainOf } from './peers.js';

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

const helloOf = (m: TlsConnectionModel) => m.secondClientHello ?? m.clientHello;

/** The peers of every connection to one server. Build once per server, ask per connection. */
export class ServerPeers {
  private readonly position = new Map<TlsConnectionModel, number>();
  /** Positions any connection may need: first per version, per suite, first accepted with server_name. */
  private readonly shared: number[];
  /** Last positions that sent a server chain, per server_name (null: none sent). */
  private readonly chainBySni = new Positions<string | null>('last');
  /** First positions that trusted a leaf, per leaf hash and client address. */
  private readonly trustedByClient = new Positions<string>('first');
  /** Per leaf hash, the first position of each of the first two client addresses that trusted it. */
  private readonly trustedFirstClients = new Map<string, { ip: string; position: number }[]>();
  private readonly leafKeys: (string | null)[];

  /** @param models the connections to one server, in connection id order. */
  constructor(private readonly models: readonly TlsConnectionModel[]) {
    const versions = new Positions<number>('first', MAX_DISTINCT_VALUES);
    const suites = new Positions<number>('first', MAX_DISTINCT_VALUES);
    const withSni: number[] = [];
    this.leafKeys = models.map(leafKeyOf);
    models.forEach((m, i) => {
      this.position.set(m, i);
      const sh = m.serverHello;
      if (sh !== null && !sh.helloRetryRequest) {
        versions.add(sh.selectedVersion, i);
        suites.add(sh.cipherSuite, i);
        if (helloOf(m)?.sni && withSni.length < 2) withSni.push(i);
      }
      if (serverChainOf(m) !== null) this.chainBySni.add(helloOf(m)?.sni ?? null, i);
      const leaf = this.leafKeys[i];
      if (leaf !== null && leaf !== undefined && m.handshakeComplete && m.encrypted[0].applicationData > 0) {
        this.trustedByClient.add(`${leaf}|${m.tcp.clientIp}`, i);
        const firsts = this.trustedFirstClients.get(leaf);
        if (!firsts) this.trustedFirstClients.set(leaf, [{ ip: m.tcp.clientIp, position: i }]);
        else if (firsts.length < 2 && firsts[0]!.ip !== m.tcp.clientIp) firsts.push({ ip: m.tcp.clientIp, position: i });
      }
    });
    const shared = new Set<number>(withSni);
    for (const list of [...versions.byKey.values(), ...suites.byKey.values()]) for (const p of list) shared.add(p);
    this.shared = [...shared];
  }

  /** The peers of `model` (one of the models given), in connection id order, without `model` itself. */
  peersOf(model: TlsConnectionModel): TlsConnectionModel[] {
    const at = this.position.get(model);
    if (at === undefined) throw new RangeError(`connection ${model.tcp.id} is not one of this server's`);
    const chosen = new Set<number>(this.shared);
    const from = Math.max(0, at - PEER_WINDOW);
    const to = Math.min(this.models.length - 1, at + PEER_WINDOW);
    for (let i = from; i <= to; i++) chosen.add(i);
    for (const p of this.chainBySni.get(helloOf(model)?.sni ?? null)) chosen.add(p);
    const leaf = this.leafKeys[at];
    if (leaf !== null && leaf !== undefined) {
      for (const p of this.trustedByClient.get(`${leaf}|${model.tcp.clientIp}`)) chosen.add(p);
      for (const f of this.trustedFirstClients.get(leaf) ?? []) chosen.add(f.position);
    }
    chosen.delete(at);
    return [...chosen].sort((a, b) => a - b).map((i) => this.models[i]!);
  }
}

/** SHA-256 of the server leaf certificate, the identity peersThatTrustedChain compares. */
function leafKeyOf(m: TlsConnectionModel): string | null {
  const leaf = serverChainOf(m)?.[0];
  return leaf ? createHash('sha256').update(leaf).digest('hex') : null;
}
