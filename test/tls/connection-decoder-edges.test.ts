/**
 * Decoder behaviour at the edges, on the real illustrated-tls12 / -tls13 streams altered the
 * way captures go wrong: bytes missing (holes, snaplen), a client giving up with an encrypted
 * alert after the server's TLS 1.3 flight, a server closing right after a short record.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTlsConsumer } from '../../src/tls/connection-decoder.js';
import type { TlsConnectionModel } from '../../src/tls/model.js';
import { describeNonTlsStart, classifyStreamStart } from '../../src/tls/stream-start.js';
import { tcpStreams, type TcpStreamFixture, type StreamSegment } from './support/pcap-streams.js';
import { infoFor, RecordingControl } from './support/feed.js';

const corpus = path.resolve(__dirname, '../../../shared/corpus');
const d = fs.existsSync(corpus) ? describe : describe.skip;

function run(f: TcpStreamFixture, steps: (c: ReturnType<typeof createTlsConsumer>) => void): TlsConnectionModel {
  let model: TlsConnectionModel | null = null;
  const c = createTlsConsumer(infoFor(f), new RecordingControl(), { onEnd: (m) => (model = m) });
  steps(c);
  c.end(infoFor(f));
  return model!;
}

const give = (c: ReturnType<typeof createTlsConsumer>, s: StreamSegment, from = 0, to = s.payload.length): void =>
  c.data(s.direction, s.payload, from, to - from, s.frame, s.tsSec, s.tsNsec);

d('gaps', () => {
  const f = (): TcpStreamFixture => tcpStreams(path.join(corpus, 'illustrated-tls12/capture.pcap'))[0]!;

  it('a hole inside the Certificate loses that message only; framing survives', () => {
    const fx = f();
    const server = fx.segments.find((s) => s.frame === 7)!;
    // ServerHello record is 5 + 49 bytes; the Certificate record starts at 54; cut 100 bytes inside it.
    const m = run(fx, (c) => {
      give(c, fx.segments[0]!);
      give(c, server, 0, 200);
      c.gap(1, 100, 8);
      give(c, { ...server, frame: 8 }, 300);
    });
    expect(m.messages.map((x) => [x.direction, x.type])).toEqual([[0, 1], [1, 2], [1, 12], [1, 14]]);
    expect(m.certificates).toEqual([]);
    expect(m.gaps).toEqual([{ direction: 1, frame: 8, bytes: 100 }]);
    expect(m.problems).toEqual([expect.objectContaining({ frame: 8, text: expect.stringContaining('handshake message of type 11') })]);
    expect(m.snaplenCut).toBe(false);
  });

  it('bytes cut by the snaplen (gap reported with the same frame) set snaplenCut', () => {
    const fx = f();
    const server = fx.segments.find((s) => s.frame === 7)!;
    const m = run(fx, (c) => {
      give(c, fx.segments[0]!);
      give(c, server, 0, 200);
      c.gap(1, server.payload.length - 200, 7);
    });
    expect(m.snaplenCut).toBe(true);
    expect(m.serverHello).not.toBeNull();
    expect(m.certificates).toEqual([]);
  });

  it('a gap across record boundaries stops the direction unless a record header follows', () => {
    const fx = f();
    const server = fx.segments.find((s) => s.frame === 7)!;
    const m = run(fx, (c) => {
      give(c, fx.segments[0]!);
      give(c, server, 0, 60);
      c.gap(1, 2000, 8);
      give(c, { ...server, frame: 8 }, 100);
    });
    expect(m.problems.map((p) => p.text).join('\n')).toMatch(/framing lost after a gap/);
    expect(m.serverHello).not.toBeNull();
  });
});

d('TLS 1.3 encrypted alerts inferred from size and position', () => {
  const f = (): TcpStreamFixture => tcpStreams(path.join(corpus, 'illustrated-tls13/capture.pcap'))[0]!;
  const shortRecord = (frame: number, direction: 0 | 1): StreamSegment => ({
    frame, direction, tsSec: 0, tsNsec: 0, payload: Uint8Array.from([0x17, 0x03, 0x03, 0x00, 0x13, ...new Array<number>(19).fill(0x5a)]),
  });

  it('the client answering the server flight with 19 bytes rejected it', () => {
    const fx = f();
    const m = run(fx, (c) => {
      give(c, fx.segments.find((s) => s.frame === 5)!);
      give(c, fx.segments.find((s) => s.frame === 7)!);
      give(c, shortRecord(9, 0));
      c.close({ direction: 0, kind: 'fin', frame: 10, tsSec: 0, tsNsec: 0 });
    });
    expect(m.alerts).toEqual([expect.objectContaining({ direction: 0, frame: 9, encrypted: true, inferredFrom: 'size-and-position', recordLength: 19 })]);
    expect(m.handshakeComplete).toBe(false);
    expect(m.encrypted[0].alerts).toBe(1);
    expect(m.encrypted[1].handshake).toBe(4);
  });

  it('a short server record right before its FIN becomes an alert, moved out of the counts', () => {
    const fx = f();
    const m = run(fx, (c) => {
      for (const s of fx.segments.filter((x) => x.frame <= 15)) give(c, s);
      give(c, shortRecord(17, 1));
      c.close({ direction: 1, kind: 'fin', frame: 19, tsSec: 0, tsNsec: 0 });
    });
    expect(m.handshakeComplete).toBe(true);
    expect(m.alerts).toEqual([expect.objectContaining({ direction: 1, frame: 17, inferredFrom: 'size-and-position' })]);
    expect(m.encrypted[1]).toMatchObject({ applicationData: 2, alerts: 1 });
  });
});

describe('stream start', () => {
  const b = (s: string): Uint8Array => new TextEncoder().encode(s);
  it('names what non-TLS first bytes look like', () => {
    const name = (s: string | Uint8Array): string => {
      const x = typeof s === 'string' ? b(s) : s;
      return describeNonTlsStart(x, 0, x.length);
    };
    expect(name('GET / HTTP/1.0\r\n')).toBe('HTTP/1.0 request');
    expect(name('POST /x HTTP/1.1\r\nHost: a\r\n')).toBe('HTTP/1.1 request');
    expect(name('HTTP/1.1 400 Bad Request\r\n')).toBe('HTTP/1.x response');
    expect(name('<!DOCTYPE HTML>\n<html lang="en">')).toBe('HTML page (HTTP response without status line)');
    expect(name('<html><head><title>400')).toBe('HTML page (HTTP response without status line)');
    // Not HTML: quoted as a line of text.
    expect(name('<?xml version="1.0"?>')).toBe('text line "<?xml version="1.0"?>"');
    expect(name('500 5.5.2 Error: command not recognized\r\n')).toBe('text line "500 5.5.2 Error: command not recognized"');
    expect(name(`${'x'.repeat(100)}\n`)).toBe(`text line "${'x'.repeat(80)}..."`);
    // ndpi/443-opvn.pcap frame 4: length 42, P_CONTROL_HARD_RESET_CLIENT_V2 (7 << 3), session id.
    const hardReset = new Uint8Array(44);
    hardReset.set([0x00, 0x2a, 0x38, 0xd6, 0x7b, 0xe4, 0x5b, 0xe5, 0xc2, 0x01, 0xeb, 0x01]);
    expect(name(hardReset)).toBe('OpenVPN over TCP (its TLS runs inside OpenVPN control packets: not decoded)');
    expect(name('SSH-2.0-OpenSSH_9.2\r\n')).toBe('SSH-2.0 banner');
    expect(name('220 mail.example.com ESMTP\r\n')).toBe('SMTP banner');
    expect(name('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n')).toBe('PROXY protocol header');
    expect(name(Uint8Array.from([0x47, 0x45, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]))).toBe('unknown (first bytes 47 45 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d)');
  });
  it('waits for 5 bytes of a plausible header, decides at once otherwise', () => {
    expect(classifyStreamStart(Uint8Array.from([0x16, 0x03]), 0, 2)).toBe('undecided');
    expect(classifyStreamStart(Uint8Array.from([0x16, 0x03, 0x01, 0x00, 0x05]), 0, 5)).toBe('tls-record');
    expect(classifyStreamStart(Uint8Array.from([0x16, 0x03, 0x01, 0x00, 0x00]), 0, 5)).toBe('not-tls');
    expect(classifyStreamStart(Uint8Array.from([0x16, 0x04]), 0, 2)).toBe('not-tls');
    expect(classifyStreamStart(b('GET '), 0, 4)).toBe('not-tls');
  });
});
