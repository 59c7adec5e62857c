import { CaptureError } from './packet.js';
import { describeMagic } from './describe-magic.js';
import type { PacketEmitter } from './packet-emitter.js';
import { MAX_PCAPNG_BLOCK, type RecordParser } from './record-parser.js';
import { TimestampScale } from './timestamp-scale.js';

/** Block types (pcapng §11.1); the Section Header's type reads the same in both byte orders. */
const SECTION_HEADER = 0x0a0d0d0a;
const INTERFACE_DESCRIPTION = 0x00000001;
const OBSOLETE_PACKET = 0x00000002;
const SIMPLE_PACKET = 0x00000003;
const ENHANCED_PACKET = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPT_ENDOFOPT = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

/** Smallest block: type, length, trailing length. */
const MIN_BLOCK = 12;

const BLOCK_NAMES: Readonly<Record<number, string>> = {
  [SECTION_HEADER]: 'Section Header Block',
  [INTERFACE_DESCRIPTION]: 'Interface Description Block',
  [OBSOLETE_PACKET]: 'Packet Block',
  [SIMPLE_PACKET]: 'Simple Packet Block',
  [ENHANCED_PACKET]: 'Enhanced Packet Block',
};

function blockName(type: number): string {
  return BLOCK_NAMES[type] ?? `block of type 0x${type.toString(16).padStart(8, '0')}`;
}

/** True when the four bytes at `start` open a pcapng Section Header Block. */
export function isPcapngMagic(view: DataView, start: number): boolean {
  return view.getUint32(start, false) === SECTION_HEADER;
}

/**
 * pcapng (draft-ietf-opsawg-pcapng). Every block is
 *   Block Type(32) Block Total Length(32) Block Body(variable) Block Total Length(32)
 * in the byte order its section's header declares. Packet blocks (Enhanced, Simple, obsolete
 * Packet) become packets; Interface Description Blocks give link type, snaplen and timestamp
 * unit; every other block is skipped by its length.
 */
export class PcapngBlockParser implements RecordParser {
  readonly format = 'pcapng' as const;
  stopped = false;
  private littleEndian = true;
  private sections = 0;
  // Interfaces of the current section, by interface id (ids restart with each section).
  private ifLinkType: number[] = [];
  private ifSnaplen: number[] = [];
  private ifScale: TimestampScale[] = [];
  private ifOffsetSec: number[] = [];
  /**
   * Packet blocks of the current section naming an interface it does not have, by interface id:
   * a file written with a wrong id has it on every block, and one warning per id says it all.
   */
  private readonly missingInterfaces = new Map<number, { type: number; count: number; firstFrame: number }>();

  constructor(private readonly emitter: PacketEmitter) {}

  /** End of the input: warns about the packet blocks skipped in the last section. */
  finish(): void {
    this.reportMissingInterfaces();
  }

  parse(bytes: Uint8Array, view: DataView, start: number, end: number): number {
    let pos = start;
    while (end - pos >= 8 && !this.stopped) {
      const type = view.getUint32(pos, this.littleEndian);
      // A Section Header declares the byte order of its own length field, and of all that follows.
      let le = this.littleEndian;
      if (type === SECTION_HEADER) {
        if (end - pos < MIN_BLOCK) break;
        const sectionLe = this.sectionByteOrder(view, pos);
        if (sectionLe === null) return pos;
        le = sectionLe;
      }
      const length = view.getUint32(pos + 4, le);
      if (!this.soundLength(type, length)) return pos;
      if (end - pos < length) break;
      const trailing = view.getUint32(pos + length - 4, le);
      if (trailing !== length) {
        this.stop(
          type,
          `its trailing length copy (${trailing}) differs from its leading length (${length})`,
        );
        return pos;
      }
      switch (type) {
        case ENHANCED_PACKET:
          this.enhancedPacket(bytes, view, pos, length, view.getUint32(pos + 8, this.littleEndian));
          break;
        case OBSOLETE_PACKET:
          this.enhancedPacket(bytes, view, pos, length, view.getUint16(pos + 8, this.littleEndian));
          break;
        case SIMPLE_PACKET:
          this.simplePacket(bytes, view, pos, length);
          break;
        case INTERFACE_DESCRIPTION:
          this.interfaceDescription(view, pos, length);
          break;
        case SECTION_HEADER:
          this.beginSection(view, pos, le);
          break;
        default:
          break;
      }
      pos += length;
    }
    return pos;
  }

  /**
   * The byte order a Section Header's byte-order magic declares (true: little-endian). A bad
   * magic on the first block means the file is not pcapng at all (thrown); later on, the file
   * is damaged: the parser stops and null is returned.
   */
  private sectionByteOrder(view: DataView, pos: number): boolean | null {
    const magic = view.getUint32(pos + 8, false);
    if (magic === BYTE_ORDER_MAGIC) return false;
    if (magic === 0x4d3c2b1a) return true;
    if (this.sections === 0) {
      const head = new Uint8Array(view.buffer, view.byteOffset + pos, 12);
      throw new CaptureError(
        `not a pcap or pcapng capture: ${describeMagic(head)}: a pcapng Section Header Block type but ` +
          `byte-order magic ${magic.toString(16).padStart(8, '0')}`,
        'not-a-capture',
      );
    }
    this.stop(SECTION_HEADER, `its byte-order magic is 0x${magic.toString(16).padStart(8, '0')}`);
    return null;
  }

  /**
   * Section Header Block (pcapng §4.1):
   *   Byte-Order Magic(32) Major Version(16) Minor Version(16) Section Length(64) Options
   * Interface ids restart with every section; frame numbers do not.
   */
  private beginSection(view: DataView, pos: number, littleEndian: boolean): void {
    this.reportMissingInterfaces();
    this.littleEndian = littleEndian;
    this.sections++;
    this.ifLinkType = [];
    this.ifSnaplen = [];
    this.ifScale = [];
    this.ifOffsetSec = [];
    const length = view.getUint32(pos + 4, littleEndian);
    if (length < 28) {
      this.emitter.warn(null, `pcapng section ${this.sections}: Section Header Block of ${length} bytes is too short`);
      return;
    }
    const major = view.getUint16(pos + 12, littleEndian);
    if (major !== 1) {
      this.emitter.warn(null, `pcapng section ${this.sections} has version ${major}.x; reading it as 1.0`);
    }
  }

  private soundLength(type: number, length: number): boolean {
    if (length < MIN_BLOCK || length % 4 !== 0) {
      this.stop(type, `its length ${length} is ${length < MIN_BLOCK ? 'below 12' : 'not a multiple of 4'}`);
      return false;
    }
    if (length > MAX_PCAPNG_BLOCK) {
      this.stop(type, `its length ${length} is over ${MAX_PCAPNG_BLOCK} bytes`);
      return false;
    }
    return true;
  }

  /**
   * Without a sound block length there is no telling where the next block starts: a scan for
   * something block-like could hand on garbage as packets, so the reader stops instead.
   */
  private stop(type: number, why: string): void {
    const frame = this.isPacketBlock(type) ? this.emitter.frames + 1 : null;
    this.emitter.warn(
      frame,
      `pcapng ${blockName(type)}${frame ? ` (packet ${frame})` : ''} is corrupt: ${why}; stopped reading`,
    );
    this.stopped = true;
  }

  private isPacketBlock(type: number): boolean {
    return type === ENHANCED_PACKET || type === SIMPLE_PACKET || type === OBSOLETE_PACKET;
  }

  /**
   * Enhanced Packet Block (pcapng §4.3) and the obsolete Packet Block (Appendix A) share a layout:
   *   Interface ID(32) [PB: Interface ID(16) Drops Count(16)] Timestamp (Upper)(32) Timestamp (Lower)(32)
   *   Captured Packet Length(32) Original Packet Length(32) Packet Data Options
   */
  private enhancedPacket(bytes: Uint8Array, view: DataView, pos: number, length: number, interfaceId: number): void {
    const le = this.littleEndian;
    const type = view.getUint32(pos, le);
    if (length < 32) {
      this.skipPacket(type, `it is ${length} bytes long, less than its fixed fields`);
      return;
    }
    if (interfaceId >= this.ifLinkType.length) {
      const missing = this.missingInterfaces.get(interfaceId);
      if (missing) missing.count++;
      else this.missingInterfaces.set(interfaceId, { type, count: 1, firstFrame: this.emitter.frames + 1 });
      return;
    }
    const captured = view.getUint32(pos + 20, le);
    if (captured > length - 32) {
      this.skipPacket(type, `it claims ${captured} captured bytes but holds at most ${length - 32}`);
      return;
    }
    const p = this.emitter.packet;
    this.ifScale[interfaceId]!.toTime(view.getUint32(pos + 12, le), view.getUint32(pos + 16, le), p);
    p.tsSec += this.ifOffsetSec[interfaceId]!;
    p.linkType = this.ifLinkType[interfaceId]!;
    p.interfaceId = interfaceId;
    p.data = bytes;
    p.offset = pos + 28;
    p.capturedLength = captured;
    p.originalLength = view.getUint32(pos + 24, le);
    const snaplen = this.ifSnaplen[interfaceId]!;
    if (snaplen !== 0 && captured > snaplen) this.reportOverSnaplen(interfaceId, captured, snaplen);
    this.emitter.emit();
  }

  /**
   * Simple Packet Block (pcapng §4.4): Original Packet Length(32) Packet Data. It belongs to
   * interface 0, carries no timestamp (reported as 0), and holds min(original length, snaplen)
   * bytes.
   */
  private simplePacket(bytes: Uint8Array, view: DataView, pos: number, length: number): void {
    if (this.ifLinkType.length === 0) {
      this.skipPacket(SIMPLE_PACKET, `section ${this.sections} has no interface yet`);
      return;
    }
    const original = view.getUint32(pos + 8, this.littleEndian);
    const snaplen = this.ifSnaplen[0]!;
    let captured = Math.min(original, length - 16);
    if (snaplen !== 0 && captured > snaplen) captured = snaplen;
    const p = this.emitter.packet;
    p.tsSec = 0;
    p.tsNsec = 0;
    p.linkType = this.ifLinkType[0]!;
    p.interfaceId = 0;
    p.data = bytes;
    p.offset = pos + 12;
    p.capturedLength = captured;
    p.originalLength = original;
    this.emitter.emit();
  }

  /** One warning per interface id the section's packet blocks named without describing it. */
  private reportMissingInterfaces(): void {
    const interfaces = this.ifLinkType.length;
    for (const [id, { type, count, firstFrame }] of this.missingInterfaces) {
      this.emitter.warn(
        firstFrame,
        `pcapng section ${this.sections}: ${count} ${count === 1 ? blockName(type) : 'packet blocks'} naming interface ${id} ` +
          `skipped (the first after packet ${firstFrame - 1}): the section describes ` +
          `${interfaces === 0 ? 'no interface' : interfaces === 1 ? 'only interface 0' : `interfaces 0 to ${interfaces - 1}`}`,
      );
    }
    this.missingInterfaces.clear();
  }

  private skipPacket(type: number, why: string): void {
    const frame = this.emitter.frames + 1;
    this.emitter.warn(frame, `pcapng ${blockName(type)} after packet ${frame - 1} skipped: ${why}`);
  }

  private reportOverSnaplen(interfaceId: number, captured: number, snaplen: number): void {
    const frame = this.emitter.frames + 1;
    this.emitter.warnOnce(
      `pcapng-snaplen-${this.sections}-${interfaceId}`,
      frame,
      `packet ${frame} has ${captured} captured bytes, more than the snapshot length ${snaplen} of interface ${interfaceId}`,
    );
  }

  /**
   * Interface Description Block (pcapng §4.2):
   *   LinkType(16) Reserved(16) SnapLen(32) Options
   * with the options if_tsresol (9, one byte) and if_tsoffset (14, signed 64-bit seconds).
   */
  private interfaceDescription(view: DataView, pos: number, length: number): void {
    const le = this.littleEndian;
    const id = this.ifLinkType.length;
    if (length < 20) {
      // Still an interface: ids count every IDB, so later packets keep pointing at the right one.
      this.emitter.warn(null, `pcapng Interface Description Block ${id} is ${length} bytes long, too short; link type unknown`);
    }
    const linkType = length >= 20 ? view.getUint16(pos + 8, le) : 0xffff;
    const snaplen = length >= 20 ? view.getUint32(pos + 12, le) : 0;
    let scale = TimestampScale.MICROSECONDS;
    let offsetSec = 0;
    const optionsEnd = pos + length - 4;
    let o = pos + 16;
    while (optionsEnd - o >= 4) {
      const code = view.getUint16(o, le);
      const optionLength = view.getUint16(o + 2, le);
      if (code === OPT_ENDOFOPT) break;
      if (o + 4 + optionLength > optionsEnd) {
        this.emitter.warn(null, `pcapng Interface Description Block ${id}: option ${code} runs past the block; rest of its options ignored`);
        break;
      }
      if (code === OPT_IF_TSRESOL && optionLength >= 1) {
        scale = new TimestampScale(view.getUint8(o + 4));
      } else if (code === OPT_IF_TSOFFSET && optionLength >= 8) {
        const high = le ? view.getInt32(o + 8, true) : view.getInt32(o + 4, false);
        const low = le ? view.getUint32(o + 4, true) : view.getUint32(o + 8, false);
        offsetSec = high * 4294967296 + low;
      }
      o += 4 + ((optionLength + 3) & ~3);
    }
    this.ifLinkType.push(linkType);
    this.ifSnaplen.push(snaplen);
    this.ifScale.push(scale);
    this.ifOffsetSec.push(offsetSec);
    this.emitter.addLinkType(linkType);
  }

  nextRecordLength(view: DataView, start: number, end: number): number {
    const have = end - start;
    if (have < 8) return 8;
    if (view.getUint32(start, this.littleEndian) === SECTION_HEADER) {
      if (have < MIN_BLOCK) return MIN_BLOCK;
      const magic = view.getUint32(start + 8, false);
      return view.getUint32(start + 4, magic === BYTE_ORDER_MAGIC ? false : true);
    }
    return view.getUint32(start + 4, this.littleEndian);
  }

  reportTruncated(view: DataView, start: number, end: number): void {
    const have = end - start;
    if (have < 8) {
      this.emitter.warn(null, `capture cut short in a pcapng block header: ${have} of 8 bytes present`);
      return;
    }
    const type = view.getUint32(start, this.littleEndian);
    const needed = this.nextRecordLength(view, start, end);
    if (this.isPacketBlock(type)) {
      const frame = this.emitter.frames + 1;
      this.emitter.warn(
        frame,
        `capture cut short in packet ${frame} (pcapng ${blockName(type)}): ${have} of ${needed} bytes present, ${needed - have} missing`,
      );
      return;
    }
    this.emitter.warn(null, `capture cut short in a pcapng ${blockName(type)}: ${have} of ${needed} bytes present, ${needed - have} missing`);
  }
}
