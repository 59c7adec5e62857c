/**
 * The last bytes delivered in one direction, copied, so that a retransmission of them can be
 * compared with what was delivered: the receiving host may keep either copy, and differing
 * bytes mean the analysis may not see what the endpoint saw.
 *
 * The copies are pooled over a connection table: a direction takes one at its first delivered
 * byte and gives it back when its connection ends, so a capture of many short connections
 * reuses a few rings instead of allocating (and collecting) 4 KiB per direction. Allocating a
 * ring per direction cost about 0.2 s of CPU per GB of capture, much of it in the garbage
 * collector (docs/decisions.md, "TCP layer: cost per packet and per connection").
 */

/**
 * Bytes kept per direction. Spurious retransmissions repeat recent segments; 4 KiB covers the
 * last two or three full-size ones.
 */
export const RECENT_BYTES = 4096;
/** Chunks whose frame is remembered, to name the frame of the first copy. */
const RECENT_FRAMES = 32;
const RING_MASK = RECENT_BYTES - 1;
const FRAME_MASK = RECENT_FRAMES - 1;
/** Longest copy done byte by byte (see RecentBytes.copy). */
const SHORT_COPY = 48;

/** Where a retransmission first differs from the kept copy. */
export interface RecentDifference {
  /** Stream position of the first differing byte. */
  offset: number;
  /** Frame that delivered the kept byte; -1 when no longer known. */
  frame: number;
  /** Bytes of the retransmission that overlap the kept copy. */
  compared: number;
}

/**
 * A ring of the stream positions [end - length, end): position p is at
 * ring[(p - base) % RECENT_BYTES].
 */
export class RecentBytes {
  /**
   * The ring and the chunk table share one buffer: three typed arrays with their own buffers
   * were ~0.5 KB of heap objects per copy besides the bytes, and a copy is pooled for the run.
   */
  private readonly ring: Uint8Array;
  /** End position of the kept range (exclusive). */
  end = 0;
  private length = 0;
  /**
   * Position kept at ring[0]: the start of the contiguous range. A range that never grows past
   * one segment then touches only the front of its ring, which keeps the rings of a thousand
   * connections in fewer cache lines than writing wherever `p % RECENT_BYTES` falls.
   */
  private base = 0;
  /**
   * Start position (at slot) and frame (at RECENT_FRAMES + slot) of the last RECENT_FRAMES
   * chunks, a ring; `head` is the oldest.
   */
  private readonly chunks: Float64Array;
  private head = 0;
  private count = 0;

  constructor() {
    const buffer = new ArrayBuffer(RECENT_BYTES + 2 * RECENT_FRAMES * Float64Array.BYTES_PER_ELEMENT);
    this.ring = new Uint8Array(buffer, 0, RECENT_BYTES);
    this.chunks = new Float64Array(buffer, RECENT_BYTES, 2 * RECENT_FRAMES);
  }

  /** Forgets everything kept (the copy goes back to its pool). */
  clear(): void {
    this.end = 0;
    this.length = 0;
    this.base = 0;
    this.head = 0;
    this.count = 0;
  }

  /** Keeps the tail of a delivered chunk: `buf[off, off + length)` is stream [pos, pos + length). */
  remember(buf: Uint8Array, off: number, pos: number, length: number, frame: number): void {
    // One contiguous range only: after a gap or a skip it starts again.
    if (pos !== this.end) {
      this.length = 0;
      this.head = 0;
      this.count = 0;
      this.base = pos;
    }
    const n = length < RECENT_BYTES ? length : RECENT_BYTES;
    const first = pos + length - n;
    // `& RING_MASK`, not `% RECENT_BYTES`: `%` on a number V8 cannot prove to be a small integer
    // is a floating-point remainder; the low 12 bits of ToInt32 are the same remainder for any
    // integer (4096 divides 2^32), also past 2^31.
    const at = (first - this.base) & RING_MASK;
    const src = off + (length - n);
    const run = RECENT_BYTES - at;
    if (n <= run) {
      this.copy(buf, src, n, at);
    } else {
      this.copy(buf, src, run, at);
      this.copy(buf, src + run, n - run, 0);
    }
    this.end = pos + length;
    const kept = this.length + n;
    this.length = kept < RECENT_BYTES ? kept : RECENT_BYTES;
    let slot: number;
    if (this.count === RECENT_FRAMES) {
      slot = this.head;
      this.head = (this.head + 1) & FRAME_MASK;
    } else {
      slot = (this.head + this.count++) & FRAME_MASK;
    }
    this.chunks[slot] = first;
    this.chunks[RECENT_FRAMES + slot] = frame;
  }

  /**
   * Copies `buf[src, src + n)` to ring[at..]. Short runs byte by byte: `set(buf.subarray(..))`
   * allocates a view per call, which costs more than the copy for a few dozen bytes (alerts,
   * change_cipher_spec, short records: 10 % of the chunks delivered in the 1 GB benchmark).
   */
  private copy(buf: Uint8Array, src: number, n: number, at: number): void {
    const ring = this.ring;
    if (n <= SHORT_COPY) {
      for (let i = 0; i < n; i++) ring[at + i] = buf[src + i]!;
    } else {
      ring.set(buf.subarray(src, src + n), at);
    }
  }

  /**
   * The first position in [pos, upTo) where `data` (whose byte `dataOff` is at `pos`) differs
   * from the kept copy, with the frame that delivered the kept byte (-1 when no longer known)
   * and the number of bytes compared; null when the kept bytes all agree or none overlap.
   */
  firstDifference(data: Uint8Array, dataOff: number, pos: number, upTo: number): RecentDifference | null {
    const lo = Math.max(pos, this.end - this.length);
    const hi = Math.min(upTo, this.end);
    const at = dataOff - pos;
    for (let p = lo; p < hi; p++) {
      if (data[at + p] === this.ring[(p - this.base) & RING_MASK]) continue;
      let frame = -1;
      for (let i = this.count - 1; i >= 0; i--) {
        const slot = (this.head + i) & FRAME_MASK;
        if (this.chunks[slot]! <= p) {
          frame = this.chunks[RECENT_FRAMES + slot]!;
          break;
        }
      }
      return { offset: p, frame, compared: hi - lo };
    }
    return null;
  }
}

/**
 * The copies of one connection table: at most `max` in use at once (a direction finding none
 * free does not compare its retransmissions), released ones kept for reuse. The pool never
 * holds more rings than were in use at the busiest moment.
 */
export class RecentBytesPool {
  private readonly free: RecentBytes[] = [];
  /** Copies handed out and not yet released. */
  inUse = 0;

  constructor(readonly max: number) {}

  /** A cleared copy, or null when `max` are in use. */
  acquire(): RecentBytes | null {
    if (this.inUse >= this.max) return null;
    this.inUse++;
    return this.free.pop() ?? new RecentBytes();
  }

  /** Gives a copy back; its bytes are forgotten. */
  release(copy: RecentBytes): void {
    this.inUse--;
    copy.clear();
    this.free.push(copy);
  }
}
