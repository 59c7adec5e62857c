/** none: the handshake completed. */
import { versionText, suiteText } from '../describe.js';
import { isTls13 } from '../handshake-state.js';
import { serverCertificateRejection } from '../server-certificate.js';
import type { Rule } from '../types.js';
import { NO_HYPOTHESES } from '../types.js';

/**
 * "The handshake completed (TLS 1.3, TLS_AES_256_GCM_SHA384).", one string per (version, suite)
 * pair: most connections of a capture complete with one of a few pairs.
 */
const summaries = new Map<number, string>();

function summaryOf(version: number | null, suite: number | null): string {
  // Versions are 16-bit and suites at most 24-bit (SSLv2 cipher specs): one number keys both.
  const key = version === null || (version >= 0 && version <= 0xffff && Number.isInteger(version)) ? (version ?? -1) + 1 : -1;
  const rest = suite === null || (suite >= 0 && suite <= 0xffffff && Number.isInteger(suite)) ? (suite ?? -1) + 1 : -1;
  if (key < 0 || rest < 0) return summaryText(version, suite);
  const both = key * 0x2000000 + rest;
  let summary = summaries.get(both);
  if (summary === undefined) {
    summary = summaryText(version, suite);
    if (summaries.size >= 4096) summaries.clear();
    summaries.set(both, summary);
  }
  return summary;
}

function summaryText(version: number | null, suite: number | null): string {
  const what = [version !== null ? versionText(version) : null, suite !== null ? suiteText(suite) : null].filter(Boolean).join(', ');
  return `The handshake completed${what ? ` (${what})` : ''}.`;
}

export const noneRule: Rule = {
  id: 'none',
  evaluate(ctx) {
    if (ctx.outcome !== 'established') return NO_HYPOTHESES;
    const c = ctx.conn;
    const dropped = serverCertificateRejection(c)?.kind === 'post-handshake';
    // A drop right after the handshake is suspicious when the certificate has a problem, or
    // when TLS 1.3 hides the certificate so that nothing can clear it.
    const problem = dropped && (ctx.serverChain ? ctx.serverChain.problems.some((p) => p.kind !== 'wrong-order') : isTls13(c));
    const frame = c.completedFrame ?? c.tcp.lastFrame;
    return [
      {
        cause: 'none',
        abortedBy: null,
        confidence: problem ? 'low' : 'high',
        summary: summaryOf(c.version, c.cipherSuite),
        evidence: [{ frame, text: `frame ${frame}: handshake complete${c.resumption ? ` (resumed by ${c.resumption})` : ''}` }],
        remediation: [],
        why: problem
          ? 'the handshake completed, but the client closed at once without sending data, and the server certificate has a problem or cannot be read'
          : 'both sides finished the handshake',
      },
    ];
  },
};
