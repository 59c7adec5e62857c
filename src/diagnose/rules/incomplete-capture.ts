/** incomplete-capture: the capture misses the part of the handshake needed to tell. */
import { alertText, sideOf } from '../describe.js';
import { abortEvidence } from '../evidence.js';
import { findAbort, firstClose, sideSilent } from '../handshake-state.js';
import type { TlsConnectionModel, UndecodedMessageModel } from '../../tls/model.js';
import type { Evidence, Hypothesis, Remedy, Rule, RuleContext } from '../types.js';
import { NO_HYPOTHESES } from '../types.js';

const CLIENT_HELLO = 1;

/**
 * The ClientHello when the capture holds it but it could not be decoded (cut by holes, or
 * over the size cap): then the capture did not start after it, and saying so would be false.
 */
export function undecodedClientHello(c: TlsConnectionModel): UndecodedMessageModel | null {
  if (c.clientHello) return null;
  return c.undecodedMessages?.find((m) => m.direction === 0 && m.type === CLIENT_HELLO) ?? null;
}

const frames = (list: number[]): string => (list.length === 1 ? `frame ${list[0]}` : `frames ${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`);

/** "The ClientHello (frames 8-20) lost 1500 of its 3,086 bytes to 3 holes before frames 12, 16 and 20" and the like. */
function undecodedHelloText(m: UndecodedMessageModel): string {
  if (m.reason === 'too-large') {
    return `the ClientHello (header in frame ${m.firstFrame}) declares ${m.length} bytes, over the analyzer's ${m.cap ?? 'size'}-byte cap, so it was not decoded and what the client offered is unknown`;
  }
  const span = m.lastFrame !== null && m.lastFrame !== m.firstFrame ? `frames ${m.firstFrame}-${m.lastFrame}` : `frame ${m.firstFrame}`;
  const holes = m.gapFrames.length === 1 ? 'a hole' : `${m.gapFrames.length} holes`;
  return `the ClientHello (${span}) is in the capture but lost ${m.missingBytes} of its ${m.length} bytes to ${holes} (before ${frames(m.gapFrames)}), so it cannot be decoded and what the client offered is unknown`;
}

function undecodedHelloEvidence(m: UndecodedMessageModel, c: TlsConnectionModel): Evidence[] {
  if (m.reason === 'too-large') {
    return [{ frame: m.firstFrame, text: `frame ${m.firstFrame}: the ClientHello header declares ${m.length} bytes (cap ${m.cap ?? '?'}): its body was skipped unread` }];
  }
  const out: Evidence[] = [{ frame: m.firstFrame, text: `frame ${m.firstFrame}: the ClientHello begins (${m.length} bytes declared)` }];
  for (const f of m.gapFrames) {
    const gap = c.gaps.find((g) => g.direction === 0 && g.frame === f);
    out.push({ frame: f, text: `frame ${f}: ${gap ? `${gap.bytes} bytes` : 'bytes'} of the client's stream before this frame are missing from the capture, inside the ClientHello` });
  }
  return out;
}

function undecodedHelloRemedy(m: UndecodedMessageModel): Remedy[] {
  if (m.reason === 'too-large') {
    return [
      { side: 'client', text: `A ClientHello of ${m.length} bytes is not what a TLS stack sends (they stay within a few KB): check what the client sends on this port.` },
      { side: 'client', text: 'If the message is genuine, analyze again with a larger caps.maxHandshakeBytes.' },
    ];
  }
  return [
    { side: 'client', text: 'Segments of the ClientHello are missing (dropped by the capture, or their sequence numbers rewritten by a middlebox): capture again closer to the client, both directions, full packets: tcpdump -i any -s 0 -w out.pcap host <server>.' },
  ];
}

function describeMissing(ctx: RuleContext): { text: string; frame: number } {
  const c = ctx.conn;
  if (c.kind === 'no-payload') {
    const fin = firstClose(c, 'client');
    return fin
      ? { text: 'The client opened the TCP connection and closed it without sending a ClientHello (a port check, or a client that gave up).', frame: fin.frame }
      : { text: 'No payload and no answer are in the capture: the TCP connection was not answered (or the capture missed the reply).', frame: c.tcp.firstFrame };
  }
  const hello = undecodedClientHello(c);
  if (hello) return { text: `The handshake cannot be judged: ${undecodedHelloText(hello)}.`, frame: hello.gapFrames[0] ?? hello.firstFrame };
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
    // A connection that is neither incomplete nor failed has nothing missing to tell of.
    if (ctx.outcome !== 'incomplete' && ctx.outcome !== 'failed') return NO_HYPOTHESES;
    const c = ctx.conn;
    const out: Hypothesis[] = [];
    const hello = undecodedClientHello(c);
    if (ctx.outcome === 'incomplete') {
      const m = describeMissing(ctx);
      out.push({
        cause: 'incomplete-capture',
        abortedBy: null,
        confidence: 'high',
        summary: m.text,
        evidence: hello ? undecodedHelloEvidence(hello, c) : [{ frame: m.frame, text: `frame ${m.frame}: ${m.text}` }],
        remediation: hello ? undecodedHelloRemedy(hello) : REMEDY_CAPTURE,
        why: hello ? 'the ClientHello is in the capture but cannot be decoded' : 'the capture does not show how the handshake ended',
      });
      return out;
    }
    if (ctx.outcome !== 'failed') return out;
    const abort = findAbort(c);
    if (hello) {
      const sent = abort?.alert?.description != null ? ` (the ${abort.by} sent ${alertText(abort.alert.description)})` : '';
      out.push({
        cause: 'incomplete-capture',
        abortedBy: abort ? abort.by : null,
        confidence: 'medium',
        summary: `The handshake failed${sent}, but ${undecodedHelloText(hello)}.`,
        evidence: [...undecodedHelloEvidence(hello, c), ...(abort ? [abortEvidence(abort)] : [])].sort((a, b) => a.frame - b.frame),
        remediation: undecodedHelloRemedy(hello),
        why: 'the ClientHello is in the capture but cannot be decoded',
      });
      return out;
    }
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
