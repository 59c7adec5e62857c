/** not-tls: one side does not speak TLS on this connection (plain HTTP, SSH, wrong port). */
import { arrow, sideOf } from '../describe.js';
import type { Rule } from '../types.js';

export const notTlsRule: Rule = {
  id: 'not-tls',
  evaluate(ctx) {
    const n = ctx.conn.notTls;
    if (ctx.outcome !== 'not-tls' || !n) return [];
    const who = sideOf(n.direction);
    const port = ctx.conn.tcp.serverPort;
    const helloSent = ctx.conn.clientHello !== null && who === 'server';
    return [
      {
        cause: 'not-tls',
        // The server is the side at fault or the one refusing: it either does not speak TLS, or
        // received plain text on its TLS port and turned it away.
        abortedBy: 'server',
        confidence: 'high',
        summary: helloSent
          ? `The client sent a ClientHello but the server on port ${port} answered with ${n.lookedLike}: that port does not speak TLS.`
          : `The ${who} sent ${n.lookedLike} instead of TLS on port ${port}.`,
        evidence: [
          ...(ctx.conn.clientHello ? [{ frame: ctx.conn.clientHello.frame, text: `frame ${ctx.conn.clientHello.frame}: client -> server ClientHello` }] : []),
          { frame: n.frame, text: `frame ${n.frame}: ${arrow(n.direction)} ${n.lookedLike}, not a TLS record` },
        ].sort((a, b) => a.frame - b.frame),
        remediation: helloSent
          ? [
              { side: 'client', text: `Use the port that serves TLS (e.g. https:// on 443), or plain ${n.lookedLike.split(' ')[0]} on port ${port}.` },
              { side: 'server', text: `If port ${port} should serve TLS, enable TLS on that listener (or put the TLS terminator in front of it).` },
            ]
          : [
              { side: who, text: `This ${who} speaks ${n.lookedLike.split(' ')[0]} on port ${port}: point it at the plain-text port, or enable TLS on it (e.g. https:// instead of http://).` },
              { side: who === 'client' ? 'server' : 'client', text: `Port ${port} expects TLS; nothing to change here unless the port is meant to be plain text.` },
            ],
        why: 'the first bytes are not a TLS record',
      },
    ];
  },
};
