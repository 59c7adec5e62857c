/** certificate-not-yet-valid: a certificate of the server chain was before notBefore at capture time. */
import { certName, factsAt } from '../evidence.js';
import { day, hiddenChainHypotheses, serverCertificateHypotheses, type ServerCertificateCause } from '../server-certificate.js';
import type { Rule } from '../types.js';

const spec: ServerCertificateCause = {
  cause: 'certificate-not-yet-valid',
  problems: ['not-yet-valid'],
  // OpenSSL maps X509_V_ERR_CERT_NOT_YET_VALID to bad_certificate; NSS reports it as expired.
  pointsTo: [42],
  fits: [45, 46, 40],
  check: 'the validity start (notBefore must be in the past)',
  summary: (p, v) => {
    const c = factsAt(v, p.certIndex);
    return `The client rejected the server's certificate because ${certName(v, p.certIndex)} was not yet valid at capture time${c ? ` (notBefore ${day(c.notBefore)})` : ''}.`;
  },
  remediation: () => [
    { side: 'server', text: "Install a certificate whose notBefore is in the past, or check the server's clock if the certificate was issued by a local CA using it." },
    { side: 'client', text: "Check the client's clock (NTP): a clock set in the past makes new certificates look not yet valid." },
  ],
};

export const certificateNotYetValidRule: Rule = {
  id: 'certificate-not-yet-valid',
  evaluate(ctx) {
    const found = serverCertificateHypotheses(ctx, spec);
    return found.length > 0 ? found : hiddenChainHypotheses(ctx, spec);
  },
};
