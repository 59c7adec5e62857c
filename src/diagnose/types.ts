/**
 * The vocabulary of a diagnosis: cause ids, outcomes, hypotheses and the context a rule reads.
 * A diagnosis is data (cause, confidence, side, evidence frames), never prose alone.
 */
import type { TlsConnectionModel } from '../tls/model.js';
import type { ChainVerdict } from '../x509/index.js';
import type { PeerFacts } from './peer-facts.js';

/** Every cause the engine can name (DESIGN.md "Cause ids"); the order is the report's enum order. */
export const CAUSE_IDS = [
  'none',
  'protocol-version-mismatch',
  'cipher-suite-mismatch',
  'certificate-hostname-mismatch',
  'certificate-chain-incomplete',
  'certificate-chain-invalid',
  'certificate-expired',
  'certificate-not-yet-valid',
  'certificate-untrusted',
  'sni-required',
  'client-certificate-missing',
  'client-certificate-rejected',
  'not-tls',
  'connection-reset',
  'unknown',
  'incomplete-capture',
] as const;
export type CauseId = (typeof CAUSE_IDS)[number];

/** What became of the handshake, judged from the wire alone. */
export type Outcome = 'established' | 'failed' | 'incomplete' | 'not-tls';
export type Confidence = 'high' | 'medium' | 'low';
export type Side = 'client' | 'server';

/** One fact of the capture that supports a hypothesis, anchored on a frame (1-based). */
export interface Evidence {
  frame: number;
  text: string;
}

/** What to change, and on which side. */
export interface Remedy {
  side: Side;
  text: string;
}

/** One rule's explanation of a connection. */
export interface Hypothesis {
  cause: CauseId;
  abortedBy: Side | null;
  confidence: Confidence;
  /** One sentence. */
  summary: string;
  evidence: Evidence[];
  remediation: Remedy[];
  /** Why this confidence: shown when the hypothesis is listed as an alternative. */
  why: string;
}

/** The engine's answer for one connection: the best hypothesis and the others that fit. */
export interface Diagnosis {
  cause: CauseId;
  abortedBy: Side | null;
  confidence: Confidence;
  summary: string;
  evidence: Evidence[];
  remediation: Remedy[];
  alternatives: { cause: CauseId; confidence: Confidence; why: string }[];
  /**
   * The outcome once the diagnosis is known. Usually `outcomeOf(conn)`; it differs when a
   * handshake completed on the wire but the client dropped it at once for a certificate fact
   * ('established' becomes 'failed'). Reports should prefer this one.
   */
  outcome: Outcome;
}

/** Where the server chain judged by the rules came from. */
export interface ChainSource {
  /** Connection (tcp.stream id) whose Certificate message carried the chain. */
  connectionId: number;
  /** Frame of that Certificate message. */
  frame: number;
  /** True when the chain was borrowed from another connection to the same server and name (TLS 1.3 hides it). */
  borrowed: boolean;
}

/** Everything a rule may read. Rules are pure functions of this. */
export interface RuleContext {
  conn: TlsConnectionModel;
  outcome: Outcome;
  /** The server chain's verdict at capture time; often shared with other connections and frozen: read only. */
  serverChain: ChainVerdict | null;
  /** The client chain's verdict (mutual TLS); read only, like `serverChain`. */
  clientChain: ChainVerdict | null;
  /** Host the client meant: SNI, else options.expectedHost. */
  host: string | null;
  /** Other TLS connections of the capture to the same server ip:port, known so far. */
  peers: readonly PeerFacts[];
  /** Where `serverChain` came from; null when there is no server chain. */
  serverChainSource?: ChainSource | null;
}

/** A rule names one cause (or a family of closely related situations) from the context. */
export interface Rule {
  id: string;
  /** What the rule proposes; {@link NO_HYPOTHESES} when nothing (most rules, most connections). */
  evaluate(ctx: RuleContext): readonly Hypothesis[];
}

/** The shared empty answer of a rule: a rule that has nothing to say allocates nothing. */
export const NO_HYPOTHESES: readonly Hypothesis[] = Object.freeze([]);
