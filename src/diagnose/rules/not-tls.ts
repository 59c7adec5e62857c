/** not-tls: one side does not speak TLS on this connection (plain HTTP, SSH, wrong port). */
import type { TlsConnectionModel } from '../../tls/model.js';
import { arrow, sideOf } from '../describe.js';
import type { Evidence, Rule } from '../types.js';
import { NO_HYPOTHESES } from '../types.js';
import { byFrameOrder, stableSort } from '../stable-sort.js';

/** "HTTP" for an HTTP request, response or bare HTML page; else the first word ("SSH-2.0", "SMTP"). */
function protocolOf(lookedLike: string): string {
  if (/^(HTTP|HTML)/.test(lookedLike)) return 'HTTP';
  return lookedLike.split(' ')[0] ?? lookedLike;
}

/**
 * How the other side reacted to the non-TLS bytes: its first bytes (an HTTP error page, a TLS
 * alert), else its first FIN/RST after them. This is the frame that shows the mismatch from the
 * other end: nginx's "400 The plain HTTP request was sent to HTTPS port", OpenSSL's silent close.
 */
function reaction(conn: TlsConnectionModel): { evidence: Evidence; text: string } | null {
  const n = conn.notTls!;
  if (n.reply) {
    return {
      evidence: { frame: n.reply.frame, text: `frame ${n.reply.frame}: ${arrow(n.reply.direction)} ${n.reply.lookedLike} in answer` },
      text: `answered with ${n.reply.lookedLike}`,
    };
  }
  const other = n.direction === 0 ? 1 : 0;
  const close = conn.tcp.closes.find((c) => c.direction === other && c.frame >= n.frame);
  if (!close) return null;
  const kind = close.kind.toUpperCase();
  return {
    evidence: { frame: close.frame, text: `frame ${close.frame}: ${arrow(other)} TCP ${kind} without answering` },
    text: `closed the connection (${kind}) without answering`,
  };
}

export const notTlsRule: Rule = {
  id: 'not-tls',
  evaluate(ctx) {
    const n = ctx.conn.notTls;
    if (ctx.outcome !== 'not-tls' || !n) return NO_HYPOTHESES;
    const who = sideOf(n.direction);
    const port = ctx.conn.tcp.serverPort;
    const helloSent = ctx.conn.clientHello !== null && who === 'server';
    const protocol = protocolOf(n.lookedLike);
    const answer = helloSent ? null : reaction(ctx.conn);
    const evidence: Evidence[] = [
      ...(ctx.conn.clientHello ? [{ frame: ctx.conn.clientHello.frame, text: `frame ${ctx.conn.clientHello.frame}: client -> server ClientHello` }] : []),
      { frame: n.frame, text: `frame ${n.frame}: ${arrow(n.direction)} ${n.lookedLike}, not a TLS record` },
      ...(answer ? [answer.evidence] : []),
    ];
    return [
      {
        cause: 'not-tls',
        // The server is the side at fault or the one refusing: it either does not speak TLS, or
        // received plain text on its TLS port and turned it away.
        abortedBy: 'server',
        confidence: 'high',
        summary: helloSent
          ? `The client sent a ClientHello but the server on port ${port} answered with ${n.lookedLike}: that port does not speak TLS.`
          : `The ${who} sent ${n.lookedLike} instead of TLS on port ${port}${answer ? `; the ${sideOf(n.direction === 0 ? 1 : 0)} ${answer.text}` : ''}.`,
        evidence: stableSort(evidence, byFrameOrder),
        remediation: helloSent
          ? [
              { side: 'client', text: `Use the port that serves TLS (e.g. https:// on 443), or plain ${protocol} on port ${port}.` },
              { side: 'server', text: `If port ${port} should serve TLS, enable TLS on that listener (or put the TLS terminator in front of it).` },
            ]
          : [
              { side: who, text: `This ${who} speaks ${protocol} on port ${port}: point it at the plain-text port, or enable TLS on it (e.g. https:// instead of http://).` },
              { side: who === 'client' ? 'server' : 'client', text: `Port ${port} expects TLS; nothing to change here unless the port is meant to be plain text.` },
            ],
        why: 'the first bytes are not a TLS record',
      },
    ];
  },
};
