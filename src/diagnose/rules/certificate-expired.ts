/** certificate-expired: a certificate of the server chain was past notAfter at capture time. */
import { certName, factsAt } from '../evidence.js';
import { alertOnlyHypothesis, chainVisible, day, hiddenChainHypotheses, serverCertificateHypotheses, serverCertificateRejection, type ServerCertificateCause } from '../server-certificate.js';
import type { Rule } from '../types.js';

const CERTIFICATE_EXPIRED = 45;

const spec: ServerCertificateCause = {
  cause: 'certificate-expired',
  problems: ['expired'],
  pointsTo: [CERTIFICATE_EXPIRED],
  fits: [42, 46, 40],
  check: 'the expiry (notAfter of the leaf and intermediates)',
  summary: (p, v) => {
    const c = factsAt(v, p.certIndex);
    return `The client rejected the server's certificate because ${certName(v, p.certIndex)} had expired${c ? ` on ${day(c.notAfter)}` : ''}, before the capture was taken.`;
  },
  remediation: (p, v) => {
    const c = factsAt(v, p.certIndex);
    const which = p.certIndex !== null && p.certIndex > 0 ? `the expired intermediate (${c?.subject ?? 'see evidence'}) with its current version` : `the certificate${c ? ` for ${c.subject}` : ''}`;
    return [
      { side: 'server', text: `Renew and install ${which}, then reload the server; check that the renewal job deploys to this host.` },
      { side: 'client', text: 'No safe client-side fix: do not disable verification; ask the server owner to renew.' },
    ];
  },
};

export const certificateExpiredRule: Rule = {
  id: 'certificate-expired',
  evaluate(ctx) {
    const found = serverCertificateHypotheses(ctx, spec);
    if (found.length > 0) return found;
    const r = serverCertificateRejection(ctx.conn);
    if (r?.kind !== 'alert' || r.code !== CERTIFICATE_EXPIRED) return hiddenChainHypotheses(ctx, spec);
    if (chainVisible(ctx)) {
      return [
        alertOnlyHypothesis(
          ctx, r, 'certificate-expired', 'medium',
          "The client reported the server's certificate as expired (certificate_expired), but every certificate of the chain was valid at capture time: the client's clock is probably wrong.",
          'the alert names expiry but no certificate of the chain was expired at capture time',
          [
            { side: 'client', text: "Check the client's clock (NTP); a clock set in the future makes valid certificates look expired." },
            { side: 'server', text: 'Check whether the server sends an old certificate or intermediate to some clients (several certificates, SNI-dependent).' },
          ],
        ),
      ];
    }
    return [
      alertOnlyHypothesis(
        ctx, r, 'certificate-expired', 'medium',
        "The client rejected the server's certificate as expired (certificate_expired); the chain itself is encrypted (TLS 1.3) and cannot be checked.",
        'the alert names expiry; the chain cannot be read without keys',
        [
          { side: 'server', text: 'Check the notAfter of the certificate and intermediates the server sends (openssl s_client -showcerts) and renew.' },
          { side: 'client', text: "Check the client's clock if the server's certificate is current." },
        ],
      ),
    ];
  },
};
