import type { CapturedPacket, CaptureFormat, PacketHandler } from './packet.js';
import type { WarningSink } from '../report/warning.js';

/**
 * What the format parsers share: the one reused packet object, frame numbering over the whole
 * file, the facts the summary reports, and the warning sink. A format parser fills `packet`
 * (everything but `frame`) and calls `emit()`.
 */
export class PacketEmitter {
  readonly packet: CapturedPacket = {
    frame: 0,
    linkType: 0,
    tsSec: 0,
    tsNsec: 0,
    data: new Uint8Array(0),
    offset: 0,
    capturedLength: 0,
    originalLength: 0,
    interfaceId: 0,
  };
  /** Packets handed on so far (= the frame number of the last one). */
  frames = 0;
  firstSec = 0;
  firstNsec = 0;
  lastSec = 0;
  lastNsec = 0;
  readonly linkTypes: number[] = [];
  private readonly onceKeys = new Set<string>();

  constructor(
    private readonly handler: PacketHandler,
    readonly warn: WarningSink,
  ) {}

  /** Numbers the filled-in packet and hands it to the handler. */
  emit(): void {
    const p = this.packet;
    p.frame = ++this.frames;
    if (this.frames === 1) {
      this.firstSec = p.tsSec;
      this.firstNsec = p.tsNsec;
    }
    this.lastSec = p.tsSec;
    this.lastNsec = p.tsNsec;
    this.handler.onPacket(p);
  }

  formatKnown(format: CaptureFormat): void {
    this.handler.onFormat?.(format);
  }

  /** Records an interface's link type for the summary (first appearance order, no repeats). */
  addLinkType(linkType: number): void {
    if (!this.linkTypes.includes(linkType)) this.linkTypes.push(linkType);
  }

  /**
   * Warns once per `key`: a file whose header is wrong trips the same check on every packet,
   * and one line says it all.
   */
  warnOnce(key: string, frame: number | null, text: string): void {
    if (this.onceKeys.has(key)) return;
    this.onceKeys.add(key);
    this.warn(frame, `${text} (reported once)`);
  }
}
