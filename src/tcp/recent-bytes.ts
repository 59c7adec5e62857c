/**
 * The last bytes delivered in one direction, copied, so that a retransmission of them can be
 * compared with what was delivered: the receiving host may keep either copy, and differing
 * bytes mean the analysis may not see what the endpoint saw.
 */

/**
 * Bytes kept per direction. Spurious retransmissions repeat recent segments; 4 KiB covers the
 * last two or three full-size ones.
 */
export const RECENT_BYTES = 4096;
/** Chunks whose frame is remembered, to name the frame of the first copy. */
const RECENT_FRAMES = 32;

/** A ring of the stream positions [end - length, end): position p is at ring[p % RECENT_BYTES]. */
export class RecentBytes {
  private readonly ring = new Uint8Array(RECENT_BYTES);
  private end = 0;
  private length = 0;
  /** Start position and frame of the chunks in the ring, oldest first. */
  private readonly starts: number[] = [];
  private readonly frames: number[] = [];

  /** Keeps the tail of a delivered chunk: `buf[off, off + length)` is stream [pos, pos + length). */
  remember(buf: Uint8Array, off: number, pos: number, length: number, frame: number): void {
    // One contiguous range only: after a gap or a skip it starts again.
    if (pos !== this.end) {
      this.length = 0;
      this.starts.length = 0;
      this.frames.length = 0;
    }
    const n = Math.min(length, RECENT_BYTES);
    const first = pos + length - n;
    let at = first % RECENT_BYTES;
    let src = off + (length - n);
    let left = n;
    while (left > 0) {
      const run = Math.min(left, RECENT_BYTES - at);
      this.ring.set(buf.subarray(src, src + run), at);
      src += run;
      left -= run;
      at = 0;
    }
    this.end = pos + length;
    this.length = Math.min(RECENT_BYTES, this.length + n);
    if (this.starts.length === RECENT_FRAMES) {
      this.starts.shift();
      this.frames.shift();
    }
    this.starts.push(first);
    this.frames.push(frame);
  }

  /**
   * The first position in [pos, upTo) where `data` (whose byte `dataOff` is at `pos`) differs
   * from the kept copy, with the frame that delivered the kept byte (-1 when no longer known)
   * and the number of bytes compared; null when the kept bytes all agree or none overlap.
   */
  firstDifference(data: Uint8Array, dataOff: number, pos: number, upTo: number): { offset: number; frame: number; compared: number } | null {
    const lo = Math.max(pos, this.end - this.length);
    const hi = Math.min(upTo, this.end);
    const base = dataOff - pos;
    for (let p = lo; p < hi; p++) {
      if (data[base + p] === this.ring[p % RECENT_BYTES]) continue;
      let frame = -1;
      for (let i = this.starts.length - 1; i >= 0; i--) {
        if (this.starts[i]! <= p) {
          frame = this.frames[i]!;
          break;
        }
      }
      return { offset: p, frame, compared: hi - lo };
    }
    return null;
  }
}
