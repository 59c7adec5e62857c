/** Runs the engine's synchronous core on a model with hand-made verdicts. */
import { diagnoseContext, outcomeOf } from '../../src/diagnose/engine.js';
import type { Diagnosis, RuleContext } from '../../src/diagnose/types.js';
import type { TlsConnectionModel } from '../../src/tls/model.js';
import { peerFactsOf, type PeerFacts } from '../../src/diagnose/peer-facts.js';

/** Peers as the engine keeps them: models are turned into their PeerFacts. */
type Extra = Partial<Omit<RuleContext, 'conn' | 'outcome' | 'peers'>> & { peers?: readonly (TlsConnectionModel | PeerFacts)[] };

export function diagnose(conn: TlsConnectionModel, extra: Extra = {}): Diagnosis {
  const hello = conn.secondClientHello ?? conn.clientHello;
  const serverChain = extra.serverChain ?? null;
  const frame = conn.certificates.find((c) => c.direction === 1)?.frame ?? 0;
  return diagnoseContext({
    conn,
    outcome: outcomeOf(conn),
    serverChain,
    clientChain: extra.clientChain ?? null,
    host: extra.host ?? hello?.sni ?? null,
    peers: (extra.peers ?? []).map((p) => ('tcp' in p ? peerFactsOf(p) : p)),
    serverChainSource: extra.serverChainSource ?? (serverChain ? { connectionId: conn.tcp.id, frame, borrowed: false } : null),
  });
}
