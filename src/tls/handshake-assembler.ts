/**
 * Rebuilds handshake messages from the bodies of one direction's handshake records: a message
 * may span records (and so TCP segments), and a record may carry several messages. Bytes are
 * copied only when a message is split; a message that lies whole in one chunk is read in place.
 */
import { Cursor } from '../util/cursor.js';
import { HANDSHAKE_HEADER_LENGTH } from './handshake-header.js';

/** Where a completed (or lost) message sits on the wire. */
export interface AssembledMessage {
  type: number;
  length: number;
  /** Version of the record that carried the message's first byte. */
  recordVersion: number;
  /** The body, or null when it was not kept (over the size cap, or cut by a gap). */
  body: Cursor | null;
  /** Why the body is null. */
  dropped: 'too-large' | 'gap' | null;
  /**
   * The body is a buffer this message alone owns (it was copied together from several
   * pieces), so views into it may be kept; false when it is read in place from the caller's bytes.
   */
  owned: boolean;
}

/**
 * What an assembler reports to. One object with two methods rather than two callbacks: the
 * decoder's direction state is its own sink, so a connection makes no closures.
 */
export interface HandshakeSink {
  /** Receives each message when its last byte arrives. */
  message(message: AssembledMessage): void;
  /**
   * Receives each message's header as soon as it is read: `tooLarge` says its body will be
   * skipped unread, so the caller can report it at once instead of after the declared length
   * (up to 16 MB, which a capture may never hold).
   */
  header(type: number, length: number, tooLarge: boolean): void;
}

/** What a gap did to the message under way. */
export interface GapHit {
  type: number;
  /** Declared body length of the message hit. */
  length: number;
  /** Bytes of the gap that fell inside the message. */
  missingInMessage: number;
  /** The gap reached (or passed) the message's end: the message is over. */
  ended: boolean;
}

const EMPTY = new Uint8Array(0);

/**
 * Bodies split across chunks up to this size are gathered in a pooled buffer, returned to the
 * pool once the sink has read the message: a new buffer per split message (a Certificate
 * flight spans several segments on nearly every connection) was a malloc'd backing store each,
 * freed only by the garbage collector. Larger ones (rare) get a buffer of their own.
 */
const POOLED_BODY_BYTES = 16 * 1024;
/**
 * Pooled buffers made at most, for the whole process (512 KiB). When all are in use (many
 * connections stalled inside a message at once), a message gets a buffer of its own exact
 * size, as before the pool: a partial message never holds more than its own size plus these.
 */
const MAX_POOLED = 32;
const pool: Uint8Array[] = [];
let pooledMade = 0;

/** A pooled buffer, or null when all MAX_POOLED are in use. */
function takeBuffer(): Uint8Array | null {
  const free = pool.pop();
  if (free !== undefined) return free;
  if (pooledMade >= MAX_POOLED) return null;
  pooledMade++;
  return new Uint8Array(POOLED_BODY_BYTES);
}

function giveBack(buffer: Uint8Array): void {
  pool.push(buffer);
}

/** One direction's handshake reassembly. */
export class HandshakeAssembler {
  /** A header split across records, made on first need. */
  private header: Uint8Array | null = null;
  private headerFill = 0;
  private type = -1;
  private length = 0;
  private recordVersion = 0;
  private buffer: Uint8Array | null = null;
  /** `buffer` is from the pool (see POOLED_BODY_BYTES). */
  private pooled = false;
  private fill = 0;
  /** Body bytes still to drop for a message we do not keep. */
  private discard = 0;
  private dropReason: 'too-large' | 'gap' | null = null;
  /** Framing lost inside a record: ignore bytes until the next handshake record starts. */
  private lostUntilRecord = false;

  constructor(
    private readonly maxMessageBytes: number,
    private readonly sink: HandshakeSink,
  ) {}

  /** True when no message is partly read. */
  get idle(): boolean {
    return this.type < 0 && this.headerFill === 0;
  }

  /** The message under way (its header read), or null. */
  get current(): { type: number; length: number } | null {
    return this.type < 0 ? null : { type: this.type, length: this.length };
  }

  /** A new handshake record begins: after lost framing, assume a message starts here. */
  recordStart(): void {
    if (this.lostUntilRecord) {
      this.lostUntilRecord = false;
      this.reset();
    }
  }

  /** Feeds the bytes [start, end) of a handshake record body, carried by a record of `recordVersion`. */
  push(bytes: Uint8Array, start: number, end: number, recordVersion: number): void {
    let pos = start;
    while (pos < end) {
      if (this.lostUntilRecord) return;
      if (this.type < 0) {
        let type: number;
        let length: number;
        if (this.headerFill === 0 && end - pos >= HANDSHAKE_HEADER_LENGTH) {
          type = bytes[pos]!;
          length = (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
          this.recordVersion = recordVersion;
          pos += HANDSHAKE_HEADER_LENGTH;
        } else {
          if (this.headerFill === 0) this.recordVersion = recordVersion;
          const h = this.header ?? (this.header = new Uint8Array(HANDSHAKE_HEADER_LENGTH));
          h[this.headerFill++] = bytes[pos++]!;
          if (this.headerFill < HANDSHAKE_HEADER_LENGTH) continue;
          this.headerFill = 0;
          type = h[0]!;
          length = (h[1]! << 16) | (h[2]! << 8) | h[3]!;
        }
        this.beginMessage(type, length);
        if (this.discard > 0) continue;
        if (length === 0) {
          this.finish(new Cursor(EMPTY), false);
        } else if (end - pos >= length) {
          // Whole body in this piece: parse in place, no copy.
          const body = new Cursor(bytes, pos, pos + length);
          pos += length;
          this.finish(body, false);
        } else {
          const pooled = length <= POOLED_BODY_BYTES ? takeBuffer() : null;
          this.pooled = pooled !== null;
          this.buffer = pooled ?? new Uint8Array(length);
        }
        continue;
      }
      if (this.discard > 0) {
        const n = Math.min(this.discard, end - pos);
        this.discard -= n;
        pos += n;
        if (this.discard === 0) this.finish(null, false);
        continue;
      }
      const buf = this.buffer!;
      const n = Math.min(this.length - this.fill, end - pos);
      buf.set(bytes.subarray(pos, pos + n), this.fill);
      this.fill += n;
      pos += n;
      if (this.fill === this.length) {
        // A pooled buffer is the sink's only during the call (as bytes read in place are).
        const pooled = this.pooled;
        this.buffer = null;
        this.pooled = false;
        this.finish(new Cursor(buf, 0, this.length), !pooled);
        if (pooled) giveBack(buf);
      }
    }
  }

  /**
   * `missing` bytes of the handshake stream were never captured. When they fall inside the
   * message under way, that message is lost but framing survives (its length is known);
   * otherwise framing is lost until the next handshake record. Returns what the gap did to the
   * message under way, or null when none had begun.
   */
  gap(missing: number): GapHit | null {
    if (this.type < 0) {
      this.reset();
      this.lostUntilRecord = true;
      return null;
    }
    const hit: GapHit = { type: this.type, length: this.length, missingInMessage: 0, ended: false };
    const left = this.discard > 0 ? this.discard : this.length - this.fill;
    this.dropBuffer();
    this.fill = 0;
    this.dropReason = 'gap';
    if (missing < left) {
      this.discard = left - missing;
      hit.missingInMessage = missing;
      return hit;
    }
    hit.missingInMessage = left;
    hit.ended = true;
    this.finish(null, false);
    if (missing > left) {
      this.reset();
      this.lostUntilRecord = true;
    }
    return hit;
  }

  /** Drops any partial state (gap across records, direction stopped). */
  reset(): void {
    this.headerFill = 0;
    this.type = -1;
    this.length = 0;
    this.dropBuffer();
    this.fill = 0;
    this.discard = 0;
    this.dropReason = null;
  }

  /** Forgets the partial body, its buffer back to the pool if it came from there. */
  private dropBuffer(): void {
    if (this.pooled && this.buffer !== null) giveBack(this.buffer);
    this.buffer = null;
    this.pooled = false;
  }

  private beginMessage(type: number, length: number): void {
    this.type = type;
    this.length = length;
    this.fill = 0;
    this.buffer = null;
    this.dropReason = null;
    this.discard = 0;
    const tooLarge = length > this.maxMessageBytes;
    if (tooLarge) {
      this.discard = length;
      this.dropReason = 'too-large';
    }
    this.sink.header(type, length, tooLarge);
  }

  private finish(body: Cursor | null, owned: boolean): void {
    const message: AssembledMessage = {
      type: this.type,
      length: this.length,
      recordVersion: this.recordVersion,
      body,
      dropped: body ? null : this.dropReason,
      owned,
    };
    this.type = -1;
    this.length = 0;
    this.dropBuffer();
    this.fill = 0;
    this.discard = 0;
    this.dropReason = null;
    this.sink.message(message);
  }
}
