/**
 * A connection that is not TLS on one side: what the other side answered is kept (nginx's plain
 * HTTP 400 page, a TLS alert, Python's bare HTML page), on the real captures of samples/ made
 * by samples/generate.sh, plus byte vectors for the shapes no sample holds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTlsConsumer } from '../../src/tls/connection-decoder.js';
import type { TlsConnectionModel } from '../../src/tls/model.js';
import { tcpStreams, type TcpStreamFixture } from './support/pcap-streams.js';
import { feed, infoFor, RecordingControl } from './support/feed.js';

const captures = path.resolve(__dirname, '../../samples/captures');
const s = fs.existsSync(captures) ? describe : describe.skip;

function decode(f: TcpStreamFixture): TlsConnectionModel {
  let model: TlsConnectionModel | null = null;
  const control = new RecordingControl();
  const c = createTlsConsumer(infoFor(f), control, { onEnd: (m) => (model = m) });
  feed(c, control, f, 1 << 20);
  return model!;
}

const sample = (name: string): TlsConnectionModel => decode(tcpStreams(path.join(captures, name))[0]!);

s('not TLS: the other side answer (samples/)', () => {
  it("nginx answers curl's plain HTTP request on its TLS port with a clear HTTP response", () => {
    const m = sample('http-client-to-tls-server-nginx.pcap');
    expect(m.notTls).toEqual({ lookedLike: 'HTTP/1.1 request', direction: 0, frame: 4, reply: { lookedLike: 'HTTP/1.x response', direction: 1, frame: 6 } });
  });

  it('openssl s_server answers a plain HTTP request with a bare FIN: no reply is recorded', () => {
    const m = sample('http-client-to-tls-server-openssl.pcap');
    expect(m.notTls).toEqual({ lookedLike: 'HTTP/1.1 request', direction: 0, frame: 4 });
  });

  it("Python's http.server answers a ClientHello with a bare HTML page (no status line): named as HTML, not unknown bytes", () => {
    const m = sample('tls-client-to-http-server-openssl.pcap');
    expect(m.clientHello?.frame).toBe(4);
    expect(m.notTls).toEqual({ lookedLike: 'HTML page (HTTP response without status line)', direction: 1, frame: 6 });
  });
});

describe('not TLS: the other side answer (byte vectors)', () => {
  const text = (t: string): Uint8Array => new TextEncoder().encode(t);
  const fixture = (reply: Uint8Array): TcpStreamFixture => ({
    clientPort: 40000, serverPort: 443, firstFrame: 1, lastFrame: 6, closes: [],
    segments: [
      { frame: 4, direction: 0, tsSec: 0, tsNsec: 0, payload: text('GET / HTTP/1.1\r\nHost: x\r\n\r\n') },
      { frame: 6, direction: 1, tsSec: 0, tsNsec: 0, payload: reply },
    ],
  });

  it('a TLS server that answers plain text with a clear alert is described with the alert', () => {
    const m = decode(fixture(Uint8Array.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32])));
    expect(m.notTls?.reply).toEqual({ lookedLike: 'TLS Alert record (fatal, decode_error)', direction: 1, frame: 6 });
  });

  it('only the first answer is described: the side is skipped after it', () => {
    const m = decode(fixture(text('<!DOCTYPE html><html><body>hi</body></html>')));
    expect(m.notTls?.reply).toEqual({ lookedLike: 'HTML page (HTTP response without status line)', direction: 1, frame: 6 });
    expect(m.messages).toEqual([]);
    expect(m.alerts).toEqual([]);
  });
});
