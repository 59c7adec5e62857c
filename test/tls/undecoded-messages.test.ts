/**
 * Handshake messages the decoder begins but cannot decode are recorded in
 * `undecodedMessages` and reported where their header was read: one over the size cap at once
 * (its declared end may lie megabytes past the end of the capture), one cut by holes with every
 * hole's frame and the bytes lost. On the real illustrated-tls12 stream (its first client segment
 * holds the whole ClientHello record).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTlsConsumer, type TlsConsumerOptions } from '../../src/tls/connection-decoder.js';
import type { TlsConnectionModel } from '../../src/tls/model.js';
import { tcpStreams, type TcpStreamFixture, type StreamSegment } from './support/pcap-streams.js';
import { infoFor, RecordingControl } from './support/feed.js';

const corpus = path.resolve(__dirname, '../../../shared/corpus');
const d = fs.existsSync(corpus) ? describe : describe.skip;
if (!fs.existsSync(corpus)) console.warn(`undecoded-message tests skipped: no corpus at ${corpus}`);

type Consumer = ReturnType<typeof createTlsConsumer>;

function run(f: TcpStreamFixture, options: Partial<TlsConsumerOptions>, steps: (c: Consumer) => void): TlsConnectionModel {
  let model: TlsConnectionModel | null = null;
  const c = createTlsConsumer(infoFor(f), new RecordingControl(), { ...options, onEnd: (m) => (model = m) });
  steps(c);
  c.end(infoFor(f));
  return model!;
}

const give = (c: Consumer, s: StreamSegment, from = 0, to = s.payload.length, frame = s.frame): void =>
  c.data(s.direction, s.payload, from, to - from, frame, s.tsSec, s.tsNsec);

d('undecoded handshake messages', () => {
  const fixture = (): TcpStreamFixture => tcpStreams(path.join(corpus, 'illustrated-tls12/capture.pcap'))[0]!;
  const helloSegment = (f: TcpStreamFixture): StreamSegment => f.segments.find((s) => s.direction === 0)!;

  it('a ClientHello over the cap is reported at its header, though its body never arrives', () => {
    const f = fixture();
    const hello = helloSegment(f);
    const declared = (hello.payload[6]! << 16) | (hello.payload[7]! << 8) | hello.payload[8]!;
    // Record header + handshake header + 11 body bytes: the rest of the message is never given.
    const m = run(f, { maxHandshakeBytes: 100 }, (c) => give(c, hello, 0, 20));
    expect(declared).toBeGreaterThan(100);
    expect(m.problems[0]).toEqual({
      frame: hello.frame,
      text: `client handshake message of type 1 (client_hello) declares ${declared} bytes, over the 100-byte cap: not decoded, its body is skipped`,
    });
    expect(m.messages.map((x) => [x.direction, x.type, x.length])).toEqual([[0, 1, declared]]);
    expect(m.undecodedMessages).toEqual([
      { direction: 0, type: 1, length: declared, reason: 'too-large', firstFrame: hello.frame, lastFrame: null, missingBytes: 0, gapFrames: [], cap: 100 },
    ]);
    expect(m.clientHello).toBeNull();
  });

  it('a message over the cap read to its end is reported once, and the stream goes on', () => {
    const f = fixture();
    const m = run(f, { maxHandshakeBytes: 100 }, (c) => {
      for (const s of f.segments) give(c, s);
    });
    const hello = helloSegment(f);
    expect(m.problems.filter((p) => /client_hello/.test(p.text))).toHaveLength(1);
    expect(m.undecodedMessages![0]).toMatchObject({ type: 1, reason: 'too-large', firstFrame: hello.frame, lastFrame: hello.frame });
    // The server's ServerHello (under 100 bytes) is still decoded after the skipped hello.
    expect(m.serverHello).not.toBeNull();
  });

  it('holes inside the ClientHello: one record for the message, with each hole and the bytes lost', () => {
    const f = fixture();
    const hello = helloSegment(f);
    const m = run(f, {}, (c) => {
      give(c, hello, 0, 40);
      c.gap(0, 30, 20);
      give(c, hello, 70, 120, 20);
      c.gap(0, 20, 21);
      give(c, hello, 140, hello.payload.length, 21);
    });
    expect(m.clientHello).toBeNull();
    expect(m.messages.filter((x) => x.direction === 0)).toEqual([]);
    expect(m.undecodedMessages).toEqual([
      { direction: 0, type: 1, length: hello.payload.length - 9, reason: 'gap', firstFrame: hello.frame, lastFrame: 21, missingBytes: 50, gapFrames: [20, 21], cap: null },
    ]);
    expect(m.problems.map((p) => [p.frame, p.text])).toEqual([
      [20, `30 bytes missing inside a client handshake message of type 1 (client_hello, header in frame ${hello.frame}): the message is lost`],
      [21, `20 bytes missing inside a client handshake message of type 1 (client_hello, header in frame ${hello.frame}): the message is lost`],
    ]);
  });

  it('a hole that runs to the end of the message closes its record at the hole', () => {
    const f = fixture();
    const hello = helloSegment(f);
    const m = run(f, {}, (c) => {
      give(c, hello, 0, 40);
      c.gap(0, hello.payload.length - 40, 20);
    });
    expect(m.undecodedMessages).toEqual([expect.objectContaining({ type: 1, reason: 'gap', missingBytes: hello.payload.length - 40, gapFrames: [20], lastFrame: 20 })]);
  });
});
