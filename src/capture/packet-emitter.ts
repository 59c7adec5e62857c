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
  /** Packets earlier than the packet before them; the first such step and the largest one. */
  private backwards = 0;
  private firstBack = { frame: 0, sec: 0, nsec: 0 };
  private largestBack = { frame: 0, sec: 0, nsec: 0 };

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
    } else if (p.tsSec < this.lastSec || (p.tsSec === this.lastSec && p.tsNsec < this.lastNsec)) {
      this.wentBackwards(p.frame, this.lastSec - p.tsSec, this.lastNsec - p.tsNsec);
    }
    this.lastSec = p.tsSec;
    this.lastNsec = p.tsNsec;
    this.handler.onPacket(p);
  }

  /**
   * End of the capture: one warning for all the packets whose timestamp is earlier than the
   * packet's before them (a clock stepped back, captures concatenated out of order, interfaces
   * merged unsorted): durations and "capture time" judgements spanning them are unreliable.
   * Wireshark shows them as negative frame.time_delta and does not reorder them; neither do we.
   */
  finish(): void {
    if (this.backwards === 0) return;
    const first = this.firstBack;
    const largest = this.largestBack;
    const more = this.backwards - 1;
    this.warn(
      first.frame,
      `timestamps go backwards: packet ${first.frame} is ${formatSeconds(first.sec, first.nsec)} earlier than packet ${first.frame - 1}` +
        (more === 0
          ? ''
          : `; ${more} more ${more === 1 ? 'packet is' : 'packets are'} earlier than the one before` +
            (largest.frame === first.frame ? '' : ` (the largest step back: ${formatSeconds(largest.sec, largest.nsec)} at packet ${largest.frame})`)) +
        '; packets are kept in file order, so times and durations across them are unreliable',
    );
  }

  private wentBackwards(frame: number, sec: number, nsec: number): void {
    if (nsec < 0) {
      sec -= 1;
      nsec += 1e9;
    }
    if (this.backwards++ === 0) this.firstBack = { frame, sec, nsec };
    const l = this.largestBack;
    if (this.backwards === 1 || sec > l.sec || (sec === l.sec && nsec > l.nsec)) this.largestBack = { frame, sec, nsec };
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

/** A duration as seconds with the digits it needs ("3600.0001 s"), and hours when it is long. */
function formatSeconds(sec: number, nsec: number): string {
  const fraction = nsec === 0 ? '' : `.${String(nsec).padStart(9, '0').replace(/0+$/, '')}`;
  const hours = sec >= 3600 ? ` (${(sec / 3600).toFixed(1).replace(/\.0$/, '')} h)` : '';
  return `${sec}${fraction} s${hours}`;
}
