/**
 * sni-required: the server needs server_name and the client sent none. Also the close variant
 * where the client sent a name the server does not serve (unrecognized_name with server_name):
 * same family of fix (name configuration), reported with medium confidence and its own words.
 */
import { alertText } from '../describe.js';
import { abortEvidence, byFrame, clientHelloEvidence } from '../evidence.js';
import { serverRefusedHello } from '../hello-refusal.js';
import { peersAcceptedWithSni } from '../peers.js';
import { serverCertificateRejection } from '../server-certificate.js';
import type { Confidence, Evidence, Hypothesis, Rule } from '../types.js';

const HANDSHAKE_FAILURE = 40;
const UNRECOGNIZED_NAME = 112;

export const sniRequiredRule: Rule = {
  id: 'sni-required',
  evaluate(ctx) {
    const refusal = serverRefusedHello(ctx.conn);
    const out: Hypothesis[] = [];
    if (refusal && refusal.hello.sni === null) {
      const accepted = peersAcceptedWithSni(ctx.peers);
      const evidence: Evidence[] = [clientHelloEvidence(refusal.hello), abortEvidence(refusal.abort)];
      const peer = accepted[0];
      if (peer) {
        evidence.push({ frame: peer.accepted.frame, text: `frame ${peer.accepted.frame}: the same server answered a hello with server_name ${peer.sni} (connection ${peer.id}, ClientHello in frame ${peer.helloFrame})` });
      }
      let confidence: Confidence | null = null;
      let why = '';
      if (refusal.code === UNRECOGNIZED_NAME) {
        confidence = 'high';
        why = 'unrecognized_name right after a ClientHello without server_name';
      } else if (refusal.code === HANDSHAKE_FAILURE) {
        confidence = peer ? 'high' : 'medium';
        why = 'handshake_failure right after a ClientHello without server_name (OpenSSL-based servers answer a missing name this way)';
      } else if (refusal.code === null) {
        confidence = peer ? 'medium' : 'low';
        why = 'the server closed right after a ClientHello without server_name';
      }
      if (confidence) {
        if (peer) why += `; the same server accepted a hello with server_name in connection ${peer.id}`;
        const example = peer ? peer.sni : null;
        out.push({
          cause: 'sni-required',
          abortedBy: 'server',
          confidence,
          summary: `The server refused a ClientHello that carries no server_name${refusal.code !== null ? ` (${alertText(refusal.code)})` : ''}: it needs SNI to pick the site${example ? `, and accepted ${example} from another hello` : ''}.`,
          evidence: byFrame(evidence),
          remediation: [
            { side: 'client', text: `Send server_name: connect by host name rather than by IP (or set the name explicitly, e.g. openssl s_client -servername${example ? ` ${example}` : ''}, curl --resolve, Java's SNIHostName).` },
            { side: 'server', text: 'Configure a default site/certificate for hellos without server_name if such clients must be served (e.g. nginx default_server without ssl_reject_handshake).' },
          ],
          why,
        });
      }
    }
    if (refusal && refusal.hello.sni !== null && refusal.code === UNRECOGNIZED_NAME) {
      out.push({
        cause: 'sni-required',
        abortedBy: 'server',
        confidence: 'medium',
        summary: `The server does not serve the name ${refusal.hello.sni} the client asked for: it answered the server_name with unrecognized_name.`,
        evidence: byFrame([clientHelloEvidence(refusal.hello), abortEvidence(refusal.abort)]),
        remediation: [
          { side: 'server', text: `Add ${refusal.hello.sni} to the server's names (server_name / virtual host with its certificate), or stop rejecting unknown names.` },
          { side: 'client', text: `Check the host name: ${refusal.hello.sni} may be a typo, an old name, or routed to the wrong server by DNS or a proxy.` },
        ],
        why: 'unrecognized_name with server_name present: the server knows no site of that name (a name problem, not a missing SNI)',
      });
    }
    // No server_name, and the client rejected the certificate: the server sent its default one (Go does).
    const rejection = serverCertificateRejection(ctx.conn);
    const hello = ctx.conn.secondClientHello ?? ctx.conn.clientHello;
    if (rejection && hello && hello.sni === null && peersAcceptedWithSni(ctx.peers).length > 0) {
      out.push({
        cause: 'sni-required',
        abortedBy: 'client',
        confidence: 'low',
        summary: 'The client sent no server_name and rejected the certificate the server chose without it; with SNI the server would likely have sent the right certificate.',
        evidence: byFrame([clientHelloEvidence(hello), abortEvidence(rejection.abort)]),
        remediation: [{ side: 'client', text: 'Send server_name (connect by host name).' }],
        why: 'without server_name a server serves its default certificate, which the client then refuses',
      });
    }
    return out;
  },
};
