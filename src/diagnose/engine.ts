/**
 * The rules engine: judges the certificates of a connection at capture time, runs every rule on
 * the connection model and ranks what they propose.
 */
import type { Seen, TlsConnectionModel } from '../tls/model.js';
import { analyzeChain, type CertificateCache, type ChainVerdict, type TrustStore } from '../x509/index.js';
import { isTls13 } from './handshake-state.js';
import { withHandshakeContext } from './handshake-evidence.js';
import { outcomeOf } from './outcome.js';
import { serverChainOf } from './peers.js';
import { rank, toDiagnosis, type Ranked } from './rank.js';
import { FALLBACK_CAUSES, RULES } from './rules/index.js';
import type { ChainSource, Diagnosis, Hypothesis, Outcome, Rule, RuleContext } from './types.js';

export { outcomeOf } from './outcome.js';

export interface DiagnoseOptions {
  /** Roots to validate chains against (the client's own store is unknown to us). */
  trustStore: TrustStore;
  /** The host the client meant when it sent no server_name (e.g. it connected by IP). */
  expectedHost?: string | null;
  cache?: CertificateCache;
  /** Other TLS connections of the capture to the same server ip:port, known so far. */
  peers?: readonly TlsConnectionModel[];
}

/** Capture time of a message as a Date (millisecond precision is plenty for validity windows). */
function dateOf(s: Pick<Seen, 'tsSec' | 'tsNsec'>): Date {
  return new Date(s.tsSec * 1000 + Math.floor(s.tsNsec / 1e6));
}

async function judge(chain: Uint8Array[], at: Date, host: string | null, purpose: 'server' | 'client', options: DiagnoseOptions): Promise<ChainVerdict | null> {
  try {
    return await analyzeChain(chain, { at, host, trustStore: options.trustStore, purpose, ...(options.cache ? { cache: options.cache } : {}) });
  } catch {
    // analyzeChain reports problems as data; a throw is a bug there, and must not cost the
    // whole diagnosis: the rules then work without certificate facts.
    return null;
  }
}

/** The server chain to judge: this connection's, or (TLS 1.3 hides it) the one the same server sent for the same name. */
async function serverChainFor(conn: TlsConnectionModel, host: string | null, peers: readonly TlsConnectionModel[], options: DiagnoseOptions): Promise<{ verdict: ChainVerdict; source: ChainSource } | null> {
  const msg = conn.certificates.find((c) => c.direction === 1 && c.chain.length > 0);
  if (msg) {
    const verdict = await judge(msg.chain, dateOf(msg), host, 'server', options);
    return verdict ? { verdict, source: { connectionId: conn.tcp.id, frame: msg.frame, borrowed: false } } : null;
  }
  if (!isTls13(conn) || conn.serverHello?.pskSelected) return null;
  const sni = (conn.secondClientHello ?? conn.clientHello)?.sni ?? null;
  for (let i = peers.length - 1; i >= 0; i--) {
    const p = peers[i]!;
    if (((p.secondClientHello ?? p.clientHello)?.sni ?? null) !== sni) continue;
    const chain = serverChainOf(p);
    const pmsg = p.certificates.find((c) => c.direction === 1 && c.chain.length > 0);
    if (!chain || !pmsg) continue;
    // Judged at this connection's time: validity is about when this client saw it.
    const verdict = await judge(chain, dateOf(conn.serverHello ?? pmsg), host, 'server', options);
    return verdict ? { verdict, source: { connectionId: p.tcp.id, frame: pmsg.frame, borrowed: true } } : null;
  }
  return null;
}

/** Runs each rule; a rule that throws is reported as an alternative instead of stopping the diagnosis. */
function runRules(rules: readonly Rule[], ctx: RuleContext): { ranked: Ranked[]; failures: Diagnosis['alternatives'] } {
  const ranked: Ranked[] = [];
  const failures: Diagnosis['alternatives'] = [];
  rules.forEach((rule, order) => {
    try {
      for (const hypothesis of rule.evaluate(ctx)) ranked.push({ hypothesis, order });
    } catch (err) {
      failures.push({ cause: 'unknown', confidence: 'low', why: `rule ${rule.id} could not run: ${err instanceof Error ? err.message : String(err)}` });
    }
  });
  return { ranked, failures };
}

/** What to say when no rule spoke (should not happen: every outcome has a rule). */
function fallback(outcome: Outcome, conn: TlsConnectionModel): Hypothesis {
  const frame = conn.tcp.lastFrame;
  const cause = outcome === 'established' ? 'none' : outcome === 'incomplete' ? 'incomplete-capture' : outcome === 'not-tls' ? 'not-tls' : 'unknown';
  return { cause, abortedBy: null, confidence: 'low', summary: `No rule explains this connection (outcome ${outcome}).`, evidence: [{ frame, text: `frame ${frame}: last frame of the connection` }], remediation: [], why: 'no rule matched' };
}

/**
 * Diagnoses one connection: chains are judged at the capture time of their Certificate message,
 * every rule runs, and the hypotheses are ranked by confidence, then by rule specificity.
 */
export async function diagnoseConnection(conn: TlsConnectionModel, options: DiagnoseOptions): Promise<Diagnosis> {
  return diagnoseWith(RULES, conn, options);
}

/** diagnoseConnection with an explicit rule list (for tests and embedders that add rules). */
export async function diagnoseWith(rules: readonly Rule[], conn: TlsConnectionModel, options: DiagnoseOptions): Promise<Diagnosis> {
  const outcome = outcomeOf(conn);
  const peers = options.peers ?? [];
  const hello = conn.secondClientHello ?? conn.clientHello;
  const host = hello?.sni ?? options.expectedHost ?? null;
  const server = outcome === 'not-tls' ? null : await serverChainFor(conn, host, peers, options);
  const clientMsg = conn.certificates.find((c) => c.direction === 0 && c.chain.length > 0);
  const clientChain = clientMsg ? await judge(clientMsg.chain, dateOf(clientMsg), null, 'client', options) : null;
  const ctx: RuleContext = { conn, outcome, serverChain: server?.verdict ?? null, clientChain, host, peers, serverChainSource: server?.source ?? null };
  return diagnoseContext(ctx, rules);
}

/** The synchronous core: every rule on a prepared context, ranked. Pure. */
export function diagnoseContext(ctx: RuleContext, rules: readonly Rule[] = RULES): Diagnosis {
  const { ranked, failures } = runRules(rules, ctx);
  const ordered = ranked.length > 0 ? rank(ranked, FALLBACK_CAUSES) : [{ hypothesis: fallback(ctx.outcome, ctx.conn), order: rules.length }];
  const diagnosis = toDiagnosis(ordered, ctx.outcome);
  diagnosis.evidence = withHandshakeContext(ctx.conn, diagnosis);
  diagnosis.alternatives.push(...failures);
  return diagnosis;
}
