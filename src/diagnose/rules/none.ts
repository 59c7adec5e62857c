/** none: the handshake completed. */
import { versionText, suiteText } from '../describe.js';
import { isTls13 } from '../handshake-state.js';
import { serverCertificateRejection } from '../server-certificate.js';
import type { Rule } from '../types.js';

export const noneRule: Rule = {
  id: 'none',
  evaluate(ctx) {
    if (ctx.outcome !== 'established') return [];
    const c = ctx.conn;
    const dropped = serverCertificateRejection(c)?.kind === 'post-handshake';
    // A drop right after the handshake is suspicious when the certificate has a problem, or
    // when TLS 1.3 hides the certificate so that nothing can clear it.
    const problem = dropped && (ctx.serverChain ? ctx.serverChain.problems.some((p) => p.kind !== 'wrong-order') : isTls13(c));
    const what = [c.version !== null ? versionText(c.version) : null, c.cipherSuite !== null ? suiteText(c.cipherSuite) : null].filter(Boolean).join(', ');
    const frame = c.completedFrame ?? c.tcp.lastFrame;
    return [
      {
        cause: 'none',
        abortedBy: null,
        confidence: problem ? 'low' : 'high',
        summary: `The handshake completed${what ? ` (${what})` : ''}.`,
        evidence: [{ frame, text: `frame ${frame}: handshake complete${c.resumption ? ` (resumed by ${c.resumption})` : ''}` }],
        remediation: [],
        why: problem
          ? 'the handshake completed, but the client closed at once without sending data, and the server certificate has a problem or cannot be read'
          : 'both sides finished the handshake',
      },
    ];
  },
};
