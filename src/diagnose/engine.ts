/**
 * The rules engine: judges the certificates of a connection at capture time, runs every rule on
 * the connection model and ranks what they propose.
 */
import type { Seen, TlsConnectionModel } from '../tls/model.js';
import { analyzeChain, type AnalyzeChainOptions, type CertificateCache, type ChainVerdict, type TrustStore } from '../x509/index.js';
import { cachedChainVerdict } from '../x509/chain.js';
import { withConnectionMemo } from './connection-memo.js';
import { isTls13 } from './handshake-state.js';
import { withHandshakeContext } from './handshake-evidence.js';
import { isNotTls, outcomeOf } from './outcome.js';
import type { PeerFacts } from './peer-facts.js';
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
  /** Other TLS connections of the capture to the same server ip:port, known so far (what rules need of them). */
  peers?: readonly PeerFacts[];
}

/** Capture time of a message as a Date (millisecond precision is plenty for validity windows). */
function dateOf(s: Pick<Seen, 'tsSec' | 'tsNsec'>): Date {
  return new Date(s.tsSec * 1000 + Math.floor(s.tsNsec / 1e6));
}

/**
 * The verdict on a chain, or null when analyzeChain failed. A chain the cache has judged already
 * (most connections of a capture repeat a chain) is answered at once, without a promise.
 */
function judge(chain: readonly Uint8Array[], at: Date, host: string | null, purpose: 'server' | 'client', options: DiagnoseOptions): ChainVerdict | null | Promise<ChainVerdict | null> {
  const cache = options.cache;
  let how: AnalyzeChainOptions;
  if (cache) {
    const withCache = { at, host, trustStore: options.trustStore, purpose, cache };
    try {
      // The x509 functions only read the chain (their parameter type is merely not readonly).
      const known = cachedChainVerdict(chain as Uint8Array[], withCache);
      if (known) return known;
    } catch {
      return null;
    }
    how = withCache;
  } else {
    how = { at, host, trustStore: options.trustStore, purpose };
  }
  return analyzeChain(chain as Uint8Array[], how).catch(() => {
    // analyzeChain reports problems as data; a throw is a bug there, and must not cost the
    // whole diagnosis: the rules then work without certificate facts.
    return null;
  });
}

/** The server chain to judge: this connection's, or (TLS 1.3 hides it) the one the same server sent for the same name. */
function serverChainFor(
  conn: TlsConnectionModel,
  host: string | null,
  options: DiagnoseOptions,
): ServerChain | null | Promise<ServerChain | null> {
  const msg = conn.certificates.find((c) => c.direction === 1 && c.chain.length > 0);
  if (msg) {
    const source: ChainSource = { connectionId: conn.tcp.id, frame: msg.frame, borrowed: false };
    return withSource(judge(msg.chain, dateOf(msg), host, 'server', options), source);
  }
  if (!isTls13(conn) || conn.serverHello?.pskSelected) return null;
  const sni = (conn.secondClientHello ?? conn.clientHello)?.sni ?? null;
  const peers = options.peers ?? [];
  for (let i = peers.length - 1; i >= 0; i--) {
    const p = peers[i]!;
    const chain = p.serverChain;
    const seen = p.serverChainSeen;
    if (chain === null || seen === null || p.sni !== sni) continue;
    // Judged at this connection's time: validity is about when this client saw it.
    const source: ChainSource = { connectionId: p.id, frame: seen.frame, borrowed: true };
    return withSource(judge(chain, dateOf(conn.serverHello ?? seen), host, 'server', options), source);
  }
  return null;
}

interface ServerChain {
  verdict: ChainVerdict;
  source: ChainSource;
}

function withSource(verdict: ChainVerdict | null | Promise<ChainVerdict | null>, source: ChainSource): ServerChain | null | Promise<ServerChain | null> {
  if (verdict instanceof Promise) return verdict.then((v) => (v ? { verdict: v, source } : null));
  return verdict ? { verdict, source } : null;
}

/** Runs each rule; a rule that throws is reported as an alternative instead of stopping the diagnosis. */
function runRules(rules: readonly Rule[], ctx: RuleContext): { ranked: Ranked[]; failures: Diagnosis['alternatives'] } {
  const ranked: Ranked[] = [];
  const failures: Diagnosis['alternatives'] = [];
  for (let order = 0; order < rules.length; order++) {
    const rule = rules[order]!;
    try {
      for (const hypothesis of rule.evaluate(ctx)) ranked.push({ hypothesis, order });
    } catch (err) {
      failures.push({ cause: 'unknown', confidence: 'low', why: `rule ${rule.id} could not run: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
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
  const hello = conn.secondClientHello ?? conn.clientHello;
  const host = hello?.sni ?? options.expectedHost ?? null;
  // Awaited only when a chain is new to the cache: most connections need no promise at all.
  const serverPending = isNotTls(conn) ? null : serverChainFor(conn, host, options);
  const server = serverPending instanceof Promise ? await serverPending : serverPending;
  const clientMsg = conn.certificates.find((c) => c.direction === 0 && c.chain.length > 0);
  const clientPending = clientMsg ? judge(clientMsg.chain, dateOf(clientMsg), null, 'client', options) : null;
  const clientChain = clientPending instanceof Promise ? await clientPending : clientPending;
  // The outcome asks what the rules ask next (the abort): one memo for both.
  return withConnectionMemo(conn, () => {
    const ctx: RuleContext = {
      conn,
      outcome: outcomeOf(conn),
      serverChain: server?.verdict ?? null,
      clientChain,
      host,
      peers: options.peers ?? [],
      serverChainSource: server?.source ?? null,
    };
    return rankedDiagnosis(ctx, rules);
  });
}

/** The synchronous core: every rule on a prepared context, ranked. Pure. */
export function diagnoseContext(ctx: RuleContext, rules: readonly Rule[] = RULES): Diagnosis {
  // The rules ask the same questions of the connection (its abort, the client's rejection...):
  // answered once for all of them.
  return withConnectionMemo(ctx.conn, () => rankedDiagnosis(ctx, rules));
}

function rankedDiagnosis(ctx: RuleContext, rules: readonly Rule[]): Diagnosis {
  const { ranked, failures } = runRules(rules, ctx);
  const ordered = ranked.length > 0 ? rank(ranked, FALLBACK_CAUSES) : [{ hypothesis: fallback(ctx.outcome, ctx.conn), order: rules.length }];
  const diagnosis = toDiagnosis(ordered, ctx.outcome);
  diagnosis.evidence = withHandshakeContext(ctx.conn, diagnosis);
  diagnosis.alternatives.push(...failures);
  return diagnosis;
}
