/**
 * In-order delivery of one direction of a TCP connection.
 *
 * Positions are stream offsets (JS numbers, exact far beyond 2^32): position 0 is the first
 * payload byte (the byte after the SYN, or the first byte seen when the capture starts
 * mid-stream). A sequence number maps to a position relative to `nextPos` with a signed
 * 32-bit difference, which is what makes wraparound at 2^32 a non-event. For the same reason a
 * sequence or acknowledgement number may be passed signed (`| 0`) or unsigned; the table passes
 * it signed, which V8 passes without boxing.
 *
 * Everything below `nextPos` is settled: delivered, skipped on the consumer's request, or
 * declared missing. Skipping is nothing but moving `nextPos` forward, so a segment that falls
 * entirely inside a skip range is dropped by the same two comparisons that drop a
 * retransmission, whatever order it arrives in, and is never copied.
 */
import type { Direction, StreamConsumer } from './stream-types.js';
import type { TcpSegment } from '../net/tcp-segment.js';
import type { WarningSink } from '../report/warning.js';
import type { RecentBytes, RecentBytesPool } from './recent-bytes.js';

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
  /**
   * Copies of recently delivered bytes (RECENT_BYTES each), shared by the table's directions and
   * bounded over it; a direction that finds none free does not compare its retransmissions.
   */
  recent: RecentBytesPool;
}

/**
 * RFC 7323 §2.3: with window scaling the window is at most 2^30 bytes. Data more than that
 * ahead of the next expected byte is beyond any window the receiver could have offered, and a
 * retransmission repeats unacknowledged data, which lies at most one window behind: a segment
 * further away either way is not part of this stream (a middlebox rewriting sequence numbers,
 * a corrupted header, a reused 4-tuple). Wireshark marks such a segment "(suspected) spurious
 * retransmission" and does not reassemble it; neither do we, and we say so.
 */
export const MAX_WINDOW = 2 ** 30;

/** Re-exported for the table's options: bytes kept per direction to compare retransmissions with. */
export { RECENT_BYTES } from './recent-bytes.js';
/** Default table-wide number of recent-byte copies: 16 MiB. */
export const DEFAULT_MAX_RECENT_COPIES = 4096;

/** The `held` list of a direction that holds nothing: shared, frozen, replaced on the first hold. */
const NOTHING_HELD: HeldSegment[] = Object.freeze([] as HeldSegment[]) as HeldSegment[];

function heldEnd(h: HeldSegment): number {
  return h.start + h.bytes.length + h.missing;
}

/** One direction's reassembly state; the connection table owns two per connection. */
export class DirectionReassembler {
  /** Set by the first segment of this direction. */
  started = false;
  /**
   * Sequence number of position 0, as a signed 32-bit integer (only differences modulo 2^32
   * matter): V8 then keeps it unboxed.
   */
  origin = 0;
  /** Next position to settle. */
  nextPos = 0;
  /** Position the FIN occupies, -1 until a FIN is seen. */
  finPos = -1;
  finFrame = 0;
  /** Sorted, non-overlapping, all starting above `nextPos`. */
  private held: HeldSegment[] = NOTHING_HELD;
  heldBytes = 0;
  /** Bytes delivered, skipped and declared missing (for stats and tests). */
  delivered = 0;
  skipped = 0;
  consumer: StreamConsumer | null = null;
  direction: Direction = 0;
  /**
   * Copy of the last delivered bytes (only bytes handed to the consumer: data it skips, such as
   * TLS application data, never is). Null until data is delivered, or when the table has no
   * copy to spare; `recentRefused` then stops asking.
   */
  private recent: RecentBytes | null = null;
  private recentRefused = false;
  /** End position of the furthest segment received (held or delivered), skips aside. */
  private frontier = 0;

  /** Segments outside any window, retransmissions differing from delivered bytes: null until the first. */
  private anomalies: { outside: number; outsideFrame: number; conflicts: number; conflictFrame: number } | null = null;

  constructor(
    private readonly ctx: ReassemblyContext,
    /** Connection id, for warnings. */
    private readonly connId: number,
  ) {}

  /** Starts the direction at its first segment: after the SYN, or at the first byte seen. */
  start(seq: number, syn: boolean): void {
    this.started = true;
    this.origin = syn ? (seq + 1) | 0 : seq | 0;
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
    // Sequence numbers are placed relative to the bytes actually received: a consumer's skip can
    // move nextPos far beyond them (the TLS layer skips "everything" on a non-TLS stream), and
    // measuring from there would make every later segment look outside any window.
    const ref = next < this.frontier ? next : this.frontier;
    const delta = (dataSeq - this.origin - ref) | 0;
    if (delta > MAX_WINDOW || delta < -MAX_WINDOW) {
      this.outside(seg, dataSeq, delta);
      return;
    }
    const pos = ref + delta;
    const capEnd = pos + seg.payloadLength;
    const end = capEnd + seg.payloadMissing;
    if (end > this.frontier) this.frontier = end;
    // Retransmission, duplicate or skipped: held data all lies above nextPos; only the copy
    // of recently delivered bytes can tell whether it says the same.
    if (pos < next && this.recent !== null && pos < this.recent.end) this.compareRecent(seg, pos, Math.min(capEnd, next));
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
    // An acknowledgement beyond any window (see MAX_WINDOW) is a corrupt or rewritten header,
    // not news of bytes the capture missed.
    if (ackPos - this.nextPos > MAX_WINDOW) return;
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
    this.finPos = this.positionOf(syn ? (seq + 1) | 0 : seq) + wireLength;
    this.finFrame = frame;
    return true;
  }

  /**
   * True when `ack`, sent by the other side, acknowledges this direction's FIN (the FIN takes
   * one sequence number). Compared in 32-bit sequence space: a consumer's skip may have moved
   * stream positions far past the FIN.
   */
  acknowledgesFin(ack: number): boolean {
    if (this.finPos < 0) return false;
    const ahead = (ack - this.origin - this.finPos - 1) | 0;
    return ahead >= 0 && ahead <= MAX_WINDOW;
  }

  /** End of the connection: every hole becomes a gap, held data is delivered, and bytes missing before the FIN are reported. */
  flush(): void {
    this.summarize();
    while (this.held.length !== 0) this.giveUpFirstHole();
    if (this.finPos > this.nextPos && this.consumer !== null) {
      const missing = this.finPos - this.nextPos;
      this.nextPos = this.finPos;
      this.consumer.gap(this.direction, missing, this.finFrame);
    }
  }

  /** Drops all held data without delivering it (state release). */
  release(): void {
    if (this.recent !== null) {
      this.ctx.recent.release(this.recent);
      this.recent = null;
    }
    if (this.held.length !== 0) {
      this.ctx.heldTotal -= this.heldBytes;
      this.heldBytes = 0;
      this.held = NOTHING_HELD;
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
      `TCP connection ${this.connId}: ${before} out-of-order bytes held ${why}; ` +
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
      // After data(): `buf` is still the packet's, and a skip() it made does not change what was delivered.
      this.remember(buf, bufOff + (from - pos), from, capEnd - from, frame);
      from = this.nextPos;
    }
    if (from < end) {
      this.nextPos = end;
      this.consumer!.gap(this.direction, end - from, frame);
    }
  }

  /** Copies the tail of a delivered chunk, when the table has a copy to spare for this direction. */
  private remember(buf: Uint8Array, off: number, pos: number, length: number, frame: number): void {
    let recent = this.recent;
    if (recent === null) {
      if (this.recentRefused) return;
      recent = this.recent = this.ctx.recent.acquire();
      if (recent === null) {
        this.recentRefused = true;
        return;
      }
    }
    recent.remember(buf, off, pos, length, frame);
  }

  private anomalyCounts(): NonNullable<DirectionReassembler['anomalies']> {
    return (this.anomalies ??= { outside: 0, outsideFrame: 0, conflicts: 0, conflictFrame: 0 });
  }

  /**
   * Compares the captured bytes [pos, upTo) of a segment that repeats delivered data with the
   * copy kept of them; warns on the first difference of the direction, counts the later ones.
   */
  private compareRecent(seg: TcpSegment, pos: number, upTo: number): void {
    const difference = this.recent!.firstDifference(seg.data, seg.payloadOffset, pos, upTo);
    if (difference === null) return;
    const counts = this.anomalyCounts();
    if (counts.conflicts++ !== 0) return;
    counts.conflictFrame = seg.frame;
    this.ctx.warn(
      seg.frame,
      `TCP connection ${this.connId}: retransmitted bytes in frame ${seg.frame} differ from the ${this.side()} bytes already ` +
        `delivered${difference.frame >= 0 ? ` from frame ${difference.frame}` : ''} at stream offset ${difference.offset} ` +
        `(${difference.compared} overlapping bytes); the first copy is kept, the receiving host may have kept the other`,
    );
  }

  /** A segment outside any TCP window (see MAX_WINDOW): not reassembled; the first one per direction is warned about. */
  private outside(seg: TcpSegment, dataSeq: number, delta: number): void {
    const counts = this.anomalyCounts();
    if (counts.outside++ !== 0) return;
    counts.outsideFrame = seg.frame;
    const expected = (this.origin + Math.min(this.nextPos, this.frontier)) >>> 0;
    this.ctx.warn(
      seg.frame,
      `TCP connection ${this.connId}: ${this.side()} segment in frame ${seg.frame} has sequence number ${dataSeq >>> 0}, ` +
        `${Math.abs(delta)} bytes ${delta > 0 ? 'ahead of' : 'behind'} the next expected ${expected}: outside any TCP window ` +
        `(at most 2^30 bytes, RFC 7323), so not part of this stream; its ${seg.payloadLength + seg.payloadMissing} bytes are not reassembled`,
    );
  }

  /** At the end: how many more segments were outside the window or differed, after the warned one. */
  private summarize(): void {
    const counts = this.anomalies;
    if (counts === null) return;
    if (counts.outside > 1) {
      this.ctx.warn(
        counts.outsideFrame,
        `TCP connection ${this.connId}: ${counts.outside - 1} more ${this.side()} segments after frame ${counts.outsideFrame} were outside any TCP window and not reassembled`,
      );
    }
    if (counts.conflicts > 1) {
      this.ctx.warn(
        counts.conflictFrame,
        `TCP connection ${this.connId}: ${counts.conflicts - 1} more ${this.side()} retransmissions after frame ${counts.conflictFrame} differ from bytes already delivered`,
      );
    }
    this.anomalies = null;
  }

  private side(): string {
    return this.direction === 0 ? 'client' : 'server';
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
          `TCP connection ${this.connId}: retransmitted bytes in frame ${seg.frame} differ from frame ` +
            `${h.frame} at stream offset ${lo + i} (${n} overlapping bytes); the first copy (frame ${h.frame}) is kept`,
        );
        return true;
      }
    }
    return false;
  }

  /** Keeps the parts of an out-of-order segment that no held segment covers yet (copied). */
  private hold(seg: TcpSegment, pos: number, capEnd: number, end: number): void {
    if (this.held === NOTHING_HELD) this.held = [];
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
