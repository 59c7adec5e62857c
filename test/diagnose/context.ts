/** Runs the engine's synchronous core on a model with hand-made verdicts. */
import { diagnoseContext, outcomeOf } from '../../src/diagnose/engine.js';
import type { Diagnosis, RuleContext } from '../../src/diagnose/types.js';
import type { TlsConnectionModel } from '../../src/tls/model.js';

export function diagnose(conn: TlsConnectionModel, extra: Partial<Omit<RuleContext, 'conn' | 'outcome'>> = {}): Diagnosis {
  const hello = conn.secondClientHello ?? conn.clientHello;
  const serverChain = extra.serverChain ?? null;
  const frame = conn.certificates.find((c) => c.direction === 1)?.frame ?? 0;
  return diagnoseContext({
    conn,
    outcome: outcomeOf(conn),
    serverChain,
    clientChain: extra.clientChain ?? null,
    host: extra.host ?? hello?.sni ?? null,
    peers: extra.peers ?? [],
    serverChainSource: extra.serverChainSource ?? (serverChain ? { connectionId: conn.tcp.id, frame, borrowed: false } : null),
  });
}
