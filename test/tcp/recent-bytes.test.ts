/**
 * The copy of recently delivered bytes, checked against a plain model of the stream: whatever
 * the chunk sizes (short ones copied byte by byte, long ones in one go, runs that wrap around
 * the ring's end) and however far into the stream (positions past 2^31 and 2^32), a
 * retransmission must be compared with exactly the last RECENT_BYTES delivered bytes and name
 * the first differing position, the frame that delivered it and the overlap.
 */
import { RECENT_BYTES, RecentBytes } from '../../src/tcp/recent-bytes.js';

/** Deterministic pseudo-random numbers (xorshift32), so a failure can be replayed. */
function random(seed: number): (n: number) => number {
  let x = seed | 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** What the copy must answer: the stream delivered so far and the chunks that delivered it. */
class StreamModel {
  readonly bytes: number[] = [];
  /** First kept position and frame of every chunk since the last restart. */
  readonly chunks: { first: number; frame: number }[] = [];
  start = 0;

  get end(): number {
    return this.start + this.bytes.length;
  }

  deliver(pos: number, chunk: Uint8Array, frame: number): void {
    if (pos !== this.end) {
      this.bytes.length = 0;
      this.chunks.length = 0;
      this.start = pos;
    }
    for (const b of chunk) this.bytes.push(b);
    this.chunks.push({ first: pos + chunk.length - Math.min(chunk.length, RECENT_BYTES), frame });
  }

  expected(data: Uint8Array, pos: number, upTo: number): { offset: number; frame: number; compared: number } | null {
    const lo = Math.max(pos, this.end - Math.min(this.bytes.length, RECENT_BYTES));
    const hi = Math.min(upTo, this.end);
    for (let p = lo; p < hi; p++) {
      if (data[p - pos] === this.bytes[p - this.start]) continue;
      const recent = this.chunks.slice(-32);
      let frame = -1;
      for (let i = recent.length - 1; i >= 0; i--) {
        if (recent[i]!.first <= p) {
          frame = recent[i]!.frame;
          break;
        }
      }
      return { offset: p, frame, compared: hi - lo };
    }
    return null;
  }
}

function chunkOf(next: (n: number) => number, length: number): Uint8Array {
  const chunk = new Uint8Array(length);
  for (let i = 0; i < length; i++) chunk[i] = next(256);
  return chunk;
}

/** Delivers random chunks from `startPos` and checks a retransmission with one changed byte after each. */
function exercise(seed: number, startPos: number): void {
  const next = random(seed);
  const copy = new RecentBytes();
  const model = new StreamModel();
  let pos = startPos;
  for (let frame = 1; frame <= 300; frame++) {
    // Short chunks (byte-by-byte copies), full-size segments, and now and then one longer than the ring.
    const kind = next(10);
    const length = kind < 4 ? 1 + next(48) : kind < 9 ? 49 + next(1500) : RECENT_BYTES + next(3000);
    // Now and then a skip: the copy starts again after it.
    if (next(25) === 0) pos += 1 + next(100_000);
    const chunk = chunkOf(next, length);
    // The chunk sits inside a larger packet buffer, as payloads do.
    const packet = new Uint8Array(length + 80);
    packet.set(chunk, 66);
    copy.remember(packet, 66, pos, length, frame);
    model.deliver(pos, chunk, frame);
    pos += length;

    // A retransmission of some recent range, identical or with one byte changed.
    const span = Math.min(model.bytes.length, RECENT_BYTES + 200);
    const from = model.end - 1 - next(span);
    const to = Math.min(model.end + 50, from + 1 + next(2000));
    const data = new Uint8Array(to - from);
    for (let p = from; p < to; p++) data[p - from] = p >= model.start && p < model.end ? model.bytes[p - model.start]! : 0x55;
    if (next(3) !== 0) data[next(data.length)] ^= 0x80;
    const upTo = Math.min(to, model.end);
    expect(copy.firstDifference(data, 0, from, upTo)).toEqual(model.expected(data, from, upTo));
    expect(copy.end).toBe(model.end);
  }
}

describe('RecentBytes against a model of the delivered stream', () => {
  test('mixed chunk sizes, ring wraparound and restarts: the first differing byte, its frame and the overlap are exact', () => {
    for (const seed of [1, 2, 3, 0x5eed]) exercise(seed, 0);
  });

  test('the same far into a stream: positions past 2^31 and across 2^32', () => {
    exercise(7, 2 ** 31 - 5000);
    exercise(8, 2 ** 32 - 3000);
    exercise(9, 2 ** 40 + 17);
  });

  test('a copy cleared for reuse compares nothing of the stream it held', () => {
    const copy = new RecentBytes();
    const bytes = new TextEncoder().encode('abcdef');
    copy.remember(bytes, 0, 0, bytes.length, 1);
    expect(copy.firstDifference(new TextEncoder().encode('abXdef'), 0, 0, 6)).toEqual({ offset: 2, frame: 1, compared: 6 });
    copy.clear();
    expect(copy.end).toBe(0);
    expect(copy.firstDifference(new TextEncoder().encode('abXdef'), 0, 0, 6)).toBeNull();
  });
});
