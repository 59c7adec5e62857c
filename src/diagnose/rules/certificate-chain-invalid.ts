/** certificate-chain-invalid: the chain sent does not link (issuer/subject, signatures) or is out of order. */
import { hiddenChainHypotheses, serverCertificateHypotheses, type ServerCertificateCause } from '../server-certificate.js';
import type { Rule } from '../types.js';

const spec: ServerCertificateCause = {
  cause: 'certificate-chain-invalid',
  problems: ['chain-invalid', 'bad-signature', 'wrong-order'],
  // decrypt_error is OpenSSL's alert for a signature failure; unknown_ca for an invalid CA.
  pointsTo: [51],
  fits: [42, 46, 48, 40, 43],
  check: 'the chain linkage (each certificate must be signed by the next one sent)',
  summary: (p) => `The client rejected the server's certificate chain because it does not link correctly: ${p.detail}.`,
  remediation: (p) => [
    {
      side: 'server',
      text:
        p.kind === 'wrong-order'
          ? 'Order the chain file leaf first, then each issuer in turn (leaf, intermediate, ...), without unrelated certificates.'
          : 'Rebuild the chain file from the certificates the CA issued with this leaf (the intermediate must be the one that signed the leaf); remove stale or foreign certificates.',
    },
    { side: 'client', text: 'No safe client-side fix: the chain must be corrected on the server.' },
  ],
  // Most clients reorder a chain themselves: wrong order alone is a weak explanation.
  adjust: (p) => (p.kind === 'wrong-order' ? 'weaker' : 'keep'),
};

export const certificateChainInvalidRule: Rule = {
  id: 'certificate-chain-invalid',
  evaluate(ctx) {
    const found = serverCertificateHypotheses(ctx, spec);
    return found.length > 0 ? found : hiddenChainHypotheses(ctx, spec);
  },
};
