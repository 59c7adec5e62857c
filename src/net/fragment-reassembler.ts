/**
 * Puts IPv4 and IPv6 fragments back together into the datagram payload they were cut from.
 *
 * Overlaps are resolved the way Wireshark does: bytes already held win over later ones, so the
 * result does not depend on anything but arrival order; an overlap that brings different bytes
 * is reported once per datagram. Memory is capped in bytes and in datagrams: when a cap is hit
 * the oldest incomplete datagram is dropped (and reported). A datagram whose first fragment is
 * older than the timeout (capture time) is dropped too, so that an IP ID reused much later
 * does not mix two datagrams.
 */
export interface FragmentReassemblerOptions {
  maxBytes: number;
  maxDatagrams: number;
  /** Seconds of capture time after which an incomplete datagram is given up. */
  timeoutSeconds?: number;
  warn: (frame: number | null, text: string) => void;
}

/** One fragment as the IP decoders see it. */
export interface FragmentInput {
  /** Identifies the datagram: source, destination, id (and protocol for IPv4). */
  key: string;
  frame: number;
  tsSec: number;
  /** Offset of the fragment data in the datagram payload, bytes. */
  offset: number;
  more: boolean;
  data: Uint8Array;
  start: number;
  end: number;
  /** For IPv6: the Fragment header's Next Header (meaningful on the offset-0 fragment). */
  nextHeader: number;
}

interface Piece {
  offset: number;
  bytes: Uint8Array;
}

interface Datagram {
  firstFrame: number;
  firstTsSec: number;
  pieces: Piece[];
  /** Covered byte ranges, sorted and merged: [start0, end0, start1, end1, ...]. */
  covered: number[];
  /** Payload length, known once the fragment without M has arrived; -1 before. */
  totalLength: number;
  nextHeader: number;
  bytesHeld: number;
  conflictReported: boolean;
}

/** A completed datagram: its payload and the next header recorded from its first fragment. */
export interface ReassembledDatagram {
  payload: Uint8Array;
  nextHeader: number;
  fragments: number;
}

/** Counts of datagrams given up, for the end-of-capture summary. */
export interface AbandonedFragments {
  datagrams: number;
  fragments: number;
  /** First frames of up to 10 abandoned datagrams, to point at them. */
  firstFrames: number[];
}

const MAX_DATAGRAM = 65535;

export class FragmentReassembler {
  private readonly datagrams = new Map<string, Datagram>();
  private bytesHeld = 0;
  private capWarned = false;
  private readonly timeoutSeconds: number;
  readonly abandoned: AbandonedFragments = { datagrams: 0, fragments: 0, firstFrames: [] };

  constructor(private readonly options: FragmentReassemblerOptions) {
    this.timeoutSeconds = options.timeoutSeconds ?? 60;
  }

  /** Datagrams currently waiting for fragments. */
  get pending(): number {
    return this.datagrams.size;
  }

  /**
   * Adds one fragment; returns the datagram when this fragment completes it, else null.
   * A fragment that contradicts its datagram (ends past the datagram's end, two different
   * ends) drops the datagram with a warning.
   */
  add(fragment: FragmentInput): ReassembledDatagram | null {
    const { key, frame, offset } = fragment;
    const length = fragment.end - fragment.start;
    const end = offset + length;
    if (end > MAX_DATAGRAM) {
      this.options.warn(frame, `IP fragment ends at byte ${end}, past the largest datagram (65,535 bytes); dropped`);
      return null;
    }
    this.expireOlderThan(fragment.tsSec - this.timeoutSeconds);

    let datagram = this.datagrams.get(key);
    if (datagram === undefined) {
      this.makeRoom(length, 1);
      datagram = { firstFrame: frame, firstTsSec: fragment.tsSec, pieces: [], covered: [], totalLength: -1, nextHeader: -1, bytesHeld: 0, conflictReported: false };
      this.datagrams.set(key, datagram);
    } else {
      this.makeRoom(length, 0, key);
    }

    if (!fragment.more) {
      if (datagram.totalLength >= 0 && datagram.totalLength !== end) {
        return this.drop(key, datagram, frame, `IP fragment says the datagram ends at byte ${end}, an earlier one said ${datagram.totalLength}`);
      }
      const covered = datagram.covered;
      if (covered.length > 0 && covered[covered.length - 1]! > end) {
        return this.drop(key, datagram, frame, `IP fragment says the datagram ends at byte ${end}, but earlier fragments reach byte ${covered[covered.length - 1]}`);
      }
      datagram.totalLength = end;
    } else if (datagram.totalLength >= 0 && end > datagram.totalLength) {
      return this.drop(key, datagram, frame, `IP fragment reaches byte ${end}, past the datagram end ${datagram.totalLength}`);
    }
    if (offset === 0) datagram.nextHeader = fragment.nextHeader;

    if (length > 0) {
      this.checkOverlap(datagram, frame, fragment, offset, end);
      const bytes = fragment.data.slice(fragment.start, fragment.end);
      datagram.pieces.push({ offset, bytes });
      datagram.bytesHeld += length;
      this.bytesHeld += length;
      cover(datagram.covered, offset, end);
    }

    const covered = datagram.covered;
    if (datagram.totalLength < 0 || covered.length !== 2 || covered[0] !== 0 || covered[1] !== datagram.totalLength) {
      return null;
    }
    this.datagrams.delete(key);
    this.bytesHeld -= datagram.bytesHeld;
    const payload = new Uint8Array(datagram.totalLength);
    // Later arrivals first, so that earlier ones overwrite them: the first bytes received win.
    for (let i = datagram.pieces.length - 1; i >= 0; i--) {
      const piece = datagram.pieces[i]!;
      payload.set(piece.bytes, piece.offset);
    }
    return { payload, nextHeader: datagram.nextHeader, fragments: datagram.pieces.length };
  }

  /** Gives up every datagram still incomplete (end of capture) and returns what was given up. */
  finish(): AbandonedFragments {
    for (const [key, datagram] of this.datagrams) this.abandon(key, datagram);
    return this.abandoned;
  }

  private checkOverlap(datagram: Datagram, frame: number, fragment: FragmentInput, offset: number, end: number): void {
    if (datagram.conflictReported) return;
    for (const piece of datagram.pieces) {
      const from = Math.max(offset, piece.offset);
      const to = Math.min(end, piece.offset + piece.bytes.length);
      for (let at = from; at < to; at++) {
        if (piece.bytes[at - piece.offset] !== fragment.data[fragment.start + at - offset]) {
          datagram.conflictReported = true;
          this.options.warn(frame, `IP fragment overlaps bytes ${from}-${to - 1} of its datagram (first fragment in frame ${datagram.firstFrame}) with different data; the bytes received first are kept`);
          return;
        }
      }
    }
  }

  private expireOlderThan(limitSec: number): void {
    for (const [key, datagram] of this.datagrams) {
      // Map order is insertion order, i.e. capture order: stop at the first young one.
      if (datagram.firstTsSec >= limitSec) return;
      this.abandon(key, datagram);
    }
  }

  /** Drops the oldest datagrams until `bytes` more and `datagrams` more fit under the caps. */
  private makeRoom(bytes: number, datagrams: number, keep?: string): void {
    const { maxBytes, maxDatagrams } = this.options;
    while (this.bytesHeld + bytes > maxBytes || this.datagrams.size + datagrams > maxDatagrams) {
      let victim: [string, Datagram] | undefined;
      for (const entry of this.datagrams) {
        if (entry[0] !== keep) {
          victim = entry;
          break;
        }
      }
      if (victim === undefined) return;
      if (!this.capWarned) {
        this.capWarned = true;
        this.options.warn(victim[1].firstFrame, `IP fragment reassembly limit reached (${maxBytes} bytes, ${maxDatagrams} datagrams held): incomplete datagrams are being dropped, oldest first`);
      }
      this.abandon(victim[0], victim[1]);
    }
  }

  private drop(key: string, datagram: Datagram, frame: number, reason: string): null {
    this.options.warn(frame, `${reason}; datagram (first fragment in frame ${datagram.firstFrame}) dropped`);
    this.abandon(key, datagram);
    return null;
  }

  private abandon(key: string, datagram: Datagram): void {
    this.datagrams.delete(key);
    this.bytesHeld -= datagram.bytesHeld;
    this.abandoned.datagrams++;
    this.abandoned.fragments += datagram.pieces.length;
    if (this.abandoned.firstFrames.length < 10) this.abandoned.firstFrames.push(datagram.firstFrame);
  }
}

/** Adds [from, to) to a sorted, merged list of ranges. */
function cover(ranges: number[], from: number, to: number): void {
  let start = from;
  let end = to;
  const kept: number[] = [];
  let inserted = false;
  for (let i = 0; i < ranges.length; i += 2) {
    const a = ranges[i]!;
    const b = ranges[i + 1]!;
    if (b < start) {
      kept.push(a, b);
    } else if (a > end) {
      if (!inserted) {
        kept.push(start, end);
        inserted = true;
      }
      kept.push(a, b);
    } else {
      start = Math.min(start, a);
      end = Math.max(end, b);
    }
  }
  if (!inserted) kept.push(start, end);
  ranges.length = 0;
  for (const value of kept) ranges.push(value);
}
