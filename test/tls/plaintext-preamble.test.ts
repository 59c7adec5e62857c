/**
 * TLS after a plain preamble (STARTTLS, proxies, database SSL requests), byte vectors: the
 * ClientHello-start recogniser, the naming of the preamble, and the decoder's watch (where TLS
 * starts on each side, the bounds, a plain answer to a ClientHello, headers split across chunks).
 */
import { classifyClientHelloStart } from '../../src/tls/client-hello-start.js';
import { describePreamble, PREAMBLE_MAX_CHUNKS, PreambleSide } from '../../src/tls/plaintext-preamble.js';
import { createTlsConsumer } from '../../src/tls/connection-decoder.js';
import type { TlsConnectionModel } from '../../src/tls/model.js';
import type { StreamSegment, TcpStreamFixture } from './support/pcap-streams.js';
import { feed, infoFor, RecordingControl, type FeedLog } from './support/feed.js';

const text = (t: string): Uint8Array => new TextEncoder().encode(t);
const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const u16 = (n: number): number[] => [n >> 8, n & 0xff];
const u24 = (n: number): number[] => [n >> 16, (n >> 8) & 0xff, n & 0xff];

/** A TLS 1.2 ClientHello record offering one suite, with server_name `sni` (RFC 5246 §7.4.1.2, RFC 6066 §3). */
function clientHello(sni: string, recordVersion = 0x0301): Uint8Array {
  const name = text(sni);
  const serverName = [0, ...u16(name.length), ...name];
  const ext = [0x00, 0x00, ...u16(serverName.length + 2), ...u16(serverName.length), ...serverName];
  const body = [0x03, 0x03, ...new Array<number>(32).fill(7), 0, ...u16(2), 0xc0, 0x2f, 1, 0, ...u16(ext.length), ...ext];
  const hs = [1, ...u24(body.length), ...body];
  return bytes(22, ...u16(recordVersion), ...u16(hs.length), ...hs);
}

/** A TLS 1.2 ServerHello record choosing 0xc02f. */
function serverHello(): Uint8Array {
  const body = [0x03, 0x03, ...new Array<number>(32).fill(9), 0, 0xc0, 0x2f, 0];
  const hs = [2, ...u24(body.length), ...body];
  return bytes(22, 3, 3, ...u16(hs.length), ...hs);
}

/** An SSLv2-compatible CLIENT-HELLO (RFC 5246 appendix E.2) with one cipher spec and a 16-byte challenge. */
function sslv2Hello(): Uint8Array {
  const body = [1, 3, 1, ...u16(3), ...u16(0), ...u16(16), 0x00, 0x00, 0x2f, ...new Array<number>(16).fill(5)];
  return bytes(0x80 | (body.length >> 8), body.length & 0xff, ...body);
}

describe('classifyClientHelloStart', () => {
  const hello = clientHello('mail.example.com');

  it('recognises a whole ClientHello record, and the SSLv2-compatible hello', () => {
    expect(classifyClientHelloStart(hello, 0, hello.length)).toBe('tls');
    const v2 = sslv2Hello();
    expect(classifyClientHelloStart(v2, 0, v2.length)).toBe('sslv2');
  });

  it('asks for more bytes while a prefix is still consistent, and decides as soon as one byte is wrong', () => {
    for (let n = 1; n < 11; n++) expect(classifyClientHelloStart(hello, 0, n)).toBe('need-more');
    expect(classifyClientHelloStart(hello, 0, 11)).toBe('tls');
    expect(classifyClientHelloStart(bytes(22, 4), 0, 2)).toBe('no');
    expect(classifyClientHelloStart(bytes(22, 3, 5), 0, 3)).toBe('no');
    // A handshake record that is not a ClientHello (a ServerHello, type 2).
    expect(classifyClientHelloStart(bytes(22, 3, 3, 0, 60, 2), 0, 6)).toBe('no');
  });

  it('rejects lengths that do not fit a ClientHello', () => {
    const bad = (patch: (b: Uint8Array) => void): string => {
      const b = hello.slice();
      patch(b);
      return classifyClientHelloStart(b, 0, b.length);
    };
    // Record longer than the hello it holds: something would follow the ClientHello in its record.
    expect(bad((b) => b.set(u16(hello.length), 3))).toBe('no');
    // Handshake length below the smallest ClientHello body (41 bytes).
    expect(bad((b) => b.set(u24(40), 6))).toBe('no');
    // client_version not 3.x.
    expect(bad((b) => b.set([2, 0], 9))).toBe('no');
    // Record length over 2^14 + 2048.
    expect(bad((b) => b.set(u16(0x4801), 3))).toBe('no');
  });

  it('accepts a hello that goes on in the next record (handshake longer than its record)', () => {
    const b = hello.slice(0, 5 + 20);
    b.set(u16(20), 3);
    expect(classifyClientHelloStart(b, 0, b.length)).toBe('tls');
  });

  it('never takes plain text or plain binary preambles for a hello', () => {
    for (const t of ['STARTTLS\r\n', 'EHLO x\r\n', '<starttls/>', '\x16\x03\x01 is not enough', '\x05\x01\x00']) {
      const b = text(t);
      expect(classifyClientHelloStart(b, 0, b.length)).toBe('no');
    }
    // An SSLv2-looking header whose lengths do not add up.
    const v2 = sslv2Hello();
    v2[1]! += 1;
    expect(classifyClientHelloStart(v2, 0, v2.length)).toBe('no');
  });
});

describe('describePreamble', () => {
  const name = (client: string | Uint8Array, server: string | Uint8Array, tail?: string): string => {
    const c = typeof client === 'string' ? text(client) : client;
    return describePreamble({ clientHead: c, clientTail: tail === undefined ? c : text(tail), serverHead: typeof server === 'string' ? text(server) : server });
  };

  it('names line protocols by the command before TLS and the server greeting', () => {
    expect(name('EHLO client.example\r\nSTARTTLS\r\n', '220 mx.example ESMTP\r\n')).toBe('SMTP (STARTTLS)');
    expect(name('a1 CAPABILITY\r\na2 STARTTLS\r\n', '* OK [CAPABILITY IMAP4rev1] ready\r\n')).toBe('IMAP (STARTTLS)');
    expect(name('CAPA\r\nSTLS\r\n', '+OK POP3 ready\r\n')).toBe('POP3 (STLS)');
    expect(name('AUTH TLS\r\n', '220 "Authorized users only."\r\n')).toBe('FTP (AUTH TLS)');
    expect(name('STARTTLS\r\n', '200 news.example NNTP service ready\r\n')).toBe('NNTP (STARTTLS)');
    expect(name('STARTTLS\r\n', 'hello\r\n')).toBe('unknown protocol (STARTTLS)');
  });

  it('reads the last command from the tail, whatever the segments were', () => {
    expect(name('EHLO client.example\r\n', '220 mx.example ESMTP\r\n', 'ment\r\nSTARTTLS\r\n')).toBe('SMTP (STARTTLS)');
  });

  it('names XMPP, LDAP, PostgreSQL and MySQL by their bytes', () => {
    expect(name("<?xml version='1.0'?><stream:stream to='example.org'>", '<stream:features/>', "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")).toBe('XMPP (starttls)');
    // RFC 4511 ExtendedRequest with the StartTLS OID, as ldapsearch -ZZ sends it.
    const ldap = concat(bytes(0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16), text('1.3.6.1.4.1.1466.20037'));
    expect(name(ldap, bytes(0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00))).toBe('LDAP (StartTLS extended operation)');
    expect(name(bytes(0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f), 'S')).toBe('PostgreSQL (SSLRequest)');
    expect(name(bytes(0x20, 0, 0, 1, 0x85, 0xae), concat(bytes(0x63, 0, 0, 0, 0x0a), text('5.5.40-MariaDB\0')))).toBe('MySQL');
  });

  it('names the proxies: SOCKS4, SOCKS4a, SOCKS5, HTTP CONNECT', () => {
    expect(name(bytes(4, 1, 0x01, 0xbb, 93, 184, 216, 119, 0), bytes(0, 0x5a, 0, 0, 0, 0, 0, 0))).toBe('SOCKS4 proxy');
    expect(name(concat(bytes(4, 1, 0x01, 0xbb, 0, 0, 0, 1, 0), text('www.example.com\0')), bytes(0, 0x5a, 0, 0, 0, 0, 0, 0))).toBe('SOCKS4a proxy');
    expect(name(bytes(5, 1, 0, 5, 1, 0, 3), bytes(5, 0))).toBe('SOCKS5 proxy');
    expect(name('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', 'HTTP/1.1 200 Connection established\r\n\r\n')).toBe('HTTP CONNECT proxy');
    expect(name('GNUTELLA CONNECT/0.6\r\n', 'GNUTELLA/0.6 200 OK\r\n')).toBe('Gnutella (TLS upgrade)');
  });

  it("names a server banner alone (the client began with TLS), else says 'unknown preamble'", () => {
    expect(name('', '220 mx.example ESMTP\r\n')).toBe('SMTP banner');
    expect(name('hello there\r\n', 'hi\r\n')).toBe('unknown preamble');
    expect(name('', '')).toBe('unknown preamble');
  });
});

describe('PreambleSide', () => {
  it('keeps the first 256 bytes and the last 128 across chunks, and counts gaps as bytes', () => {
    const s = new PreambleSide();
    s.note(text('a'.repeat(300)), 0, 300);
    s.note(text('xSTARTTLS\r\n'), 1, 11);
    s.noteGap(5);
    expect(s.bytes).toBe(315);
    expect(s.chunks).toBe(2);
    expect(s.headFill).toBe(256);
    expect(new TextDecoder().decode(s.tail.subarray(0, s.tailFill))).toBe(`${'a'.repeat(118)}STARTTLS\r\n`);
  });

  it('keeps the tail apart from the head, whatever the chunk sizes', () => {
    const s = new PreambleSide();
    s.note(text('HEAD'), 0, 4);
    s.note(text('x'.repeat(200)), 0, 200);
    s.note(text('END\r\n'), 0, 5);
    expect(new TextDecoder().decode(s.head.subarray(0, s.headFill))).toBe(`HEAD${'x'.repeat(200)}END\r\n`);
    expect(new TextDecoder().decode(s.tail.subarray(0, s.tailFill))).toBe(`${'x'.repeat(123)}END\r\n`);
  });

  it('a side made after another was released samples only its own bytes', () => {
    const before = new PreambleSide();
    before.note(text('Q'.repeat(400)), 0, 400);
    before.release();
    const s = new PreambleSide();
    s.note(text('STARTTLS\r\n'), 0, 10);
    expect(new TextDecoder().decode(s.head.subarray(0, s.headFill))).toBe('STARTTLS\r\n');
    expect(new TextDecoder().decode(s.tail.subarray(0, s.tailFill))).toBe('STARTTLS\r\n');
  });

  it('without a tail (a server side) still samples the head and counts every byte', () => {
    const s = new PreambleSide(false);
    s.note(text('220 mx.example ESMTP\r\n'), 0, 22);
    s.note(text('y'.repeat(500)), 0, 500);
    expect(s.bytes).toBe(522);
    expect(s.chunks).toBe(2);
    expect(new TextDecoder().decode(s.head.subarray(0, 22))).toBe('220 mx.example ESMTP\r\n');
    expect(s.headFill).toBe(256);
    expect(s.tailFill).toBe(0);
    expect(s.tail.length).toBe(0);
  });
});

function decode(f: TcpStreamFixture, chunk = 1 << 20): { model: TlsConnectionModel; log: FeedLog } {
  const control = new RecordingControl();
  let model: TlsConnectionModel | null = null;
  const log = feed(createTlsConsumer(infoFor(f), control, { onEnd: (m) => (model = m) }), control, f, chunk);
  return { model: model!, log };
}

const seg = (frame: number, direction: 0 | 1, payload: Uint8Array): StreamSegment => ({ frame, direction, tsSec: 0, tsNsec: 0, payload });
const fixture = (segments: StreamSegment[], closes: TcpStreamFixture['closes'] = []): TcpStreamFixture => ({
  clientPort: 40000, serverPort: 25, firstFrame: 1, lastFrame: segments[segments.length - 1]!.frame + 1, closes, segments,
});

/** An SMTP session up to STARTTLS (frames 4..8), as Postfix and a typical client exchange it. */
const smtpPreamble = (): StreamSegment[] => [
  seg(4, 1, text('220 mx.example ESMTP Postfix\r\n')),
  seg(5, 0, text('EHLO client.example\r\n')),
  seg(6, 1, text('250-mx.example\r\n250-STARTTLS\r\n250 8BITMIME\r\n')),
  seg(7, 0, text('STARTTLS\r\n')),
  seg(8, 1, text('220 2.0.0 Ready to start TLS\r\n')),
];

describe('TlsConnectionDecoder: TLS after a plain preamble', () => {
  it('decodes the handshake from the ClientHello on, and records the preamble', () => {
    // Chunks of 3 bytes too (a hello header split over segments); not 1, which would spend the
    // 64-segment watch on the server's 104 bytes.
    for (const chunk of [3, 1 << 20]) {
      const { model } = decode(fixture([...smtpPreamble(), seg(9, 0, clientHello('mx.example')), seg(10, 1, serverHello())]), chunk);
      expect(model.kind).toBe('tls');
      expect(model.notTls).toBeNull();
      expect(model.plaintextPreamble).toEqual({ lookedLike: 'SMTP (STARTTLS)', clientBytes: 31, serverBytes: 104, tlsStartFrame: 9 });
      expect(model.clientHello?.sni).toBe('mx.example');
      expect(model.messages.map((m) => [m.frame, m.type])).toEqual([[9, 1], [10, 2]]);
      expect(model.cipherSuite).toBe(0xc02f);
    }
  });

  it('finds a ClientHello whose header is split across segments, starting at the first piece', () => {
    const hello = clientHello('mx.example');
    const { model } = decode(fixture([...smtpPreamble(), seg(9, 0, hello.subarray(0, 3)), seg(10, 0, hello.subarray(3)), seg(11, 1, serverHello())]));
    expect(model.plaintextPreamble?.tlsStartFrame).toBe(9);
    expect(model.clientHello?.frame).toBe(10);
    expect(model.serverHello?.frame).toBe(11);
  });

  it('an SSLv2-compatible hello after the preamble starts TLS too', () => {
    const { model } = decode(fixture([...smtpPreamble(), seg(9, 0, sslv2Hello())]));
    expect(model.kind).toBe('tls');
    expect(model.clientHello?.sslv2Format).toBe(true);
  });

  it('a server that never answers the STARTTLS ClientHello leaves an ordinary TLS connection (no ServerHello) for the rules', () => {
    const { model } = decode(fixture([...smtpPreamble(), seg(9, 0, clientHello('mx.example'))], [{ direction: 1, kind: 'fin', frame: 10, tsSec: 0, tsNsec: 0 }]));
    expect(model.kind).toBe('tls');
    expect(model.notTls).toBeNull();
    expect(model.clientHello?.frame).toBe(9);
    expect(model.serverHello).toBeNull();
  });

  it('a server answering the ClientHello in plain text (TLS sent without STARTTLS) is not-tls, the preamble kept', () => {
    const { model } = decode(fixture([
      seg(4, 1, text('220 mx.example ESMTP\r\n')),
      seg(5, 0, clientHello('mx.example')),
      seg(6, 1, text('500 5.5.2 Error: bad syntax\r\n')),
    ]));
    expect(model.kind).toBe('not-tls');
    expect(model.notTls).toEqual({ lookedLike: 'text line "500 5.5.2 Error: bad syntax"', direction: 1, frame: 6 });
    // The server never started TLS: all it sent (banner 22 + answer 29 bytes) is plain.
    expect(model.plaintextPreamble).toEqual({ lookedLike: 'SMTP banner', clientBytes: 0, serverBytes: 51, tlsStartFrame: 5 });
    expect(model.clientHello?.sni).toBe('mx.example');
  });

  it('server plain text after the ClientHello is preamble when TLS follows from the server', () => {
    const { model } = decode(fixture([...smtpPreamble(), seg(9, 0, clientHello('mx.example')), seg(10, 1, text('NOTE\r\n')), seg(11, 1, serverHello())]));
    expect(model.kind).toBe('tls');
    expect(model.plaintextPreamble?.serverBytes).toBe(110);
    expect(model.serverHello?.frame).toBe(11);
  });

  it('a server TLS record before any ClientHello is not its TLS start (an alert answering plain HTTP)', () => {
    const { model } = decode(fixture([
      seg(4, 0, text('GET / HTTP/1.1\r\n\r\n')),
      seg(5, 1, bytes(0x15, 3, 3, 0, 2, 2, 50)),
    ]));
    expect(model.kind).toBe('not-tls');
    expect(model.notTls?.reply?.lookedLike).toBe('TLS Alert record (fatal, decode_error)');
    expect(model.alerts).toEqual([]);
  });

  it('bytes the capture misses in the preamble are counted and the watch goes on', () => {
    const control = new RecordingControl();
    let model: TlsConnectionModel | null = null;
    const c = createTlsConsumer(infoFor(fixture(smtpPreamble())), control, { onEnd: (m) => (model = m) });
    c.data(1, text('220 mx\r\n'), 0, 8, 4, 0, 0);
    c.data(0, text('EHLO a\r\n'), 0, 8, 5, 0, 0);
    c.gap(0, 10, 7);
    const hello = clientHello('a.example');
    c.data(0, hello, 0, hello.length, 8, 0, 0);
    c.end(infoFor(fixture(smtpPreamble())));
    expect(model!.plaintextPreamble).toMatchObject({ clientBytes: 18, serverBytes: 8, tlsStartFrame: 8 });
    expect(model!.clientHello?.sni).toBe('a.example');
  });

  it(`gives up after ${PREAMBLE_MAX_CHUNKS} plain chunks of the client: later bytes are skipped unseen`, () => {
    const chatter = Array.from({ length: PREAMBLE_MAX_CHUNKS }, (_, i) => seg(10 + i, 0, text(`NOOP ${i}\r\n`)));
    const { model, log } = decode(fixture([seg(4, 1, text('220 mx\r\n')), ...chatter, seg(200, 0, clientHello('late.example'))]));
    expect(model.kind).toBe('not-tls');
    expect(model.notTls?.lookedLike).toBe('SMTP banner');
    expect(model.clientHello).toBeNull();
    expect(log.skips.map((s) => s.direction).sort()).toEqual([0, 1]);
  });

  it('gives up after 64 KiB of one direction', () => {
    const big = text('x'.repeat(40 * 1024));
    const { model } = decode(fixture([seg(4, 0, big), seg(5, 0, big), seg(6, 0, clientHello('late.example'))]));
    expect(model.kind).toBe('not-tls');
    expect(model.clientHello).toBeNull();
  });

  it('a TLS client answered in plain HTTP stays not-tls with no preamble (the client began with TLS)', () => {
    const { model } = decode(fixture([seg(4, 0, clientHello('www.example')), seg(5, 1, text('HTTP/1.1 400 Bad Request\r\n\r\n'))]));
    expect(model.kind).toBe('not-tls');
    expect(model.notTls).toMatchObject({ lookedLike: 'HTTP/1.x response', direction: 1, frame: 5 });
    expect(model.plaintextPreamble).toBeNull();
  });
});
