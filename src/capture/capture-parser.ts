import { CaptureError, type CaptureSummary, type PacketHandler } from './packet.js';
import type { WarningSink } from '../report/warning.js';
import { describeMagic, describeOtherCaptureFormat } from './describe-magic.js';
import { PacketEmitter } from './packet-emitter.js';
import { isPcapMagic, PcapRecordParser } from './pcap-records.js';
import { isPcapngMagic, PcapngBlockParser } from './pcapng-blocks.js';
import type { RecordParser } from './record-parser.js';

/** Bytes looked at before deciding what the input is: enough for a readable "not a capture" message. */
const SNIFF_LENGTH = 16;

/** Options of the push parser. */
export interface CaptureParserOptions {
  warn?: WarningSink;
  /** Initial size of the reused buffer; it grows only for a record bigger than it. */
  bufferSize?: number;
  /** The bytes were gzip-compressed (said in "not a capture" messages). */
  decompressed?: boolean;
}

/**
 * A push parser for pcap and pcapng. Feed it bytes in any slicing (`push`), or let it hand out
 * its own buffer to read into (`writable` + `commit`); call `end()` at the end of input.
 *
 * Whole records are parsed in place where they arrive; only the incomplete record at the end of
 * a chunk is copied, to the front of one reused buffer, and completed from the next chunk. The
 * buffer grows only when one record is bigger than it.
 */
export class CaptureParser {
  private readonly emitter: PacketEmitter;
  private readonly decompressed: boolean;
  private buffer: Uint8Array;
  private view: DataView;
  /** Bytes at the front of `buffer` carried over: the start of an incomplete record. */
  private tail = 0;
  private records: RecordParser | null = null;
  private bytes = 0;

  constructor(handler: PacketHandler, options: CaptureParserOptions = {}) {
    this.emitter = new PacketEmitter(handler, options.warn ?? (() => {}));
    this.decompressed = options.decompressed ?? false;
    this.buffer = new Uint8Array(Math.max(options.bufferSize ?? 1 << 20, 1));
    this.view = new DataView(this.buffer.buffer);
  }

  /** Bytes received so far. */
  get bytesRead(): number {
    return this.bytes;
  }

  /** True once the parser gave up on the rest of the input (a warning said why): stop feeding it. */
  get stopped(): boolean {
    return this.records !== null && this.records.stopped;
  }

  /**
   * Parses a chunk: `chunk[0, length)`, all of it by default (a reader refilling its own
   * buffers passes the buffer and a length, so packets keep pointing at the same few buffers).
   * The chunk is read in place and may be reused by the caller once this returns.
   * @throws RangeError when `length` is beyond the chunk
   */
  push(chunk: Uint8Array, length: number = chunk.length): void {
    if (length > chunk.length) throw new RangeError(`push: length ${length} is beyond the ${chunk.length}-byte chunk`);
    this.bytes += length;
    if (this.stopped || length === 0) return;
    let pos = 0;
    // First complete the record carried over, taking from the chunk only the bytes it lacks.
    while (this.tail > 0) {
      const need = this.nextLength(this.view, 0, this.tail);
      if (need > this.tail) {
        const take = Math.min(need - this.tail, length - pos);
        this.ensureCapacity(need);
        this.buffer.set(chunk.subarray(pos, pos + take), this.tail);
        this.tail += take;
        pos += take;
        if (this.tail < need) return;
      }
      const used = this.consume(this.buffer, this.view, 0, this.tail);
      if (this.stopped) {
        this.tail = 0;
        return;
      }
      if (used === 0 && this.nextLength(this.view, 0, this.tail) <= this.tail) {
        throw new Error('capture parser made no progress on a complete record'); // a bug, never input
      }
      this.dropFront(used);
    }
    if (pos === length) return;
    const used = this.consume(chunk, new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength), pos, length);
    if (this.stopped) return;
    const rest = length - used;
    if (rest > 0) {
      this.ensureCapacity(rest);
      this.buffer.set(chunk.subarray(used, length), 0);
      this.tail = rest;
    }
  }

  /**
   * The free part of the internal buffer, after the carried-over bytes, for a reader to fill;
   * then call `commit(n)`. Large enough for at least the rest of the pending record.
   */
  writable(): Uint8Array {
    if (this.tail > 0) this.ensureCapacity(this.nextLength(this.view, 0, this.tail));
    return this.buffer.subarray(this.tail);
  }

  /** Parses the `n` bytes just written into `writable()`. */
  commit(n: number): void {
    this.bytes += n;
    if (this.stopped) return;
    const end = this.tail + n;
    const used = this.consume(this.buffer, this.view, 0, end);
    if (this.stopped) {
      this.tail = 0;
      return;
    }
    this.tail = end;
    this.dropFront(used);
  }

  /**
   * Ends the input: reports a record cut short, and returns the summary.
   * @throws CaptureError when the input was not a capture at all (or empty).
   */
  end(): CaptureSummary {
    if (this.records === null) {
      // Fewer bytes than the sniff needs: decide on what there is.
      if (this.tail >= 4) this.detect(this.view, 0, this.tail);
      else throw this.notACapture(this.buffer.subarray(0, this.tail));
    }
    const records = this.records!;
    if (this.tail > 0 && !records.stopped) {
      const used = records.parse(this.buffer, this.view, 0, this.tail);
      if (used < this.tail && !records.stopped) records.reportTruncated(this.view, used, this.tail);
    }
    this.tail = 0;
    records.finish?.();
    const e = this.emitter;
    e.finish();
    return {
      format: records.format,
      linkTypes: [...e.linkTypes],
      packets: e.frames,
      first: e.frames > 0 ? { sec: e.firstSec, nsec: e.firstNsec } : null,
      last: e.frames > 0 ? { sec: e.lastSec, nsec: e.lastNsec } : null,
      bytes: this.bytes,
    };
  }

  private nextLength(view: DataView, start: number, end: number): number {
    return this.records === null ? SNIFF_LENGTH : this.records.nextRecordLength(view, start, end);
  }

  private consume(bytes: Uint8Array, view: DataView, start: number, end: number): number {
    if (this.records === null) {
      if (end - start < SNIFF_LENGTH) return start;
      this.detect(view, start, end);
    }
    return this.records!.parse(bytes, view, start, end);
  }

  private detect(view: DataView, start: number, end: number): void {
    if (isPcapMagic(view, start)) {
      this.records = new PcapRecordParser(this.emitter, view.getUint32(start, false));
    } else if (isPcapngMagic(view, start)) {
      this.records = new PcapngBlockParser(this.emitter);
    } else {
      const head = new Uint8Array(view.buffer, view.byteOffset + start, Math.min(end - start, 64));
      const other = describeOtherCaptureFormat(head);
      if (other) {
        throw new CaptureError(
          `${other} is not supported: convert it with "editcap -F pcapng IN OUT" or open it in Wireshark and save it as pcapng`,
          'unsupported',
        );
      }
      throw this.notACapture(head);
    }
    this.emitter.formatKnown(this.records.format);
  }

  private notACapture(head: Uint8Array): CaptureError {
    const what = describeMagic(head);
    return new CaptureError(
      `not a pcap or pcapng capture: ${this.decompressed && head.length > 0 ? `gzip-compressed data that ${what}` : what}`,
      'not-a-capture',
    );
  }

  private dropFront(n: number): void {
    if (n === 0) return;
    this.buffer.copyWithin(0, n, this.tail);
    this.tail -= n;
  }

  private ensureCapacity(n: number): void {
    if (n <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(n, Math.min(this.buffer.length * 2, n * 2)));
    grown.set(this.buffer.subarray(0, this.tail));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}
