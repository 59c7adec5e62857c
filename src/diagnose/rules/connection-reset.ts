/** connection-reset: the handshake was cut by RST/FIN without any alert; the cause is not determinable. */
import { abortEvidence } from '../evidence.js';
import { findAbort, firstClose, sideSilent } from '../handshake-state.js';
import { serverCertificateRejection } from '../server-certificate.js';
import { actionText, whenText } from '../story.js';
import type { Rule } from '../types.js';
import { NO_HYPOTHESES } from '../types.js';

export const connectionResetRule: Rule = {
  id: 'connection-reset',
  evaluate(ctx) {
    if (ctx.outcome !== 'failed') return NO_HYPOTHESES;
    const c = ctx.conn;
    if (c.kind === 'no-payload') {
      const close = firstClose(c, 'server');
      if (!close) return NO_HYPOTHESES;
      const refused = close.kind === 'rst' && !c.tcp.closes.some((x) => x.direction === 0 && x.frame < close.frame);
      return [
        {
          cause: 'connection-reset',
          abortedBy: 'server',
          confidence: 'high',
          summary: refused
            ? `The server refused the TCP connection to port ${c.tcp.serverPort} with a RST before any TLS byte: nothing accepts connections there (or a firewall rejects them).`
            : `The server closed the TCP connection (${close.kind.toUpperCase()}) before the client sent a ClientHello.`,
          evidence: [{ frame: close.frame, text: `frame ${close.frame}: server -> client TCP ${close.kind.toUpperCase()} with no TLS data exchanged` }],
          remediation: [
            { side: 'server', text: `Check that the service listens on ${c.tcp.serverIp} port ${c.tcp.serverPort} and that no firewall or connection limit rejects this client.` },
            { side: 'client', text: 'Check the target address and port.' },
          ],
          why: 'the server ended the TCP connection before any TLS record',
        },
      ];
    }
    const a = findAbort(c);
    if (!a || (a.kind !== 'rst' && a.kind !== 'fin' && a.kind !== 'close-notify') || a.stage === 'complete') return NO_HYPOTHESES;
    if (c.alerts.some((x) => x.frame <= a.frame && (x.encrypted || x.level === 2))) return NO_HYPOTHESES;
    const serverNeverAnswered = a.by === 'client' && sideSilent(c, 'server');
    // A client that closes right after the server's certificate flight has judged that
    // certificate: "unknown" (with the certificate checks as alternatives) says more than "cut".
    const afterCertificate = a.by === 'client' && serverCertificateRejection(c)?.kind === 'silent-close';
    const summary = serverNeverAnswered
      ? `The server never answered the ClientHello; the client gave up and closed the connection ${whenText(a).replace('right ', '')}.`
      : `The handshake was cut: ${actionText(a)} ${whenText(a)}; the capture does not show why.`;
    return [
      {
        cause: 'connection-reset',
        abortedBy: a.by,
        confidence: afterCertificate ? 'low' : 'medium',
        summary,
        evidence: [abortEvidence(a)],
        remediation:
          a.by === 'server'
            ? [
                { side: 'server', text: "Look at the server's (or its load balancer's / firewall's) log at that time: stacks such as SChannel and some middleboxes reset on a version, cipher or SNI they refuse instead of alerting." },
                { side: 'client', text: 'Compare this ClientHello with one that works against the same server (versions, suites, server_name), e.g. with openssl s_client -connect host:port -servername name.' },
              ]
            : [
                { side: 'client', text: "Look at the client's error log at that time: it gave up without telling the server why (timeout, certificate check, or a middlebox)." },
                { side: 'server', text: serverNeverAnswered ? 'Check that the server answers TLS on this port (it may wait for another protocol, or be overloaded).' : 'Nothing to change until the client-side reason is known.' },
              ],
        why: afterCertificate
          ? "the client closed without an alert, but right after the server's certificate flight: a certificate rejection is likelier than a cut connection"
          : 'the connection was closed during the handshake without any alert',
      },
    ];
  },
};
