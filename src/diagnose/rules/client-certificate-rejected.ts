/** client-certificate-rejected: the server rejected the client certificate (unknown CA, expired, bad). */
import { alertText } from '../describe.js';
import { abortEvidence, byFrame, certName } from '../evidence.js';
import { serverRefusedClient } from '../client-certificate.js';
import type { Confidence, Evidence, Rule } from '../types.js';
import { NO_HYPOTHESES } from '../types.js';

/** Server alerts that judge a certificate it received. */
const CERTIFICATE_ALERTS = new Set([42, 43, 44, 45, 46, 48, 49, 51]);
const HANDSHAKE_FAILURE = 40;

export const clientCertificateRejectedRule: Rule = {
  id: 'client-certificate-rejected',
  evaluate(ctx) {
    const r = serverRefusedClient(ctx.conn);
    if (!r || r.clientCertificate !== 'sent') return NO_HYPOTHESES;
    let confidence: Confidence;
    let why: string;
    if (r.code !== null && CERTIFICATE_ALERTS.has(r.code)) {
      confidence = r.tls13 ? 'medium' : 'high';
      why = `the server alerted ${alertText(r.code)} after ${r.how}`;
    } else if (r.code === HANDSHAKE_FAILURE || r.code === null) {
      confidence = 'medium';
      why = `the server ${r.code === null ? 'aborted without a readable alert' : 'alerted handshake_failure'} after ${r.how}`;
    } else {
      return NO_HYPOTHESES;
    }
    const evidence: Evidence[] = [abortEvidence(r.abort)];
    if (r.flightFrame !== null) evidence.push({ frame: r.flightFrame, text: `frame ${r.flightFrame}: ${r.how}` });
    const facts = ctx.clientChain?.problems.filter((p) => p.kind !== 'wrong-order' && p.kind !== 'hostname-mismatch') ?? [];
    for (const p of facts) {
      evidence.push({ frame: r.flightFrame ?? r.abort.frame, text: `frame ${r.flightFrame ?? r.abort.frame}: client ${certName(ctx.clientChain!, p.certIndex)}: ${p.detail}` });
    }
    const reason = facts[0] ? `: ${facts[0].detail}` : r.code !== null ? ` (${alertText(r.code)})` : '';
    if (facts.length > 0 && confidence === 'medium') why += '; the client certificate has a problem at capture time';
    return [
      {
        cause: 'client-certificate-rejected',
        abortedBy: 'server',
        confidence,
        summary: `The server rejected the client certificate${reason}.${r.tls13 ? ' TLS 1.3 encrypts the client certificate: that one was sent is read from record sizes.' : ''}`,
        evidence: byFrame(evidence),
        remediation: [
          { side: 'client', text: `Use a client certificate issued by a CA the server trusts for client authentication, valid now, with extendedKeyUsage clientAuth${facts[0] ? ` (this one: ${facts[0].detail})` : ''}.` },
          { side: 'server', text: "Check the server's client-CA list (e.g. nginx ssl_client_certificate, ssl_verify_depth) and its log for the exact verification error." },
        ],
        why,
      },
    ];
  },
};
