/** client-certificate-missing: the server asked for a client certificate (mutual TLS) and got none. */
import { alertText } from '../describe.js';
import { abortEvidence, byFrame } from '../evidence.js';
import { serverRefusedClient } from '../client-certificate.js';
import type { Confidence, Evidence, Rule } from '../types.js';
import { NO_HYPOTHESES } from '../types.js';

const CERTIFICATE_REQUIRED = 116;
/** What servers send for a missing certificate: OpenSSL 40 (TLS 1.2), Go/JSSE 42, 116 in TLS 1.3. */
const MISSING_ALERTS = new Set([40, 42, 46, CERTIFICATE_REQUIRED]);

export const clientCertificateMissingRule: Rule = {
  id: 'client-certificate-missing',
  evaluate(ctx) {
    const r = serverRefusedClient(ctx.conn);
    if (!r) return NO_HYPOTHESES;
    let confidence: Confidence | null = null;
    let why = '';
    if (r.code === CERTIFICATE_REQUIRED) {
      confidence = 'high';
      why = 'certificate_required says it';
    } else if (r.clientCertificate === 'empty' || r.clientCertificate === 'none') {
      if (r.clientCertificate === 'none' && r.tls13) {
        // A TLS 1.3 client answers every CertificateRequest with a Certificate message: a flight without one means no request.
        return NO_HYPOTHESES;
      }
      if (r.code !== null && MISSING_ALERTS.has(r.code)) {
        confidence = r.tls13 ? 'medium' : 'high';
        why = `the server alerted ${alertText(r.code)} after ${r.how}`;
      } else {
        confidence = r.tls13 ? 'medium' : r.code === null ? 'medium' : 'medium';
        why = `the server ${r.code === null ? 'aborted without a readable alert' : `alerted ${alertText(r.code)}`} after ${r.how}`;
      }
    } else if (r.clientCertificate === 'unknown' && r.tls13) {
      confidence = 'low';
      why = `the server aborted right after the client's final TLS 1.3 flight, typical of mutual TLS; ${r.how}`;
    } else {
      return NO_HYPOTHESES;
    }
    const evidence: Evidence[] = [abortEvidence(r.abort)];
    if (r.requestSeen && ctx.conn.certificateRequest) {
      const cr = ctx.conn.certificateRequest;
      evidence.push({ frame: cr.frame, text: `frame ${cr.frame}: server -> client CertificateRequest (${cr.certificateAuthorities.length} acceptable CA name${cr.certificateAuthorities.length === 1 ? '' : 's'})` });
    }
    if (r.flightFrame !== null) evidence.push({ frame: r.flightFrame, text: `frame ${r.flightFrame}: ${r.how}` });
    const hidden = r.tls13 && r.code !== CERTIFICATE_REQUIRED ? ' TLS 1.3 encrypts the CertificateRequest and the client Certificate: this is read from record sizes.' : '';
    return [
      {
        cause: 'client-certificate-missing',
        abortedBy: 'server',
        confidence,
        summary: `The server requires a client certificate (mutual TLS) and the client sent none${r.code !== null ? `; the server aborted with ${alertText(r.code)}` : ''}.${hidden}`,
        evidence: byFrame(evidence),
        remediation: [
          { side: 'client', text: 'Configure the client certificate and key (e.g. curl --cert/--key, a Java keystore, Node tls cert/key); check that its issuer is among the CAs the server accepts.' },
          { side: 'server', text: 'If this client should not need a certificate, make client authentication optional for it (e.g. nginx ssl_verify_client optional, a separate listener).' },
        ],
        why,
      },
    ];
  },
};
