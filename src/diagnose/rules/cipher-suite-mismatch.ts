/** cipher-suite-mismatch: no cipher suite both sides accept. */
import { alertText, realSuites, suiteText } from '../describe.js';
import { abortEvidence, byFrame, clientHelloEvidence } from '../evidence.js';
import { isWeakSuite, serverRefusedHello } from '../hello-refusal.js';
import { chosenSuites } from '../peers.js';
import type { Confidence, Evidence, Rule } from '../types.js';
import { NO_HYPOTHESES } from '../types.js';

const HANDSHAKE_FAILURE = 40;
const INSUFFICIENT_SECURITY = 71;

export const cipherSuiteMismatchRule: Rule = {
  id: 'cipher-suite-mismatch',
  evaluate(ctx) {
    const refusal = serverRefusedHello(ctx.conn);
    if (!refusal) return NO_HYPOTHESES;
    const suites = realSuites(refusal.hello);
    const weakOnly = suites.length > 0 && suites.every(isWeakSuite);
    const chosen = chosenSuites(ctx.peers);
    const overlap = [...chosen.keys()].filter((s) => suites.includes(s));
    const disjoint = chosen.size > 0 && overlap.length === 0;
    const hasSni = refusal.hello.sni !== null;

    let confidence: Confidence | null = null;
    const whys: string[] = [];
    if (refusal.code === INSUFFICIENT_SECURITY) {
      confidence = 'high';
      whys.push('insufficient_security says the server wants stronger suites than the client offers');
    } else if (refusal.code === HANDSHAKE_FAILURE) {
      // Without server_name, handshake_failure is as likely an SNI refusal.
      confidence = weakOnly || disjoint ? 'high' : hasSni ? 'medium' : 'low';
      whys.push(hasSni ? 'handshake_failure right after a ClientHello that carries server_name' : 'handshake_failure right after a ClientHello, but without server_name an SNI refusal fits too');
    } else if (refusal.code === null && (weakOnly || disjoint)) {
      confidence = 'medium';
      whys.push('the server closed without an alert (SChannel resets on no shared cipher)');
    } else {
      return NO_HYPOTHESES;
    }
    const evidence: Evidence[] = [clientHelloEvidence(refusal.hello), abortEvidence(refusal.abort)];
    if (weakOnly) whys.push('every suite the client offers is weak (RC4, 3DES, DES, export, NULL, anonymous)');
    if (disjoint) {
      whys.push(`the same server chose ${[...chosen.keys()].map(suiteText).join(', ')} for other hellos, none of which this client offers`);
      for (const [s, id] of chosen) {
        const frame = ctx.peers.find((x) => x.id === id)!.accepted!.frame;
        evidence.push({ frame, text: `frame ${frame}: the same server chose ${suiteText(s)} for another hello (connection ${id})` });
      }
    } else if (overlap.length > 0) {
      confidence = confidence === 'high' ? 'medium' : 'low';
      whys.push(`but the same server chose ${suiteText(overlap[0]!)} elsewhere, which this client also offers`);
    }
    const shown = suites.slice(0, 6).map(suiteText).join(', ') + (suites.length > 6 ? `, ... (${suites.length} in all)` : '');
    return [
      {
        cause: 'cipher-suite-mismatch',
        abortedBy: 'server',
        confidence,
        summary: `The server refused the ClientHello${refusal.code !== null ? ` with ${alertText(refusal.code)}` : ' by closing the connection'}: none of the client's ${suites.length} cipher suites${weakOnly ? ' (all of them weak)' : ''} is acceptable to the server (or another offered parameter, such as groups or signature algorithms, is not).`,
        evidence: byFrame(evidence),
        remediation: [
          { side: 'client', text: `Offer current suites (ECDHE with AES-GCM or ChaCha20-Poly1305; TLS 1.3 suites). It offers: ${shown}.` },
          {
            side: 'server',
            text: disjoint
              ? `Enable at least one suite the client offers if that client must be served; the server's choices elsewhere were ${[...chosen.keys()].map(suiteText).join(', ')}.`
              : 'Compare the server cipher list (and curves, signature algorithms) with the client offer; enable a common suite if the client must be served.',
          },
        ],
        why: whys.join('; '),
      },
    ];
  },
};
