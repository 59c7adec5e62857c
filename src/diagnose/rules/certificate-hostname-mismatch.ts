/** certificate-hostname-mismatch: the name the client asked for is not in the server certificate. */
import { alertText } from '../describe.js';
import { alertOnlyHypothesis, chainVisible, hiddenChainHypotheses, serverCertificateHypotheses, serverCertificateRejection, type ServerCertificateCause } from '../server-certificate.js';
import type { Rule, RuleContext } from '../types.js';

const BAD_CERTIFICATE = 42;
const UNRECOGNIZED_NAME = 112;

function namesOf(ctx: RuleContext): string {
  const leaf = ctx.serverChain?.certs[0];
  if (!leaf) return 'other names';
  const names = [...leaf.sanDns, ...leaf.sanIp];
  if (names.length === 0 && leaf.subjectCommonName) names.push(`CN ${leaf.subjectCommonName}`);
  const shown = names.slice(0, 4).join(', ');
  return names.length > 4 ? `${shown} (+${names.length - 4} more)` : shown || 'no names';
}

/** An unrecognized_name warning from the server: it had no certificate for that name and sent its default one. */
function serverWarnedName(ctx: RuleContext): string | null {
  const w = ctx.conn.alerts.find((a) => a.direction === 1 && a.description === UNRECOGNIZED_NAME && a.level === 1);
  return w ? `; the server warned unrecognized_name in frame ${w.frame}: it has no certificate for that name and sent its default one` : null;
}

const spec: ServerCertificateCause = {
  cause: 'certificate-hostname-mismatch',
  problems: ['hostname-mismatch'],
  pointsTo: [BAD_CERTIFICATE],
  fits: [46, 40],
  check: 'the name check (subjectAltName must cover the name the client asked for)',
  summary: (_p, _v, ctx) => {
    const how = ctx.conn.clientHello?.sni ? 'server_name' : 'expected host';
    return `The client rejected the server's certificate because it is for ${namesOf(ctx)}, not for ${ctx.host ?? 'the requested name'} (${how})${serverWarnedName(ctx) ?? ''}.`;
  },
  remediation: (_p, _v, ctx) => {
    const host = ctx.host ?? 'the requested name';
    const out = [
      { side: 'server' as const, text: `Serve a certificate whose subjectAltName covers ${host} (add it to the certificate, or configure a virtual host / SNI entry for it).` },
      { side: 'client' as const, text: `Connect with a name the certificate covers (${namesOf(ctx)}), or check the DNS/proxy configuration that sent ${host} to this server.` },
    ];
    if (!ctx.conn.clientHello?.sni) out.push({ side: 'client', text: 'Send server_name (SNI): without it the server picks its default certificate.' });
    return out;
  },
};

export const certificateHostnameMismatchRule: Rule = {
  id: 'certificate-hostname-mismatch',
  evaluate(ctx) {
    const found = serverCertificateHypotheses(ctx, spec);
    if (found.length > 0) return found;
    // bad_certificate with the chain hidden (TLS 1.3): name mismatch is OpenSSL's usual reason, but Go sends it for everything.
    const r = serverCertificateRejection(ctx.conn);
    if (r?.kind !== 'alert' || r.code !== BAD_CERTIFICATE || chainVisible(ctx)) return hiddenChainHypotheses(ctx, spec);
    return [
      alertOnlyHypothesis(
        ctx, r, 'certificate-hostname-mismatch', 'low',
        `The client rejected the server's certificate with ${alertText(BAD_CERTIFICATE)}, which OpenSSL sends for a name mismatch; the certificate is encrypted (TLS 1.3) and cannot be checked.`,
        'bad_certificate is OpenSSL\'s alert for a name mismatch, but other stacks send it for any rejection and the chain cannot be read',
        [{ side: 'server', text: `Check that the certificate covers ${ctx.host ?? 'the name the client uses'}.` }],
      ),
    ];
  },
};
