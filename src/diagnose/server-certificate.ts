/**
 * The machinery shared by the six server-certificate causes: did the client turn the server's
 * certificate down (a certificate alert after the server's flight, a silent close or encrypted
 * alert there, or a drop right after a completed handshake), and which certificate fact of the
 * chain, judged at capture time, explains it. Each cause file supplies which facts and alerts
 * belong to it, and its words.
 */
import type { ChainVerdict } from '../x509/index.js';
import type { TlsConnectionModel } from '../tls/model.js';
import { alertText } from './describe.js';
import { memoizedQuestion } from './connection-memo.js';
import { abortEvidence, byFrame, certName, weaker } from './evidence.js';
import { clientDroppedAfterHandshake, findAbort, isTls13, serverFirstFlight, type AbortEvent } from './handshake-state.js';
import { peersThatTrustedChain, serverChainOf } from './peers.js';
import type { CauseId, Confidence, Evidence, Hypothesis, Remedy, RuleContext } from './types.js';
import { NO_HYPOTHESES } from './types.js';

export type ChainProblem = ChainVerdict['problems'][number];
export type ChainProblemKind = ChainProblem['kind'];

/** How the client showed that it turned the server's certificate down. */
export interface CertificateRejection {
  /** alert: a certificate alert in clear; encrypted-alert / silent-close: no readable reason; post-handshake: completed, then dropped at once. */
  kind: 'alert' | 'encrypted-alert' | 'silent-close' | 'post-handshake';
  abort: AbortEvent;
  /** Alert description in clear, or null. */
  code: number | null;
}

/** Client alerts that say "your certificate": RFC 8446 §6.2 plus decrypt_error (signature) and handshake_failure (OpenSSL's verify callback). */
const CERTIFICATE_ALERTS = new Set([40, 42, 43, 44, 45, 46, 48, 49, 51]);

/** The client's rejection of the server certificate, or null when the client did not abort at that point. */
export function serverCertificateRejection(conn: TlsConnectionModel): CertificateRejection | null {
  return askRejection(conn);
}

const askRejection = memoizedQuestion(computeRejection);

function computeRejection(conn: TlsConnectionModel): CertificateRejection | null {
  const abort = findAbort(conn);
  if (abort && abort.by === 'client' && abort.stage === 'server-flight' && serverFlightCarriesCertificate(conn)) {
    if (abort.kind === 'alert') {
      const code = abort.alert?.description ?? null;
      return code !== null && CERTIFICATE_ALERTS.has(code) ? { kind: 'alert', abort, code } : null;
    }
    if (abort.kind === 'encrypted-alert') return { kind: 'encrypted-alert', abort, code: null };
    return { kind: 'silent-close', abort, code: null };
  }
  const drop = clientDroppedAfterHandshake(conn);
  if (drop && (!abort || abort.frame >= drop.frame || abort.stage === 'complete')) {
    return { kind: 'post-handshake', abort: drop, code: null };
  }
  return null;
}

/** TLS 1.2: a server Certificate message in the flight; TLS 1.3: the encrypted flight (it holds the Certificate unless a PSK was accepted). */
function serverFlightCarriesCertificate(conn: TlsConnectionModel): boolean {
  if (conn.certificates.some((c) => c.direction === 1)) return true;
  if (isTls13(conn)) return !conn.serverHello?.pskSelected && serverFirstFlight(conn).some((m) => m.type === -1);
  return false;
}

/** What a cause file declares. */
export interface ServerCertificateCause {
  cause: CauseId;
  /** Verdict problems that are this cause. */
  problems: readonly ChainProblemKind[];
  /** Alerts that name this cause (OpenSSL's mapping of verify errors, DESIGN.md table). */
  pointsTo: readonly number[];
  /** Alerts some stack sends for this cause among others (Go 42, JSSE/Chrome 46, ...). */
  fits: readonly number[];
  /** One sentence for a matching problem. */
  summary(problem: ChainProblem, verdict: ChainVerdict, ctx: RuleContext): string;
  remediation(problem: ChainProblem, verdict: ChainVerdict, ctx: RuleContext): Remedy[];
  /**
   * The check as a noun phrase ("the name check: the certificate must cover the requested
   * name"), for a TLS 1.3 rejection where the certificate cannot be read.
   */
  check: string;
  /** Confidence change for one problem (e.g. wrong order alone rarely stops a client). */
  adjust?(problem: ChainProblem, ctx: RuleContext): 'keep' | 'weaker' | 'drop';
  /** A last clause for `why` ("; another client used the same certificate..."), or null. */
  whyMore?(ctx: RuleContext): string | null;
}

/**
 * Hypotheses of one server-certificate cause: one per matching problem of the chain, when the
 * client turned the certificate down.
 */
export function serverCertificateHypotheses(ctx: RuleContext, spec: ServerCertificateCause): readonly Hypothesis[] {
  const verdict = ctx.serverChain;
  if (!verdict || ctx.outcome === 'not-tls') return NO_HYPOTHESES;
  const rejection = serverCertificateRejection(ctx.conn);
  if (!rejection) return NO_HYPOTHESES;
  const matching = verdict.problems.filter((p) => spec.problems.includes(p.kind));
  if (matching.length === 0) return NO_HYPOTHESES;
  const explaining = verdict.problems.filter((p) => p.kind !== 'wrong-order');
  const out: Hypothesis[] = [];
  for (const problem of matching) {
    const adjust = spec.adjust?.(problem, ctx) ?? 'keep';
    if (adjust === 'drop') continue;
    let { confidence, why } = rate(rejection, spec, explaining.length);
    if (adjust === 'weaker') {
      confidence = weaker(confidence);
      why += '; this fact alone rarely stops a client';
    }
    const source = ctx.serverChainSource;
    if (source?.borrowed) {
      confidence = weaker(confidence);
      why += `; TLS 1.3 hides this connection's certificate: the chain is the one the same server sent for the same name in connection ${source.connectionId}`;
    }
    const more = spec.whyMore?.(ctx) ?? null;
    if (more !== null) why += more;
    out.push(new CertificateHypothesis(spec, confidence, why, problem, verdict, ctx, rejection));
  }
  return out;
}

/**
 * A hypothesis of a server-certificate cause whose texts (summary, evidence, remediation) are
 * written when first read: the ranking reads cause and confidence, an alternative only `why`,
 * and most of these hypotheses lose to another (a failed connection's chain usually has several
 * problems, each a hypothesis of its cause). The texts are pure functions of what is kept here.
 */
class CertificateHypothesis implements Hypothesis {
  readonly cause: CauseId;
  readonly abortedBy = 'client' as const;
  private texts: { summary: string; evidence: Evidence[]; remediation: Remedy[] } | null = null;

  constructor(
    private readonly spec: ServerCertificateCause,
    readonly confidence: Confidence,
    readonly why: string,
    private readonly problem: ChainProblem,
    private readonly verdict: ChainVerdict,
    private readonly ctx: RuleContext,
    private readonly rejection: CertificateRejection,
  ) {
    this.cause = spec.cause;
  }

  get summary(): string {
    return this.written().summary;
  }

  get evidence(): Evidence[] {
    return this.written().evidence;
  }

  get remediation(): Remedy[] {
    return this.written().remediation;
  }

  private written(): { summary: string; evidence: Evidence[]; remediation: Remedy[] } {
    return (this.texts ??= {
      summary: this.spec.summary(this.problem, this.verdict, this.ctx),
      evidence: byFrame([certificateEvidence(this.ctx, this.verdict, this.problem), ...rejectionEvidence(this.rejection)]),
      remediation: this.spec.remediation(this.problem, this.verdict, this.ctx),
    });
  }
}

function rate(r: CertificateRejection, spec: ServerCertificateCause, problemCount: number): { confidence: Confidence; why: string } {
  switch (r.kind) {
    case 'alert': {
      const code = r.code!;
      if (spec.pointsTo.includes(code)) return { confidence: 'high', why: `the client's alert ${alertText(code)} names this check and the certificate fact matches` };
      if (spec.fits.includes(code)) {
        return problemCount === 1
          ? { confidence: 'high', why: `the client's alert ${alertText(code)} is a generic certificate rejection and this is the only problem of the chain` }
          : { confidence: 'medium', why: `the client's alert ${alertText(code)} is a generic certificate rejection and the chain has ${problemCount} problems` };
      }
      return { confidence: 'low', why: `the certificate fact is real but the client's alert ${alertText(code)} points to another check` };
    }
    case 'encrypted-alert':
      return { confidence: 'medium', why: 'the client aborted right after the server certificate with an alert that cannot be read without keys' };
    case 'silent-close':
      return { confidence: 'medium', why: 'the client closed right after the server certificate without an alert (some stacks reject silently)' };
    case 'post-handshake':
      return { confidence: 'medium', why: 'the handshake completed, then the client closed at once without sending data (clients such as node and curl check the certificate name after the handshake)' };
  }
}

function certificateEvidence(ctx: RuleContext, verdict: ChainVerdict, problem: ChainProblem): Evidence {
  const source = ctx.serverChainSource;
  const frame = source?.borrowed ? (ctx.conn.clientHello?.frame ?? ctx.conn.tcp.firstFrame) : (source?.frame ?? ctx.conn.certificates.find((c) => c.direction === 1)?.frame ?? ctx.conn.tcp.firstFrame);
  const where = source?.borrowed ? `server certificate seen in connection ${source.connectionId} (frame ${source.frame})` : `server Certificate`;
  return { frame, text: `frame ${frame}: ${where}, ${certName(verdict, problem.certIndex)}: ${problem.detail}` };
}

/**
 * TLS 1.3 hides the server certificate: when the client turned the server's flight down (an
 * encrypted alert, a silent close, a drop right after the handshake, or a clear alert this
 * check may send), this cause is one of the possible reasons. Always low: the certificate
 * cannot be read, so these are listed as alternatives to an honest "unknown", never as the
 * answer. Nothing when the chain was read (here or borrowed from another connection).
 */
export function hiddenChainHypotheses(ctx: RuleContext, spec: ServerCertificateCause): readonly Hypothesis[] {
  if (ctx.serverChain || ctx.outcome === 'not-tls' || !isTls13(ctx.conn) || ctx.conn.serverHello?.pskSelected) return NO_HYPOTHESES;
  const r = serverCertificateRejection(ctx.conn);
  if (!r) return NO_HYPOTHESES;
  if (r.code !== null && !spec.pointsTo.includes(r.code) && !spec.fits.includes(r.code)) return NO_HYPOTHESES;
  const how =
    r.kind === 'alert' ? `with ${alertText(r.code!)}, an alert this check may send`
    : r.kind === 'encrypted-alert' ? 'with an encrypted alert'
    : r.kind === 'silent-close' ? 'by closing without an alert'
    : 'by closing at once after the handshake, without sending data';
  const host = ctx.host ?? 'the name';
  return [
    {
      cause: spec.cause,
      abortedBy: 'client',
      confidence: 'low',
      summary: `The client turned the server's encrypted certificate flight down ${how}; ${spec.check} may be what failed, but TLS 1.3 hides the certificate.`,
      evidence: byFrame(rejectionEvidence(r)),
      remediation: [
        { side: 'server', text: `Check ${spec.check} for the certificate served for ${host} (openssl s_client -connect host:port -servername ${host} -showcerts).` },
        { side: 'client', text: "Read the client's error (e.g. curl -v): it names the failed certificate check." },
      ],
      why: `the client turned the server's certificate flight down ${how}; ${spec.check} is one of the checks that do this, and TLS 1.3 hides the certificate`,
    },
  ];
}

/** Evidence lines of the rejection itself. */
export function rejectionEvidence(r: CertificateRejection): Evidence[] {
  const e = abortEvidence(r.abort);
  if (r.kind === 'post-handshake') return [{ frame: e.frame, text: `${e.text}; the client sent no application data before closing` }];
  return [e];
}

/**
 * Was the chain trusted by the client elsewhere in the capture? The analyzer's trust store is not
 * the client's: a private CA it trusts is unknown to us.
 */
export function trustedElsewhere(ctx: RuleContext): { sameClient: number | null; otherClient: number | null } {
  const chain = serverChainOf(ctx.conn) ?? null;
  if (!chain) return { sameClient: null, otherClient: null };
  const peers = peersThatTrustedChain(ctx.peers, chain);
  const same = peers.find((p) => p.clientIp === ctx.conn.tcp.clientIp);
  const other = peers.find((p) => p.clientIp !== ctx.conn.tcp.clientIp);
  return { sameClient: same?.id ?? null, otherClient: other?.id ?? null };
}

/** Date part of an ISO time: "2021-01-01". */
export function day(iso: string): string {
  return iso.slice(0, 10);
}

/**
 * A hypothesis from the client's alert alone, when no fact of the chain matches (TLS 1.3 hides
 * the chain, or the client judged differently: its clock, its trust store).
 */
export function alertOnlyHypothesis(
  _ctx: RuleContext,
  r: CertificateRejection,
  cause: CauseId,
  confidence: Confidence,
  summary: string,
  why: string,
  remediation: Remedy[],
): Hypothesis {
  return { cause, abortedBy: 'client', confidence, summary, evidence: byFrame(rejectionEvidence(r)), remediation, why };
}

/** True when the server chain could be read and judged (TLS 1.2 and below, or borrowed). */
export function chainVisible(ctx: RuleContext): boolean {
  return ctx.serverChain !== null && ctx.serverChain.certs.length > 0;
}
