/**
 * Randomised (seeded) check: whatever the segmentation, order, duplication and overlapping
 * retransmission of a stream, the reassembled bytes equal the stream, and a consumer that
 * skips record bodies sees exactly the record headers while nothing inside a skip is held.
 */
import { mulberry32 } from '../../scripts/mangle-capture.js';
import { Harness, TCP_ACK, TCP_PSH, got } from './harness.js';

const prng = mulberry32;

interface Piece {
  off: number;
  len: number;
}

/** Cuts [0, n) into segments, then reorders within windows, duplicates and adds overlapping copies. */
function mangle(n: number, rnd: () => number): Piece[] {
  const pieces: Piece[] = [];
  for (let off = 0; off < n;) {
    const len = Math.min(n - off, 1 + Math.floor(rnd() * 1460));
    pieces.push({ off, len });
    off += len;
  }
  const out: Piece[] = [];
  for (let i = 0; i < pieces.length; i += 4) {
    const window = pieces.slice(i, i + 4);
    // Keep the very first segment first: a stream starts where its first segment is.
    const fixed = i === 0 ? window.shift()! : null;
    window.sort(() => rnd() - 0.5);
    if (fixed !== null) window.unshift(fixed);
    for (const p of window) {
      out.push(p);
      if (rnd() < 0.1) out.push(p);
      if (rnd() < 0.1 && p.off + p.len < n) {
        const start = p.off + Math.floor(p.len / 2);
        out.push({ off: start, len: Math.min(n - start, p.len) });
      }
    }
  }
  return out;
}

function makeStream(rnd: () => number, records: number): { bytes: Uint8Array; headers: string[] } {
  const parts: number[] = [];
  const headers: string[] = [];
  for (let r = 0; r < records; r++) {
    const type = 20 + Math.floor(rnd() * 4);
    const len = Math.floor(rnd() * 5000);
    parts.push(type, 3, 3, len >> 8, len & 255);
    headers.push(`${type}:${len}`);
    for (let i = 0; i < len; i++) parts.push(Math.floor(rnd() * 256));
  }
  return { bytes: Uint8Array.from(parts), headers };
}

describe.each([1, 2, 3, 4, 5, 6, 7, 8])('mangled stream, seed %i', (seed) => {
  test('reassembles to the original bytes across a wraparound', () => {
    const rnd = prng(seed);
    const { bytes } = makeStream(rnd, 60);
    const h = new Harness();
    const isn = 0xffffffff - Math.floor(bytes.length / 2);
    h.handshake(isn, 500);
    for (const p of mangle(bytes.length, rnd)) {
      h.c({ seq: (isn + 1 + p.off) >>> 0, ack: 501, payload: bytes.subarray(p.off, p.off + p.len), flags: TCP_ACK | TCP_PSH });
    }
    h.table.finish();
    expect(Buffer.from(got(h.conns[0]!, 0), 'latin1').equals(Buffer.from(bytes))).toBe(true);
    expect(h.conns[0]!.gaps).toEqual([]);
    expect(h.warnings).toEqual([]);
  });

  test('a record-skipping consumer sees every header; skipped bytes are never held', () => {
    const rnd = prng(seed * 7919);
    const { bytes, headers } = makeStream(rnd, 60);
    const h = new Harness();
    h.handshake(1000, 500);
    const seen: string[] = [];
    let header: number[] = [];
    let bodyLeft = 0;
    h.onData = (r, direction, chunk) => {
      let i = 0;
      while (i < chunk.length) {
        if (bodyLeft > 0) {
          const n = Math.min(bodyLeft, chunk.length - i);
          bodyLeft -= n;
          i += n;
          continue;
        }
        header.push(chunk[i++]!);
        if (header.length === 5) {
          bodyLeft = (header[3]! << 8) | header[4]!;
          seen.push(`${header[0]}:${bodyLeft}`);
          header = [];
        }
      }
      if (bodyLeft > 0) {
        r.control.skip(direction, bodyLeft);
        bodyLeft = 0;
      }
    };
    let maxPending = 0;
    for (const p of mangle(bytes.length, rnd)) {
      h.c({ seq: 1001 + p.off, ack: 501, payload: bytes.subarray(p.off, p.off + p.len), flags: TCP_ACK | TCP_PSH });
      maxPending = Math.max(maxPending, h.table.stats.pendingBytes);
    }
    h.table.finish();
    expect(seen).toEqual(headers);
    // Held data is bounded by the reordering window (4 segments), never a whole record body.
    expect(maxPending).toBeLessThanOrEqual(4 * 1460 * 2);
    const delivered = h.conns[0]!.bytes[0].length;
    expect(delivered).toBeLessThan(bytes.length);
  });
});
