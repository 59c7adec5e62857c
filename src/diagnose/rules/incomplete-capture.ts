/** incomplete-capture: the capture misses the part of the handshake needed to tell. */
import { alertText, sideOf } from '../describe.js';
import { abortEvidence } from '../evidence.js';
import { findAbort, sideSilent } from '../handshake-state.js';
import type { Evidence, Hypothesis, Rule, RuleContext } from '../types.js';

function describeMissing(ctx: RuleContext): { text: string; frame: number } {
  const c = ctx.conn;
  if (c.kind === 'no-payload') {
    const fin = c.tcp.closes.find((x) => x.direction === 0);
    return fin
      ? { text: 'The client opened the TCP connection and closed it without sending a ClientHello (a port check, or a client that gave up).', frame: fin.frame }
      : { text: 'No payload and no answer are in the capture: the TCP connection was not answered (or the capture missed the reply).', frame: c.tcp.firstFrame };
  }
  if (!c.clientHello) return { text: 'The capture starts after the ClientHello: the handshake is not in it.', frame: c.tcp.firstFrame };
  if (sideSilent(c, 'server')) return { text: "The capture holds only the client's side of the connection (asymmetric routing or a capture filter on one direction).", frame: c.clientHello.frame };
  if (sideSilent(c, 'client')) return { text: "The capture holds only the server's side of the connection.", frame: c.tcp.firstFrame };
  const gap = c.gaps[0];
  if (gap) return { text: `The capture misses ${gap.bytes} bytes of the ${sideOf(gap.direction)}'s stream before frame ${gap.frame}, inside the handshake.`, frame: gap.frame };
  if (c.snaplenCut) return { text: 'The capture cut packets short (snapshot length): handshake messages are truncated.', frame: c.tcp.firstFrame };
  return { text: `The capture ends in the middle of the handshake (last frame ${c.tcp.lastFrame}), before either side finished or closed.`, frame: c.tcp.lastFrame };
}

const REMEDY_CAPTURE = [
  { side: 'client' as const, text: 'Capture again from before the connection starts, both directions, full packets: tcpdump -i any -s 0 -w out.pcap host <server>.' },
];

export const incompleteCaptureRule: Rule = {
  id: 'incomplete-capture',
  evaluate(ctx) {
    const c = ctx.conn;
    const out: Hypothesis[] = [];
    if (ctx.outcome === 'incomplete') {
      const m = describeMissing(ctx);
      out.push({ cause: 'incomplete-capture', abortedBy: null, confidence: 'high', summary: m.text, evidence: [{ frame: m.frame, text: `frame ${m.frame}: ${m.text}` }], remediation: REMEDY_CAPTURE, why: 'the capture does not show how the handshake ended' });
      return out;
    }
    if (ctx.outcome !== 'failed') return out;
    const abort = findAbort(c);
    if (!c.clientHello && c.kind === 'tls') {
      // A fatal alert proves the failure, but the hello that would explain it is not captured.
      out.push({
        cause: 'incomplete-capture',
        abortedBy: abort ? abort.by : null,
        confidence: 'medium',
        summary: `The handshake failed${abort?.alert?.description != null ? ` (the ${abort.by} sent ${alertText(abort.alert.description)})` : ''}, but the capture starts after the ClientHello, which would tell why.`,
        evidence: abort ? [abortEvidence(abort)] : [],
        remediation: REMEDY_CAPTURE,
        why: 'the ClientHello is not in the capture',
      });
      return out;
    }
    // The handshake failed, but part of it is missing from the capture before the abort.
    const limit = abort?.frame ?? c.tcp.lastFrame;
    const gap = c.gaps.find((g) => g.frame <= limit);
    const unparseable = ctx.serverChain?.problems.find((p) => p.kind === 'unparseable');
    const evidence: Evidence[] = [];
    if (gap) evidence.push({ frame: gap.frame, text: `frame ${gap.frame}: ${gap.bytes} bytes of the ${sideOf(gap.direction)}'s stream are missing from the capture` });
    if (c.snaplenCut) evidence.push({ frame: c.tcp.firstFrame, text: `frame ${c.tcp.firstFrame}: packets of this connection are cut short by the capture's snapshot length` });
    if (unparseable) evidence.push({ frame: c.certificates.find((x) => x.direction === 1)?.frame ?? limit, text: `the server certificate cannot be read: ${unparseable.detail}` });
    if (evidence.length === 0) return out;
    out.push({
      cause: 'incomplete-capture',
      abortedBy: abort ? abort.by : null,
      confidence: 'medium',
      summary: `The handshake failed, but the capture misses part of it${gap ? ` (${gap.bytes} bytes before frame ${gap.frame})` : ' (packets cut by the snapshot length)'}: what remains does not show why.`,
      evidence: evidence.sort((a, b) => a.frame - b.frame),
      remediation: REMEDY_CAPTURE,
      why: 'bytes of the handshake are missing from the capture before the point of failure',
    });
    return out;
  },
};
