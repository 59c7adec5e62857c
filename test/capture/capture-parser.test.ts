import { CaptureParser } from '../../src/capture/capture-parser.js';
import type { CapturedPacket } from '../../src/capture/packet.js';
import { collect, concat, payload, pcapHeader, pcapRecord } from './capture-bytes.js';

const pcap = concat(
  pcapHeader(),
  ...Array.from({ length: 12 }, (_, i) => pcapRecord({ sec: 1700000000 + i, frac: i, data: payload(30 + i * 17, i) })),
);

describe('CaptureParser.push with a length', () => {
  it('parses only chunk[0, length): what a refilled buffer holds past it is never read', async () => {
    const expected = await collect(pcap);
    const seen: Array<{ frame: number; bytes: number[] }> = [];
    const warnings: string[] = [];
    const parser = new CaptureParser(
      { onPacket: (p: CapturedPacket) => void seen.push({ frame: p.frame, bytes: Array.from(p.data.subarray(p.offset, p.offset + p.capturedLength)) }) },
      { warn: (_frame, text) => void warnings.push(text), bufferSize: 64 },
    );
    // One reused 100-byte buffer; after the valid bytes it holds 0xff, which as a record
    // header would claim a 4 GB packet and stop the reader.
    const buffer = new Uint8Array(100);
    for (let at = 0; at < pcap.length; at += 70) {
      buffer.fill(0xff);
      const piece = pcap.subarray(at, at + 70);
      buffer.set(piece);
      parser.push(buffer, piece.length);
    }
    const summary = parser.end();
    expect(warnings).toEqual([]);
    expect(seen).toEqual(expected.packets.map((p) => ({ frame: p.frame, bytes: p.bytes })));
    expect(summary.bytes).toBe(pcap.length);
  });

  it('refuses a length beyond the chunk', () => {
    const parser = new CaptureParser({ onPacket: () => {} });
    expect(() => parser.push(new Uint8Array(4), 5)).toThrow(RangeError);
  });
});
