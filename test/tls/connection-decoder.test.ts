import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTlsConsumer } from '../../src/tls/connection-decoder.js';
import type { TlsConnectionModel } from '../../src/tls/model.js';
import { tcpStreams, type TcpStreamFixture } from './support/pcap-streams.js';
import { feed, infoFor, RecordingControl, type FeedLog } from './support/feed.js';

const corpus = path.resolve(__dirname, '../../../shared/corpus');
const d = fs.existsSync(corpus) ? describe : describe.skip;
if (!fs.existsSync(corpus)) console.warn(`corpus not found at ${corpus}: decoder tests over it are skipped`);

function decode(f: TcpStreamFixture, chunk: number, opts: { maxHandshakeBytes?: number; maxCertificates?: number } = {}): { model: TlsConnectionModel; log: FeedLog } {
  const control = new RecordingControl();
  let model: TlsConnectionModel | null = null;
  const consumer = createTlsConsumer(infoFor(f), control, { ...opts, onEnd: (m) => (model = m) });
  const log = feed(consumer, control, f, chunk);
  if (!model) throw new Error('onEnd not called');
  return { model, log };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const CHUNKS = [1, 7, 1 << 20];

d('TlsConnectionDecoder over illustrated-tls12 (TLS 1.2 ECDHE, full handshake)', () => {
  const fixture = (): TcpStreamFixture => tcpStreams(path.join(corpus, 'illustrated-tls12/capture.pcap'))[0]!;

  it.each(CHUNKS)('decodes the same model with %i-byte chunks', (chunk) => {
    const { model } = decode(fixture(), chunk);
    expect(model.kind).toBe('tls');
    expect(model.problems).toEqual([]);
    const ch = model.clientHello!;
    expect(ch.frame).toBe(5);
    expect(ch.recordVersion).toBe(0x0301);
    expect(ch.version).toBe(0x0303);
    expect(ch.sni).toBe('example.ulfheim.net');
    expect(ch.cipherSuites).toEqual([0xcca8, 0xcca9, 0xc02f, 0xc030, 0xc02b, 0xc02c, 0xc013, 0xc009, 0xc014, 0xc00a, 0x009c, 0x009d, 0x002f, 0x0035, 0xc012, 0x000a]);
    expect(ch.supportedGroups).toEqual([0x001d, 0x0017, 0x0018, 0x0019]);
    expect(ch.sslv2Format).toBe(false);
    // tls12.xargs.org: the client random is 00 01 02 .. 1f.
    expect(hex(ch.random)).toBe('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const sh = model.serverHello!;
    expect(sh.frame).toBe(7);
    expect(sh.cipherSuite).toBe(0xc013);
    expect(sh.selectedVersion).toBe(0x0303);
    expect(model.version).toBe(0x0303);
    expect(model.cipherSuite).toBe(0xc013);
    expect(model.messages.map((m) => [m.direction, m.type, m.frame])).toEqual([
      [0, 1, 5], [1, 2, 7], [1, 11, 7], [1, 12, 7], [1, 14, 7], [0, 16, 9], [0, -1, 9], [1, -1, 11],
    ]);
    expect(model.certificates).toHaveLength(1);
    expect(model.certificates[0]!.chain).toHaveLength(1);
    expect(model.certificates[0]!.chain[0]![0]).toBe(0x30);
    expect(model.certificates[0]!.chain[0]!.length).toBe(0x325);
    expect(model.serverKeyExchange).toMatchObject({ kind: 'ecdhe', group: 0x001d, signatureScheme: 0x0401, frame: 7 });
    expect(model.changeCipherSpec.map((c) => [c.direction, c.frame])).toEqual([[0, 9], [1, 11]]);
    expect(model.handshakeComplete).toBe(true);
    expect(model.completedFrame).toBe(11);
    expect(model.encrypted[0]).toMatchObject({ handshake: 1, applicationData: 1, alerts: 1, firstApplicationDataFrame: 13 });
    expect(model.encrypted[1]).toMatchObject({ handshake: 1, applicationData: 1, alerts: 0, firstApplicationDataFrame: 15 });
    expect(model.alerts).toEqual([expect.objectContaining({ direction: 0, frame: 17, encrypted: true, inferredFrom: 'content-type', level: null, recordLength: 48 })]);
    expect(model.recordVersions).toEqual([[0x0301, 0x0303], [0x0303]]);
    expect(model.resumption).toBeNull();
    expect(model.renegotiation).toBe(false);
    expect(model.gaps).toEqual([]);
  });

  it('skips encrypted bodies through the control and never receives them', () => {
    // With 1-byte chunks the header ends a chunk, so each encrypted body is skipped whole.
    const exact = decode(fixture(), 1).log.skips;
    expect(exact.map((s) => [s.direction, s.n])).toEqual([[0, 64], [1, 64], [0, 48], [1, 48], [0, 48]]);
    // With 7-byte chunks, the body bytes sharing the header's chunk are passed over in place.
    const { log } = decode(fixture(), 7);
    const total = [0, 1].map((dir) => log.skips.filter((s) => s.direction === dir).reduce((a, s) => a + s.n, 0));
    expect(total[0]).toBeGreaterThanOrEqual(160 - 3 * 6);
    expect(total[0]).toBeLessThanOrEqual(160);
    expect(total[1]).toBeGreaterThanOrEqual(112 - 2 * 6);
  });
});

d('TlsConnectionDecoder over illustrated-tls13 (TLS 1.3, encrypted flight)', () => {
  const fixture = (): TcpStreamFixture => tcpStreams(path.join(corpus, 'illustrated-tls13/capture.pcap'))[0]!;

  it.each(CHUNKS)('follows the handshake with %i-byte chunks', (chunk) => {
    const { model } = decode(fixture(), chunk);
    expect(model.problems).toEqual([]);
    const ch = model.clientHello!;
    expect(ch.supportedVersions).toEqual([0x0304]);
    expect(ch.keyShareGroups).toEqual([0x001d]);
    expect(ch.pskKeyExchangeModes).toEqual([1]);
    expect(ch.cipherSuites).toEqual([0x1302, 0x1303, 0x1301, 0x00ff]);
    const sh = model.serverHello!;
    expect(sh.version).toBe(0x0303);
    expect(sh.selectedVersion).toBe(0x0304);
    expect(sh.keyShareGroup).toBe(0x001d);
    expect(sh.helloRetryRequest).toBe(false);
    expect(model.version).toBe(0x0304);
    expect(model.cipherSuite).toBe(0x1302);
    // Server: ServerHello + compat CCS + 4 encrypted records (EE, Cert, CV, Finished) in frame 7.
    expect(model.messages.map((m) => [m.direction, m.type, m.frame])).toEqual([
      [0, 1, 5], [1, 2, 7], [1, -1, 7], [1, -1, 7], [1, -1, 7], [1, -1, 7], [0, -1, 9],
    ]);
    expect(model.changeCipherSpec.map((c) => [c.direction, c.frame])).toEqual([[1, 7], [0, 9]]);
    expect(model.handshakeComplete).toBe(true);
    expect(model.completedFrame).toBe(9);
    // The 21-byte "pong" before the server's FIN is application data, not an alert (decrypted view).
    expect(model.alerts).toEqual([]);
    expect(model.encrypted[1]).toMatchObject({ handshake: 4, applicationData: 3, alerts: 0, firstApplicationDataFrame: 13 });
    expect(model.encrypted[0]).toMatchObject({ handshake: 1, applicationData: 1, firstApplicationDataFrame: 11 });
    expect(model.resumption).toBeNull();
  });
});

d('TlsConnectionDecoder: not TLS, no payload', () => {
  it("names an HTTP request, describes the server's first answer, and only watches the rest for a ClientHello", () => {
    const f: TcpStreamFixture = {
      clientPort: 40000, serverPort: 443, firstFrame: 1, lastFrame: 6, closes: [],
      segments: [
        { frame: 4, direction: 0, tsSec: 0, tsNsec: 0, payload: new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n') },
        { frame: 6, direction: 1, tsSec: 0, tsNsec: 0, payload: new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n\r\n') },
      ],
    };
    const { model, log } = decode(f, 1 << 20);
    expect(model.kind).toBe('not-tls');
    expect(model.notTls).toEqual({ lookedLike: 'HTTP/1.1 request', direction: 0, frame: 4, reply: { lookedLike: 'HTTP/1.x response', direction: 1, frame: 6 } });
    // Both sides stay watched (bounded) for TLS starting after a plain exchange; nothing is decoded.
    expect(log.skips).toEqual([]);
    expect(model.plaintextPreamble).toBeNull();
    expect(model.messages).toEqual([]);
  });

  it('reports no-payload when no byte flowed', () => {
    const control = new RecordingControl();
    let model: TlsConnectionModel | null = null;
    const f: TcpStreamFixture = { clientPort: 1, serverPort: 2, firstFrame: 1, lastFrame: 3, closes: [], segments: [] };
    createTlsConsumer(infoFor(f), control, { onEnd: (m) => (model = m) }).end(infoFor(f));
    expect(model!.kind).toBe('no-payload');
  });
});
