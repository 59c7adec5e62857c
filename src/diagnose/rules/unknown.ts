/**
 * unknown: the handshake failed and the capture does not show why. Always offered for a failed
 * handshake (with the best account of how it ended), so that a weak guess never stands alone;
 * medium when the alert names a reason that no cause id covers (revocation, a protocol error,
 * ALPN, a refused fallback) or when the client rejected a certificate the analyzer finds sound.
 */
import { alertText } from '../describe.js';
import { abortEvidence, byFrame } from '../evidence.js';
import { findAbort, isTls13, serverAbortAfterClientFlight } from '../handshake-state.js';
import { serverCertificateRejection } from '../server-certificate.js';
import { actionText, whenText } from '../story.js';
import type { Confidence, Hypothesis, Remedy, Rule, RuleContext } from '../types.js';
import { NO_HYPOTHESES } from '../types.js';

/**
 * TLS 1.3 completed, then the client left at once without a byte of data: curl and node check
 * the certificate name after the handshake and just close. The certificate is encrypted, so
 * which check failed cannot be seen.
 */
function droppedAfterHiddenHandshake(ctx: RuleContext): readonly Hypothesis[] {
  const r = serverCertificateRejection(ctx.conn);
  if (!r || r.kind !== 'post-handshake' || ctx.serverChain || !isTls13(ctx.conn)) return NO_HYPOTHESES;
  return [
    {
      cause: 'unknown',
      abortedBy: 'client',
      confidence: 'low',
      summary: 'The TLS 1.3 handshake completed, then the client closed at once without sending any data: most likely it rejected the server certificate after the handshake (curl and node check the name then), which cannot be read without keys.',
      evidence: byFrame([abortEvidence(r.abort)]),
      remediation: [
        { side: 'client', text: "Read the client's error (e.g. curl -v): it names the failed certificate check." },
        { side: 'server', text: 'Check the certificate served for this name: subjectAltName, expiry, chain (openssl s_client -connect host:port -servername name -showcerts).' },
      ],
      why: 'a client that accepted the server would have sent its request; TLS 1.3 hides the certificate',
    },
  ];
}

/**
 * What a clear certificate alert says when the certificate itself is hidden (TLS 1.3), from
 * OpenSSL's ssl_x509err2alert and DESIGN.md's stack table.
 */
const HIDDEN_ALERT_READING: Readonly<Record<number, string>> = {
  42: 'it rejected the server certificate (bad_certificate: OpenSSL sends it for a name mismatch or a not-yet-valid certificate, Go and GnuTLS for any failed check)',
  43: 'it rejected the server certificate as unsupported (unsupported_certificate: OpenSSL sends it for a wrong key usage or purpose)',
  45: 'it rejected the server certificate as expired or not yet valid (certificate_expired)',
  46: 'it rejected the server certificate (certificate_unknown: JSSE and Chrome send it for any failed check)',
  48: 'it found no path from the server certificate to a root it trusts (unknown_ca: an untrusted or private root, a missing intermediate, or a broken chain)',
  51: 'a signature of the server chain did not verify (decrypt_error: a wrong intermediate or a corrupted chain)',
};

/** Alerts that name something no cause id covers: what they mean and who fixes what. */
const NAMED: Readonly<Record<number, { meaning: string; fix: Remedy[] }>> = {
  10: { meaning: 'a message arrived out of order (a protocol error or an interfering middlebox)', fix: [{ side: 'server', text: 'Check for middleboxes (TLS inspection, load balancers) rewriting the handshake; update the TLS stacks.' }] },
  20: { meaning: 'a record failed integrity checks (keys differ: a middlebox, a bug, or corrupted traffic)', fix: [{ side: 'server', text: 'Check for middleboxes altering traffic and for known bugs of the TLS stack versions in use.' }] },
  44: { meaning: 'the certificate is revoked according to the peer', fix: [{ side: 'server', text: 'Replace the revoked certificate.' }] },
  47: { meaning: 'a handshake field had a value the peer refuses (illegal_parameter)', fix: [{ side: 'client', text: 'Update the TLS library of both sides; compare the hello with a working client.' }] },
  50: { meaning: 'a message could not be decoded (decode_error): a malformed or truncated message', fix: [{ side: 'client', text: 'Update the TLS library; check for middleboxes altering the handshake.' }] },
  80: { meaning: "the peer hit an internal error (internal_error): see that side's log", fix: [{ side: 'server', text: "Read the log of the side that sent internal_error at that time." }] },
  86: { meaning: 'the client retried with a lower version (TLS_FALLBACK_SCSV) after an earlier attempt failed, and the server refused the downgrade', fix: [{ side: 'client', text: "Look for this client's earlier failed connection: its cause is the real one." }] },
  109: { meaning: 'a mandatory extension is missing', fix: [{ side: 'client', text: 'Update the client TLS library.' }] },
  110: { meaning: 'an extension was not expected (unsupported_extension)', fix: [{ side: 'client', text: 'Update the TLS library of both sides.' }] },
  120: { meaning: 'no application protocol (ALPN) in common', fix: [{ side: 'server', text: 'Enable one of the ALPN protocols the client offers (e.g. http/1.1, h2), or have the client offer what the server supports.' }] },
};

export const unknownRule: Rule = {
  id: 'unknown',
  evaluate(ctx) {
    const c = ctx.conn;
    if (ctx.outcome === 'established') return droppedAfterHiddenHandshake(ctx);
    if (ctx.outcome !== 'failed') return NO_HYPOTHESES;
    const a = serverAbortAfterClientFlight(c) ?? findAbort(c);
    if (!a) return NO_HYPOTHESES;
    let confidence: Confidence = 'low';
    let summary = `The handshake failed: ${actionText(a)} ${whenText(a)}; the capture does not show why.`;
    let remediation: Remedy[] = [{ side: a.by, text: `Read the ${a.by}'s log at ${new Date(a.tsSec * 1000).toISOString()} for the reason it gave up.` }];
    let why = 'no cause fits the facts of the capture';
    const code = a.kind === 'alert' ? a.alert!.description! : null;
    const named = code !== null ? NAMED[code] : undefined;
    const rejection = serverCertificateRejection(c);
    const afterClientFlight = serverAbortAfterClientFlight(c) !== null;
    if (afterClientFlight && !named) {
      summary = `The server aborted (${actionText(a).replace(/^the server /, '')}) right after the client's final TLS 1.3 flight, so the client believed the handshake complete: most likely mutual TLS refused the client (certificate missing or rejected), which cannot be seen without keys.`;
      why = 'the server turned the client down after its final flight; TLS 1.3 hides the CertificateRequest and the client Certificate';
      remediation = [
        { side: 'server', text: "Read the server's log at that time for the client-certificate verification error." },
        { side: 'client', text: 'Check that the client is configured with a certificate and key the server accepts.' },
      ];
    } else if (named) {
      confidence = 'medium';
      summary = `The ${a.by} aborted with ${alertText(code!)} ${whenText(a)}: ${named.meaning}.`;
      remediation = named.fix;
      why = `the alert ${alertText(code!)} names a reason no cause id covers`;
    } else if (rejection && rejection.kind !== 'post-handshake' && a.by === 'client') {
      const alert = rejection.code !== null ? ` with ${alertText(rejection.code)}` : '';
      if (!ctx.serverChain) {
        // The client's verdict on the certificate is certain, its reason hidden: "unknown" at
        // medium, with each certificate check as a low alternative (hiddenChainHypotheses).
        confidence = 'medium';
        const reading = rejection.code !== null ? (HIDDEN_ALERT_READING[rejection.code] ?? 'it rejected the server certificate') : 'most likely it rejected the server certificate (name, trust, chain or validity)';
        summary = `The client aborted${alert || (rejection.kind === 'silent-close' ? ' without an alert' : '')} right after the server's ${c.certificates.length === 0 ? 'encrypted ' : ''}flight: ${reading}; TLS 1.3 encrypts the certificate, so which check failed cannot be seen without keys.`;
        why = 'the client turned the server flight down, but the certificate is hidden';
        remediation = [
          { side: 'server', text: 'Check the certificate chain the server sends for this name (openssl s_client -connect host:port -servername name -showcerts): expiry, name, intermediates.' },
          { side: 'client', text: "Read the client's error (e.g. curl -v) for the verification error." },
        ];
      } else if (ctx.serverChain.problems.filter((p) => p.kind !== 'wrong-order').length === 0 && rejection.kind === 'alert') {
        confidence = 'medium';
        summary = `The client rejected the server certificate${alert}, but the chain is valid at capture time, complete, trusted by the analyzer's store and matches ${ctx.host ?? 'the name'}: the client applies its own policy (pinning, revocation, key size, its own trust store).`;
        why = "the client's alert is a certificate rejection and no certificate fact explains it";
        remediation = [
          { side: 'client', text: "Check the client's trust store, pinning and revocation settings; its log names the failed check." },
          { side: 'server', text: 'Check that the same certificate is served to every client (SNI, several listeners).' },
        ];
      } else if (ctx.serverChain.problems.filter((p) => p.kind !== 'wrong-order').length === 0) {
        confidence = 'medium';
        summary = `The client gave up${rejection.kind === 'silent-close' ? ' without an alert' : ' with an unreadable alert'} right after the server's certificate, which is valid at capture time, complete, trusted by the analyzer's store and matches ${ctx.host ?? 'the name'}: the client most likely applies its own policy (its trust store, pinning, revocation).`;
        why = 'the client stopped right after the server certificate, and no certificate fact explains it';
        remediation = [
          { side: 'client', text: "Read the client's error at that time: it names the failed check (trust store, pinning, revocation)." },
          { side: 'server', text: 'Check that the same certificate is served to every client (SNI, several listeners).' },
        ];
      }
    }
    return [{ cause: 'unknown', abortedBy: a.by, confidence, summary, evidence: byFrame([abortEvidence(a)]), remediation, why }];
  },
};
