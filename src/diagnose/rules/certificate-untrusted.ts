/** certificate-untrusted: the server chain ends at a root the client does not trust (self-signed, private CA). */
import { alertText } from '../describe.js';
import { alertOnlyHypothesis, chainVisible, hiddenChainHypotheses, serverCertificateHypotheses, serverCertificateRejection, trustedElsewhere, type ServerCertificateCause } from '../server-certificate.js';
import type { Rule, RuleContext } from '../types.js';
import { NO_HYPOTHESES } from '../types.js';

const UNKNOWN_CA = 48;

function rootName(ctx: RuleContext): string {
  const v = ctx.serverChain;
  const top = v?.certs[v.certs.length - 1];
  return top ? (top.selfIssued ? top.subject : top.issuer) : 'its root';
}

const spec: ServerCertificateCause = {
  cause: 'certificate-untrusted',
  problems: ['untrusted', 'self-signed'],
  pointsTo: [UNKNOWN_CA],
  fits: [42, 46, 40],
  check: 'the trust anchor (the chain must end at a root the client trusts)',
  summary: (p, v, ctx) =>
    p.kind === 'self-signed' || (v.certs.length === 1 && v.certs[0]?.selfIssued)
      ? `The client rejected the server's self-signed certificate ${v.certs[0]?.subject ?? ''}: no trusted CA vouches for it.`
      : `The client rejected the server's certificate: its chain ends at ${rootName(ctx)}, a root the client does not trust (private or unknown CA).`,
  remediation: (_p, _v, ctx) => [
    { side: 'server', text: 'Use a certificate from a CA the clients trust (public CA, or the organisation CA deployed to the clients).' },
    { side: 'client', text: `If ${rootName(ctx)} is a legitimate private CA, add it to the client's trust store (e.g. NODE_EXTRA_CA_CERTS, curl --cacert, the JVM truststore).` },
  ],
  adjust: (_p, ctx) => {
    const t = trustedElsewhere(ctx);
    if (t.sameClient !== null) return 'drop';
    return t.otherClient !== null ? 'weaker' : 'keep';
  },
  whyMore: (ctx) => {
    const t = trustedElsewhere(ctx);
    return t.otherClient !== null ? `; another client (connection ${t.otherClient}) used the same certificate, so the CA may be trusted there` : null;
  },
};

export const certificateUntrustedRule: Rule = {
  id: 'certificate-untrusted',
  evaluate(ctx) {
    const found = serverCertificateHypotheses(ctx, spec);
    if (found.length > 0) return found;
    const r = serverCertificateRejection(ctx.conn);
    if (r?.kind !== 'alert' || r.code !== UNKNOWN_CA) return hiddenChainHypotheses(ctx, spec);
    const verdict = ctx.serverChain;
    if (chainVisible(ctx) && verdict && !verdict.problems.some((p) => p.kind === 'chain-incomplete' || p.kind === 'chain-invalid')) {
      // A chain that is complete and trusted by the analyzer's store, refused with unknown_ca:
      // the client's own trust store lacks this root.
      return [
        alertOnlyHypothesis(
          ctx, r, 'certificate-untrusted', 'medium',
          `The client does not trust the root of the server's chain (${alertText(UNKNOWN_CA)}), although the chain is complete and ends at ${verdict.anchor ?? rootName(ctx)}, trusted by the analyzer's store: the client's trust store lacks that root.`,
          "unknown_ca names the trust check; the analyzer's trust store is not the client's",
          [
            { side: 'client', text: `Add ${verdict.anchor ?? rootName(ctx)} to the client's trust store or update its CA bundle (old systems lack newer roots).` },
            { side: 'server', text: 'If old clients must connect, serve a chain that also leads to a root they have (cross-signed intermediate).' },
          ],
        ),
      ];
    }
    if (chainVisible(ctx)) return NO_HYPOTHESES;
    return [
      alertOnlyHypothesis(
        ctx, r, 'certificate-untrusted', 'low',
        `The client found no trusted root for the server's chain (${alertText(UNKNOWN_CA)}); TLS 1.3 hides the chain, so an untrusted root and a missing intermediate cannot be told apart.`,
        'unknown_ca is sent both for an untrusted root and for a missing intermediate; the chain cannot be read',
        [{ side: 'server', text: 'Check the chain the server sends (openssl s_client -showcerts) against the clients\' trust store.' }],
      ),
    ];
  },
};
