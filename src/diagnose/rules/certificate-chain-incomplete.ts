/** certificate-chain-incomplete: the server's chain lacks an intermediate needed to reach a trusted root. */
import { alertText } from '../describe.js';
import { alertOnlyHypothesis, chainVisible, hiddenChainHypotheses, serverCertificateHypotheses, serverCertificateRejection, type ServerCertificateCause } from '../server-certificate.js';
import type { Rule } from '../types.js';

const UNKNOWN_CA = 48;

const spec: ServerCertificateCause = {
  cause: 'certificate-chain-incomplete',
  problems: ['chain-incomplete'],
  pointsTo: [UNKNOWN_CA],
  fits: [42, 46, 40],
  check: 'the chain (every intermediate between the leaf and the root must be sent)',
  summary: (p, v) => {
    const top = v.certs[v.certs.length - 1];
    return `The client could not build a path to a trusted root: the server sent ${v.certs.length} certificate${v.certs.length === 1 ? '' : 's'} and left out the intermediate that issued ${top ? top.subject : 'the last one'} (${p.detail}).`;
  },
  remediation: (_p, v) => {
    const top = v.certs[v.certs.length - 1];
    return [
      { side: 'server', text: `Add the intermediate certificate${top ? ` (issuer ${top.issuer})` : ''} to the server's chain file, after the leaf (e.g. fullchain.pem rather than cert.pem).` },
      { side: 'client', text: 'As a stopgap, add the missing intermediate to the client trust store; browsers that fetch intermediates (AIA) hide this problem, other clients do not.' },
    ];
  },
};

export const certificateChainIncompleteRule: Rule = {
  id: 'certificate-chain-incomplete',
  evaluate(ctx) {
    const found = serverCertificateHypotheses(ctx, spec);
    if (found.length > 0) return found;
    const r = serverCertificateRejection(ctx.conn);
    if (r?.kind !== 'alert' || r.code !== UNKNOWN_CA || chainVisible(ctx)) return hiddenChainHypotheses(ctx, spec);
    return [
      alertOnlyHypothesis(
        ctx, r, 'certificate-chain-incomplete', 'low',
        `The client found no path to a trusted root (${alertText(UNKNOWN_CA)}): the server may be missing an intermediate; TLS 1.3 hides the chain.`,
        'unknown_ca is sent both for a missing intermediate and for an untrusted root; the chain cannot be read',
        [{ side: 'server', text: 'Check that the server sends the full chain (leaf + intermediates): openssl s_client -showcerts.' }],
      ),
    ];
  },
};
