/**
 * In-order delivery of one direction of a TCP connection.
 *
 * Positions are stream offsets (JS numbers, exact far beyond 2^32): position 0 is the first
 * payload byte (the byte after the SYN, or the first byte seen when the capture starts
 * mid-stream). A sequence number maps to a position relative to `nextPos` with a signed
 * 32-bit difference, which is what makes wraparound at 2^32 a non-event.
 *
 * Everything below `nextPos` is settled: delivered, skipped on the consumer's request, or
 * declared missing. Skipping is nothing but moving `nextPos` forward, so a segment that falls
 * entirely inside a skip range is dropped by the same two comparisons that drop a
 * retransmission, whatever order it arrives in, and is never copied.
 */
import type { Direction, StreamConsumer } from './stream-types.js';
import type { TcpSegment } from '../net/tcp-segment.js';
import type { WarningSink } from '../report/warning.js';

/** Out-of-order bytes copied out of the reused capture buffer until the hole before them fills. */
interface HeldSegment {
  start: number;
  bytes: Uint8Array;
  /** Bytes after `bytes` that were on the wire but not captured (snaplen). */
  missing: number;
  frame: number;
  tsSec: number;
  tsNsec: number;
}

/** State shared by every direction of a table: the global budget of held bytes. */
export interface ReassemblyContext {
  warn: WarningSink;
  maxHeldPerDirection: number;
  heldTotal: number;
  /** Directions that hold out-of-order data, for eviction when the total budget is exceeded. */
  holding: Set<DirectionReassembler>;
}

function heldEnd(h: HeldSegment): number {
  return h.start + h.bytes.length + h.missing;
}

/** One direction's reassembly state; the connection table owns two per connection. */
export class DirectionReassembler {
  /** Set by the first segment of this direction. */
  started = false;
  /** Sequence number of position 0. */
  origin = 0;
  /** Next position to settle. */
  nextPos = 0;
  /** Position the FIN occupies, -1 until a FIN is seen. */
  finPos = -1;
  finFrame = 0;
  /** Sorted, non-overlapping, all starting above `nextPos`. */
  private held: HeldSegment[] = [];
  heldBytes = 0;
  /** Bytes delivered, skipped and declared missing (for stats and tests). */
  delivered = 0;
  skipped = 0;
  consumer: StreamConsumer | null = null;
  direction: Direction = 0;

  constructor(
    private readonly ctx: ReassemblyContext,
    /** Connection id, for warnings. */
    private readonly connId: () => number,
  ) {}

  /** Starts the direction at its first segment: after the SYN, or at the first byte seen. */
  start(seq: number, syn: boolean): void {
    this.started = true;
    this.origin = syn ? (seq + 1) >>> 0 : seq;
  }

  /** Stream position of a sequence number (nearest to `nextPos`, modulo 2^32). */
  positionOf(seq: number): number {
    return this.nextPos + ((seq - this.origin - this.nextPos) | 0);
  }

  /** True when this direction's FIN is reached and nothing is held. */
  get finished(): boolean {
    return this.finPos >= 0 && this.nextPos >= this.finPos && this.held.length === 0;
  }

  get holdsData(): boolean {
    return this.held.length !== 0;
  }

  /** The consumer's skip: the next n bytes after what was delivered are dropped unseen. */
  skip(n: number): void {
    if (!(n > 0)) return;
    this.nextPos += n;
    this.skipped += n;
    if (this.held.length !== 0) this.dropHeldBelow(this.nextPos);
  }

  /**
   * Takes one segment's payload. `dataSeq` is the sequence number of its first payload byte
   * (seq + 1 on a SYN). Delivers what is in order, holds what is ahead of a hole.
   */
  accept(seg: TcpSegment, dataSeq: number): void {
    const next = this.nextPos;
    const pos = next + ((dataSeq - this.origin - next) | 0);
    const capEnd = pos + seg.payloadLength;
    const end = capEnd + seg.payloadMissing;
    // Retransmission, duplicate or skipped: held data all lies above nextPos, so there is
    // nothing to compare against.
    if (end <= next) return;
    if (pos > next) {
      this.hold(seg, pos, capEnd, end);
      return;
    }
    if (this.held.length === 0) {
      this.emit(seg.data, seg.payloadOffset, pos, capEnd, end, seg.frame, seg.tsSec, seg.tsNsec);
      if (this.held.length !== 0) this.drain();
      return;
    }
    this.mergeInOrder(seg, pos, capEnd, end);
  }

  /**
   * The peer acknowledged up to `ack`: bytes below it that never showed up were missed by the
   * capture, so the holes before held data up to there are given up as gaps now.
   */
  acknowledged(ack: number, frame: number): void {
    const ackPos = this.positionOf(ack);
    while (this.held.length !== 0 && ackPos > this.nextPos) {
      if (ackPos >= this.held[0]!.start) {
        this.giveUpFirstHole();
      } else {
        // Only the front of the hole is acknowledged: the rest may still come.
        const missing = ackPos - this.nextPos;
        this.nextPos = ackPos;
        this.consumer!.gap(this.direction, missing, frame);
        this.drain();
      }
    }
  }

  /** Records this direction's FIN (the first one; retransmissions repeat it). */
  fin(seq: number, wireLength: number, frame: number, syn: boolean): boolean {
    if (this.finPos >= 0) return false;
    this.finPos = this.positionOf(syn ? (seq + 1) >>> 0 : seq) + wireLength;
    this.finFrame = frame;
    return true;
  }

  /** End of the connection: every hole becomes a gap, held data is delivered, and bytes missing before the FIN are reported. */
  flush(): void {
    while (this.held.length !== 0) this.giveUpFirstHole();
    if (this.finPos > this.nextPos && this.consumer !== null) {
      const missing = this.finPos - this.nextPos;
      this.nextPos = this.finPos;
      this.consumer.gap(this.direction, missing, this.finFrame);
    }
  }

  /** Drops all held data without delivering it (state release). */
  release(): void {
    if (this.held.length !== 0) {
      this.ctx.heldTotal -= this.heldBytes;
      this.heldBytes = 0;
      this.held = [];
      this.ctx.holding.delete(this);
    }
    this.consumer = null;
  }

  /**
   * The table is over its budget: give up holes of this direction until it is back under
   * `limit` held bytes. What is cut is the never-seen data in the holes; the warning names it.
   */
  shed(limit: number, frame: number, why: string): void {
    if (this.heldBytes <= limit) return;
    const before = this.heldBytes;
    let missing = 0;
    let firstFrame = 0;
    while (this.held.length !== 0 && this.heldBytes > limit) {
      const h = this.held[0]!;
      if (firstFrame === 0) firstFrame = h.frame;
      missing += Math.max(0, h.start - this.nextPos);
      this.giveUpFirstHole();
    }
    this.ctx.warn(
      frame,
      `TCP connection ${this.connId()}: ${before} out-of-order bytes held ${why}; ` +
        `${missing} never-seen bytes before frame ${firstFrame} given up as a gap`,
    );
  }

  /** Delivers [max(nextPos, pos), capEnd) of buf as data, then [.., end) as a gap. `buf[bufOff]` is at `pos`. */
  private emit(
    buf: Uint8Array, bufOff: number, pos: number, capEnd: number, end: number,
    frame: number, tsSec: number, tsNsec: number,
  ): void {
    let from = this.nextPos;
    if (from < capEnd) {
      // nextPos moves first: a skip() called from inside data() counts from the end of this chunk.
      this.nextPos = capEnd;
      this.delivered += capEnd - from;
      this.consumer!.data(this.direction, buf, bufOff + (from - pos), capEnd - from, frame, tsSec, tsNsec);
      from = this.nextPos;
    }
    if (from < end) {
      this.nextPos = end;
      this.consumer!.gap(this.direction, end - from, frame);
    }
  }

  /** Delivers held segments that are now in order. */
  private drain(): void {
    while (this.held.length !== 0 && this.held[0]!.start <= this.nextPos) {
      const h = this.takeFirst();
      this.emit(h.bytes, 0, h.start, h.start + h.bytes.length, heldEnd(h), h.frame, h.tsSec, h.tsNsec);
    }
  }

  private giveUpFirstHole(): void {
    const h = this.held[0]!;
    if (h.start > this.nextPos) {
      const missing = h.start - this.nextPos;
      this.nextPos = h.start;
      this.consumer!.gap(this.direction, missing, h.frame);
    }
    this.drain();
  }

  private takeFirst(): HeldSegment {
    const h = this.held.shift()!;
    this.unaccount(h.bytes.length);
    return h;
  }

  private unaccount(n: number): void {
    this.heldBytes -= n;
    this.ctx.heldTotal -= n;
    if (this.held.length === 0) this.ctx.holding.delete(this);
  }

  /** Drops held bytes below `pos` (they were skipped). */
  private dropHeldBelow(pos: number): void {
    while (this.held.length !== 0) {
      const h = this.held[0]!;
      if (h.start >= pos) return;
      const capEnd = h.start + h.bytes.length;
      if (heldEnd(h) <= pos) {
        this.takeFirst();
        continue;
      }
      // Straddles pos: keep the part above it, as a view (no copy).
      const cut = Math.min(pos, capEnd) - h.start;
      h.bytes = h.bytes.subarray(cut);
      if (pos > capEnd) h.missing -= pos - capEnd;
      h.start = pos;
      this.unaccount(cut);
      return;
    }
  }

  /**
   * An in-order segment while data is held: the held copies came first and win where they
   * overlap the new one (Wireshark's default); overlapping bytes that differ are reported.
   */
  private mergeInOrder(seg: TcpSegment, pos: number, capEnd: number, end: number): void {
    let warned = false;
    while (this.held.length !== 0) {
      const h = this.held[0]!;
      if (h.start >= end) break;
      if (h.start > this.nextPos) {
        this.emit(seg.data, seg.payloadOffset, pos, Math.min(capEnd, h.start), h.start, seg.frame, seg.tsSec, seg.tsNsec);
        // A skip from inside data() may have dropped or trimmed h.
        if (this.held.length === 0 || this.held[0] !== h || h.start > this.nextPos) continue;
      }
      if (!warned) warned = this.compare(seg, pos, capEnd, h);
      this.drainFirstOnly();
    }
    this.emit(seg.data, seg.payloadOffset, pos, capEnd, end, seg.frame, seg.tsSec, seg.tsNsec);
    this.drain();
  }

  private drainFirstOnly(): void {
    const h = this.takeFirst();
    this.emit(h.bytes, 0, h.start, h.start + h.bytes.length, heldEnd(h), h.frame, h.tsSec, h.tsNsec);
  }

  /**
   * Compares the captured bytes a new segment shares with a held one; warns once when they
   * differ. Returns true when it warned.
   */
  private compare(seg: TcpSegment, pos: number, capEnd: number, h: HeldSegment): boolean {
    const lo = Math.max(pos, h.start);
    const hi = Math.min(capEnd, h.start + h.bytes.length);
    if (hi <= lo) return false;
    const a = seg.data;
    const aOff = seg.payloadOffset + (lo - pos);
    const b = h.bytes;
    const bOff = lo - h.start;
    for (let i = 0, n = hi - lo; i < n; i++) {
      if (a[aOff + i] !== b[bOff + i]) {
        this.ctx.warn(
          seg.frame,
          `TCP connection ${this.connId()}: retransmitted bytes in frame ${seg.frame} differ from frame ` +
            `${h.frame} at stream offset ${lo + i} (${n} overlapping bytes); the first copy (frame ${h.frame}) is kept`,
        );
        return true;
      }
    }
    return false;
  }

  /** Keeps the parts of an out-of-order segment that no held segment covers yet (copied). */
  private hold(seg: TcpSegment, pos: number, capEnd: number, end: number): void {
    const held = this.held;
    // First held segment that ends above pos (ends are sorted like starts).
    let lo = 0;
    let hi = held.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (heldEnd(held[mid]!) <= pos) lo = mid + 1;
      else hi = mid;
    }
    const wasEmpty = held.length === 0;
    let i = lo;
    let cursor = pos;
    let warned = false;
    let added = 0;
    while (cursor < end) {
      const h = i < held.length ? held[i]! : null;
      const pieceEnd = h === null ? end : Math.min(end, h.start);
      if (pieceEnd > cursor) {
        const piece = this.piece(seg, pos, capEnd, cursor, pieceEnd);
        held.splice(i, 0, piece);
        added += piece.bytes.length;
        i++;
        cursor = pieceEnd;
        continue;
      }
      // cursor lies inside h: the held copy wins.
      if (!warned) warned = this.compare(seg, pos, capEnd, h!);
      cursor = heldEnd(h!);
      i++;
    }
    if (wasEmpty && held.length !== 0) this.ctx.holding.add(this);
    this.heldBytes += added;
    this.ctx.heldTotal += added;
    if (this.heldBytes > this.ctx.maxHeldPerDirection) {
      this.shed(this.ctx.maxHeldPerDirection, seg.frame, `exceed the per-direction cap of ${this.ctx.maxHeldPerDirection}`);
    }
  }

  private piece(seg: TcpSegment, pos: number, capEnd: number, from: number, to: number): HeldSegment {
    const bytesEnd = Math.min(to, capEnd);
    const bytes = bytesEnd > from
      ? seg.data.slice(seg.payloadOffset + (from - pos), seg.payloadOffset + (bytesEnd - pos))
      : new Uint8Array(0);
    return {
      start: from, bytes, missing: to - Math.max(from, bytesEnd),
      frame: seg.frame, tsSec: seg.tsSec, tsNsec: seg.tsNsec,
    };
  }
}
