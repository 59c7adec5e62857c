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

/**
 * Capture time of a message in ms since the epoch, millisecond precision (plenty for validity
 * windows): what `new Date(...).getTime()` of the same sum gives, without making the Date.
 */
function timeOf(s: Pick<Seen, 'tsSec' | 'tsNsec'>): number {
  const t = s.tsSec * 1000 + Math.floor(s.tsNsec / 1e6);
  // A Date's time clip: whole milliseconds within +-8.64e15, else an invalid time.
  return Math.abs(t) <= 8.64e15 ? Math.trunc(t) : NaN;
}

/**
 * The verdict on a chain, or null when analyzeChain failed. A chain the cache has judged already
 * (most connections of a capture repeat a chain) is answered at once, without a promise: then
 * the verdict is shared and frozen (rules only read it).
 */
function judge(chain: readonly Uint8Array[], at: number, host: string | null, purpose: 'server' | 'client', options: DiagnoseOptions): Readonly<ChainVerdict> | null | Promise<ChainVerdict | null> {
  const cache = options.cache;
  if (cache) {
    try {
      const known = cachedChainVerdict(chain, at, host, purpose, options.trustStore, cache);
      if (known) return known;
    } catch {
      return null;
    }
  }
  // The x509 functions only read the chain (their parameter type is merely not readonly).
  const how: AnalyzeChainOptions = cache ? { at: new Date(at), host, trustStore: options.trustStore, purpose, cache } : { at: new Date(at), host, trustStore: options.trustStore, purpose };
  return analyzeChain(chain as Uint8Array[], how).catch(() => {
    // analyzeChain reports problems as data; a throw is a bug there, and must not cost the
    // whole diagnosis: the rules then work without certificate facts.
    return null;
  });
}

/** The first non-empty Certificate message of a side, or undefined. */
function certificateMessageOf(conn: TlsConnectionModel, direction: 0 | 1): TlsConnectionModel['certificates'][number] | undefined {
  for (const c of conn.certificates) if (c.direction === direction && c.chain.length > 0) return c;
  return undefined;
}

/** The server chain to judge: this connection's, or (TLS 1.3 hides it) the one the same server sent for the same name. */
function serverChainFor(
  conn: TlsConnectionModel,
  host: string | null,
  options: DiagnoseOptions,
): ServerChain | null | Promise<ServerChain | null> {
  const msg = certificateMessageOf(conn, 1);
  if (msg) {
    const source: ChainSource = { connectionId: conn.tcp.id, frame: msg.frame, borrowed: false };
    return withSource(judge(msg.chain, timeOf(msg), host, 'server', options), source);
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
    return withSource(judge(chain, timeOf(conn.serverHello ?? seen), host, 'server', options), source);
  }
  return null;
}

interface ServerChain {
  verdict: Readonly<ChainVerdict>;
  source: ChainSource;
}

function withSource(verdict: Readonly<ChainVerdict> | null | Promise<ChainVerdict | null>, source: ChainSource): ServerChain | null | Promise<ServerChain | null> {
  if (verdict instanceof Promise) return verdict.then((v) => (v ? { verdict: v, source } : null));
  return verdict ? { verdict, source } : null;
}

/** Runs each rule; a rule that throws is reported as an alternative instead of stopping the diagnosis. */
function runRules(rules: readonly Rule[], ctx: RuleContext, failures: Diagnosis['alternatives']): Ranked[] {
  const ranked: Ranked[] = [];
  for (let order = 0; order < rules.length; order++) {
    const rule = rules[order]!;
    try {
      const found = rule.evaluate(ctx);
      for (let i = 0; i < found.length; i++) ranked.push({ hypothesis: found[i]!, order });
    } catch (err) {
      failures.push({ cause: 'unknown', confidence: 'low', why: `rule ${rule.id} could not run: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  return ranked;
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
export function diagnoseConnection(conn: TlsConnectionModel, options: DiagnoseOptions): Promise<Diagnosis> {
  // Not async itself: diagnoseWith's promise is the answer (one promise per connection, not two).
  return diagnoseWith(RULES, conn, options);
}

/** diagnoseConnection with an explicit rule list (for tests and embedders that add rules). */
export function diagnoseWith(rules: readonly Rule[], conn: TlsConnectionModel, options: DiagnoseOptions): Promise<Diagnosis> {
  try {
    const hello = conn.secondClientHello ?? conn.clientHello;
    const host = hello?.sni ?? options.expectedHost ?? null;
    // Waits only when a chain is new to the cache: most connections need no promise but their answer's.
    const server = isNotTls(conn) ? null : serverChainFor(conn, host, options);
    if (server instanceof Promise) return server.then((s) => withClientChain(rules, conn, options, host, s));
    return withClientChain(rules, conn, options, host, server);
  } catch (err) {
    return Promise.reject(err);
  }
}

function withClientChain(rules: readonly Rule[], conn: TlsConnectionModel, options: DiagnoseOptions, host: string | null, server: ServerChain | null): Promise<Diagnosis> {
  const clientMsg = certificateMessageOf(conn, 0);
  const client = clientMsg ? judge(clientMsg.chain, timeOf(clientMsg), null, 'client', options) : null;
  if (client instanceof Promise) return client.then((c) => diagnosed(rules, conn, options, host, server, c));
  return Promise.resolve(diagnosed(rules, conn, options, host, server, client));
}

function diagnosed(rules: readonly Rule[], conn: TlsConnectionModel, options: DiagnoseOptions, host: string | null, server: ServerChain | null, clientChain: Readonly<ChainVerdict> | null): Diagnosis {
  const ctx: RuleContext = {
    conn,
    // Set inside the memo below: the outcome asks what the rules ask next (the abort).
    outcome: 'incomplete',
    serverChain: server?.verdict ?? null,
    clientChain,
    host,
    peers: options.peers ?? [],
    serverChainSource: server?.source ?? null,
  };
  return withConnectionMemo(conn, outcomeAndDiagnosis, ctx, rules);
}

function outcomeAndDiagnosis(ctx: RuleContext, rules: readonly Rule[]): Diagnosis {
  ctx.outcome = outcomeOf(ctx.conn);
  return rankedDiagnosis(ctx, rules);
}

/** The synchronous core: every rule on a prepared context, ranked. Pure. */
export function diagnoseContext(ctx: RuleContext, rules: readonly Rule[] = RULES): Diagnosis {
  // The rules ask the same questions of the connection (its abort, the client's rejection...):
  // answered once for all of them.
  return withConnectionMemo(ctx.conn, rankedDiagnosis, ctx, rules);
}

function rankedDiagnosis(ctx: RuleContext, rules: readonly Rule[]): Diagnosis {
  const failures: Diagnosis['alternatives'] = [];
  const ranked = runRules(rules, ctx, failures);
  const ordered = ranked.length > 0 ? rank(ranked, FALLBACK_CAUSES) : [{ hypothesis: fallback(ctx.outcome, ctx.conn), order: rules.length }];
  const diagnosis = toDiagnosis(ordered, ctx.outcome);
  diagnosis.evidence = withHandshakeContext(ctx.conn, diagnosis);
  for (let i = 0; i < failures.length; i++) diagnosis.alternatives.push(failures[i]!);
  return diagnosis;
}
