/**
 * NULL-encryption suites: the MAC length they put after each record's clear content, and the
 * decoder reading the Finished messages and alerts after ChangeCipherSpec in clear. Real bytes
 * from the peer corpus capture wireshark-notes/tls/tls-null.pcapng (OpenSSL, TLS 1.2,
 * TLS_RSA_WITH_NULL_SHA256: client Finished in frame 8, server Finished in frame 9,
 * close_notify in frame 14, as tshark lists them in its .tshark.tsv).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nullCipherMacLength, TRUNCATED_HMAC_LENGTH } from '../../src/tls/null-cipher.js';
import { createTlsConsumer } from '../../src/tls/connection-decoder.js';
import type { TlsConnectionModel } from '../../src/tls/model.js';
import { readCapture } from '../../src/capture/read-capture.js';
import { PacketDecoder } from '../../src/net/packet-decoder.js';
import { newTcpSegment } from '../../src/net/tcp-segment.js';
import type { Direction } from '../../src/tcp/stream-types.js';
import { RecordingControl, feed, infoFor } from './support/feed.js';
import type { TcpStreamFixture } from './support/pcap-streams.js';

const TLS12 = 0x0303;
const mac = (cipherSuite: number, extra: Partial<{ version: number; compressionMethod: number; truncatedHmac: boolean }> = {}): number | null =>
  nullCipherMacLength({ version: TLS12, cipherSuite, compressionMethod: 0, truncatedHmac: false, ...extra });

describe('nullCipherMacLength', () => {
  it('gives the HMAC length of NULL-encryption suites', () => {
    expect(mac(0x0001)).toBe(16); // TLS_RSA_WITH_NULL_MD5
    expect(mac(0x0002)).toBe(20); // TLS_RSA_WITH_NULL_SHA
    expect(mac(0x003b)).toBe(32); // TLS_RSA_WITH_NULL_SHA256
    expect(mac(0x00b1)).toBe(48); // TLS_PSK_WITH_NULL_SHA384
    expect(mac(0xc010)).toBe(20); // TLS_ECDHE_RSA_WITH_NULL_SHA
    expect(mac(0x0002, { version: 0x0300 })).toBe(20); // SSL 3.0 has the same layout
  });

  it('gives the 10-byte MAC when truncated_hmac was negotiated', () => {
    expect(mac(0x003b, { truncatedHmac: true })).toBe(TRUNCATED_HMAC_LENGTH);
  });

  it('is null where records are encrypted or their layout is not certain', () => {
    expect(mac(0x002f)).toBeNull(); // AES_128_CBC_SHA
    expect(mac(0xc02f)).toBeNull(); // AEAD
    expect(mac(0x0000)).toBeNull(); // TLS_NULL_WITH_NULL_NULL
    expect(mac(0x0083)).toBeNull(); // GOST MAC
    expect(mac(0xc0b4, { version: 0x0304 })).toBeNull(); // TLS 1.3 integrity-only: TLSInnerPlaintext
    expect(mac(0x003b, { version: 0x0304 })).toBeNull();
    expect(mac(0x003b, { compressionMethod: 1 })).toBeNull(); // DEFLATE: content not readable as is
    expect(mac(0x0a0a)).toBeNull(); // GREASE
  });
});

const corpus = path.resolve(__dirname, '../../../shared/corpus');
const capture = path.join(corpus, 'wireshark-notes/tls/tls-null.pcapng');
const present = fs.existsSync(capture);
if (!present) console.warn(`corpus capture ${capture} not found: NULL-cipher decoding tests skipped`);
const d = present ? describe : describe.skip;

/** The capture's one TCP connection, per direction, as the reassembler would deliver it (it is clean). */
async function loadStream(): Promise<TcpStreamFixture> {
  const decoder = new PacketDecoder({ warn: () => undefined });
  const seg = newTcpSegment();
  const f: TcpStreamFixture = { clientPort: 0, serverPort: 0, segments: [], closes: [], firstFrame: 0, lastFrame: 0 };
  await readCapture(capture, {
    onPacket(packet) {
      if (!decoder.decode(packet, seg)) return;
      if (f.firstFrame === 0) {
        f.firstFrame = seg.frame;
        f.clientPort = seg.srcPort; // the SYN sender
        f.serverPort = seg.dstPort;
      }
      f.lastFrame = seg.frame;
      const direction: Direction = seg.srcPort === f.clientPort ? 0 : 1;
      const at = { direction, frame: seg.frame, tsSec: seg.tsSec, tsNsec: seg.tsNsec };
      if (seg.payloadLength > 0) f.segments.push({ ...at, payload: seg.data.slice(seg.payloadOffset, seg.payloadOffset + seg.payloadLength) });
      if (seg.flags & 0x01) f.closes.push({ ...at, kind: 'fin' });
      if (seg.flags & 0x04) f.closes.push({ ...at, kind: 'rst' });
    },
  }, { warn: () => undefined });
  return f;
}

function decode(f: TcpStreamFixture, chunkSize = 1 << 16): TlsConnectionModel {
  let model: TlsConnectionModel | null = null;
  const control = new RecordingControl();
  feed(createTlsConsumer(infoFor(f), control, { onEnd: (m) => { model = m; } }), control, f, chunkSize);
  return model!;
}

/** The fixture with one frame's payload replaced. */
function withPayload(f: TcpStreamFixture, frame: number, edit: (p: Uint8Array) => Uint8Array): TcpStreamFixture {
  return { ...f, segments: f.segments.map((s) => (s.frame === frame ? { ...s, payload: edit(s.payload.slice()) } : s)) };
}

/** Offset of the record `15 03 03 ..` / `16 03 03 ..` of the given type that starts after `from`. */
function recordAt(p: Uint8Array, type: number, from = 0): number {
  for (let i = from; i + 5 <= p.length; i++) if (p[i] === type && p[i + 1] === 3 && p[i + 2] === 3) return i;
  throw new Error(`no record of type ${type}`);
}

d('decoder under TLS_RSA_WITH_NULL_SHA256 (tls-null.pcapng)', () => {
  let stream: TcpStreamFixture;
  beforeAll(async () => {
    stream = await loadStream();
  });

  const clear = (m: TlsConnectionModel) => m.messages.map((x) => ({ frame: x.frame, direction: x.direction, type: x.type }));

  it.each([1, 7, 1 << 16])('reads both Finished messages and the close_notify in clear (chunks of %d bytes)', (chunk) => {
    const m = decode(stream, chunk);
    expect(m.cipherSuite).toBe(0x003b);
    expect(clear(m)).toEqual([
      { frame: 4, direction: 0, type: 1 },
      { frame: 6, direction: 1, type: 2 },
      { frame: 6, direction: 1, type: 11 },
      { frame: 6, direction: 1, type: 14 },
      { frame: 8, direction: 0, type: 16 },
      { frame: 8, direction: 0, type: 20 },
      { frame: 9, direction: 1, type: 20 },
    ]);
    expect(m.messages.find((x) => x.type === 20)!.length).toBe(12);
    expect(m.alerts).toEqual([
      expect.objectContaining({ frame: 14, direction: 0, level: 1, description: 0, encrypted: false, recordLength: 34 }),
    ]);
    expect(m.handshakeComplete).toBe(true);
    expect(m.completedFrame).toBe(9);
    expect(m.encrypted.map((c) => [c.handshake, c.alerts, c.applicationData])).toEqual([[0, 0, 1], [0, 0, 1]]);
    expect(m.problems).toEqual([]);
  });

  it('counts a handshake record whose content does not tile into messages as encrypted, with a problem', () => {
    // Server Finished 14 00 00 0c: claim 13 bytes of verify_data, one more than the content holds.
    const f = withPayload(stream, 9, (p) => {
      const at = recordAt(p, 0x16);
      p[at + 5 + 3] = 0x0d;
      return p;
    });
    const m = decode(f);
    expect(clear(m).filter((x) => x.direction === 1 && x.frame === 9)).toEqual([{ frame: 9, direction: 1, type: -1 }]);
    expect(m.encrypted[1].handshake).toBe(1);
    // The opaque record still counts as the server's Finished.
    expect(m.handshakeComplete).toBe(true);
    expect(m.problems.map((p) => p.text)).toEqual([expect.stringMatching(/server handshake record after ChangeCipherSpec .* does not hold whole handshake messages before its 32-byte MAC/)]);
  });

  it('counts an alert record too short for an alert and the MAC as encrypted, with a problem', () => {
    // close_notify 15 03 03 00 22 (2 + 32-byte MAC) cut to a 16-byte record.
    const f = withPayload(stream, 14, (p) => {
      const at = recordAt(p, 0x15);
      const out = p.slice(0, at + 5 + 16);
      out[at + 4] = 16;
      return out;
    });
    const m = decode(f);
    expect(m.alerts).toEqual([expect.objectContaining({ frame: 14, level: null, description: null, encrypted: true, recordLength: 16 })]);
    expect(m.problems.map((p) => p.text)).toEqual([expect.stringMatching(/client record of type 21 \(16 bytes\) cannot hold whole alerts and a 32-byte MAC/)]);
  });

  it('counts an alert record whose content is not alert levels as encrypted, with a problem', () => {
    const f = withPayload(stream, 14, (p) => {
      p[recordAt(p, 0x15) + 5] = 0x07;
      return p;
    });
    const m = decode(f);
    expect(m.alerts).toEqual([expect.objectContaining({ frame: 14, level: null, description: null, encrypted: true })]);
    expect(m.problems).toHaveLength(1);
  });
});
