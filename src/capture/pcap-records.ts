import type { PacketEmitter } from './packet-emitter.js';
import { MAX_PCAP_RECORD, type RecordParser } from './record-parser.js';

/** The classic pcap magic numbers, read as big-endian u32 from the first four bytes. */
const PCAP_MAGICS: ReadonlyMap<number, { littleEndian: boolean; nanoseconds: boolean; modified: boolean }> = new Map([
  [0xa1b2c3d4, { littleEndian: false, nanoseconds: false, modified: false }],
  [0xd4c3b2a1, { littleEndian: true, nanoseconds: false, modified: false }],
  [0xa1b23c4d, { littleEndian: false, nanoseconds: true, modified: false }],
  [0x4d3cb2a1, { littleEndian: true, nanoseconds: true, modified: false }],
  // Alexey Kuznetzov's patched libpcap: 8 more bytes per record (ifindex, protocol, pkt_type).
  [0xa1b2cd34, { littleEndian: false, nanoseconds: false, modified: true }],
  [0x34cdb2a1, { littleEndian: true, nanoseconds: false, modified: true }],
]);

const FILE_HEADER_LENGTH = 24;

/** True when the four bytes at `start` are a classic pcap magic number. */
export function isPcapMagic(view: DataView, start: number): boolean {
  return PCAP_MAGICS.has(view.getUint32(start, false));
}

/**
 * Classic libpcap format (draft-ietf-opsawg-pcap §4-5):
 *   File Header: Magic Number(32) Major(16) Minor(16) Reserved1(32) Reserved2(32)
 *                SnapLen(32) LinkType and additional information(32)
 *   Packet Record: Timestamp (Seconds)(32) Timestamp (Micro/Nanoseconds)(32)
 *                  Captured Packet Length(32) Original Packet Length(32) Packet Data
 */
export class PcapRecordParser implements RecordParser {
  readonly format = 'pcap' as const;
  stopped = false;
  private readonly littleEndian: boolean;
  private readonly fractionToNs: number;
  private readonly fractionLimit: number;
  private readonly recordHeaderLength: number;
  private headerRead = false;
  private snaplen = 0;
  private linkType = 0;
  /** Captured lengths above this are reported (the snaplen, or the format limit when the header gives none). */
  private snapLimit = MAX_PCAP_RECORD;

  constructor(
    private readonly emitter: PacketEmitter,
    magic: number,
  ) {
    const kind = PCAP_MAGICS.get(magic);
    if (!kind) throw new RangeError(`not a pcap magic number: ${magic.toString(16)}`);
    this.littleEndian = kind.littleEndian;
    this.fractionToNs = kind.nanoseconds ? 1 : 1000;
    this.fractionLimit = kind.nanoseconds ? 1_000_000_000 : 1_000_000;
    this.recordHeaderLength = kind.modified ? 24 : 16;
  }

  private readFileHeader(view: DataView, start: number): void {
    const le = this.littleEndian;
    const major = view.getUint16(start + 4, le);
    const minor = view.getUint16(start + 6, le);
    this.snaplen = view.getUint32(start + 16, le);
    // The top 6 bits may carry the FCS length; the link type is in the rest (libpcap LT_LINKTYPE).
    this.linkType = view.getUint32(start + 20, le) & 0x03ffffff;
    if (this.snaplen > 0 && this.snaplen < MAX_PCAP_RECORD) this.snapLimit = this.snaplen;
    if (major !== 2) this.emitter.warn(null, `pcap file header says version ${major}.${minor}; reading it as 2.4`);
    this.emitter.addLinkType(this.linkType);
    this.headerRead = true;
  }

  parse(bytes: Uint8Array, view: DataView, start: number, end: number): number {
    let pos = start;
    if (!this.headerRead) {
      if (end - pos < FILE_HEADER_LENGTH) return pos;
      this.readFileHeader(view, pos);
      pos += FILE_HEADER_LENGTH;
    }
    const le = this.littleEndian;
    const headerLength = this.recordHeaderLength;
    const snapLimit = this.snapLimit;
    const emitter = this.emitter;
    const p = emitter.packet;
    p.data = bytes;
    p.linkType = this.linkType;
    p.interfaceId = 0;
    while (end - pos >= headerLength) {
      const captured = view.getUint32(pos + 8, le);
      if (captured > snapLimit && !this.acceptOversized(captured)) return pos;
      const next = pos + headerLength + captured;
      if (next > end) break;
      const fraction = view.getUint32(pos + 4, le);
      p.tsSec = view.getUint32(pos, le);
      p.tsNsec = fraction * this.fractionToNs;
      if (fraction >= this.fractionLimit) this.carryFraction(fraction);
      p.offset = pos + headerLength;
      p.capturedLength = captured;
      p.originalLength = view.getUint32(pos + 12, le);
      if (p.originalLength < captured) this.reportShortOriginal();
      emitter.emit();
      pos = next;
    }
    return pos;
  }

  /** Over the snaplen: reported once and read. Over the format limit: the file is corrupt here, stop. */
  private acceptOversized(captured: number): boolean {
    const frame = this.emitter.frames + 1;
    if (captured > MAX_PCAP_RECORD) {
      this.emitter.warn(
        frame,
        `pcap record header of packet ${frame} claims ${captured} captured bytes (more than ${MAX_PCAP_RECORD}): ` +
          'the file is corrupt from here on; stopped reading',
      );
      this.stopped = true;
      return false;
    }
    this.emitter.warnOnce(
      'pcap-snaplen',
      frame,
      `packet ${frame} has ${captured} captured bytes, more than the snapshot length ${this.snaplen} in the file header`,
    );
    return true;
  }

  /** A fraction of a second of 1e6 µs (or 1e9 ns) or more: carry it into the seconds. */
  private carryFraction(fraction: number): void {
    const p = this.emitter.packet;
    const carry = Math.floor(fraction / this.fractionLimit);
    p.tsSec += carry;
    p.tsNsec = (fraction - carry * this.fractionLimit) * this.fractionToNs;
    this.emitter.warnOnce(
      'pcap-fraction',
      this.emitter.frames + 1,
      `packet ${this.emitter.frames + 1} has a sub-second timestamp field of ${fraction} (out of range); carried into the seconds`,
    );
  }

  private reportShortOriginal(): void {
    const p = this.emitter.packet;
    this.emitter.warnOnce(
      'pcap-original-length',
      this.emitter.frames + 1,
      `packet ${this.emitter.frames + 1} has an original length of ${p.originalLength}, less than its ${p.capturedLength} captured bytes`,
    );
  }

  nextRecordLength(view: DataView, start: number, end: number): number {
    if (!this.headerRead) return FILE_HEADER_LENGTH;
    if (end - start < this.recordHeaderLength) return this.recordHeaderLength;
    return this.recordHeaderLength + view.getUint32(start + 8, this.littleEndian);
  }

  reportTruncated(view: DataView, start: number, end: number): void {
    const have = end - start;
    if (!this.headerRead) {
      this.emitter.warn(null, `capture cut short in its file header: ${have} of ${FILE_HEADER_LENGTH} bytes present`);
      return;
    }
    const frame = this.emitter.frames + 1;
    if (have < this.recordHeaderLength) {
      this.emitter.warn(
        frame,
        `capture cut short in the record header of packet ${frame}: ${have} of ${this.recordHeaderLength} bytes present`,
      );
      return;
    }
    const needed = this.nextRecordLength(view, start, end);
    this.emitter.warn(
      frame,
      `capture cut short in packet ${frame}: ${have - this.recordHeaderLength} of its ` +
        `${needed - this.recordHeaderLength} captured bytes present, ${needed - have} missing`,
    );
  }
}
