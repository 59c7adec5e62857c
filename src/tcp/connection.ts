/**
 * One TCP connection (one Wireshark tcp.stream) as the table keeps it: its endpoints, the
 * facts reported to the consumer, the sequence bases Wireshark numbers streams by, and the two
 * directions' reassembly state. Endpoint A is the sender of the connection's first packet;
 * which of A and B is the client is decided later (see ConnectionTable).
 */
import { DirectionReassembler, type ReassemblyContext } from './direction-reassembler.js';
import type { Direction, StreamConsumer, StreamControl, TcpConnectionInfo } from './stream-types.js';
import { ipv4ToString, type TcpSegment } from '../net/tcp-segment.js';

/**
 * Initial value of a base sequence number before it is known (Connection.basesKnown tells
 * which are: a base is stored as `seq | 0`, so -1 is also a real one).
 */
export const NO_BASE = -1;

/** Bits of Connection.state. */
const DECIDED = 1;
const AIS_CLIENT = 2;
const ENDED = 4;
const FORGOTTEN = 8;
const CLOSING = 16;
const FINS_SHIFT = 5;
const ACKED_SHIFT = 7;
const BASES_SHIFT = 9;

export class Connection implements StreamControl {
  readonly ipVersion: 4 | 6;
  /**
   * IPv4 addresses as signed 32-bit integers (`addr | 0`): small integers V8 keeps in the object
   * itself, where an address above 2^31 would be a boxed number read through a pointer on every
   * lookup.
   */
  readonly a4: number;
  readonly b4: number;
  readonly a6: string;
  readonly b6: string;
  readonly aPort: number;
  readonly bPort: number;
  /** Next connection in the same IPv4 hash bucket. */
  nextInBucket: Connection | null = null;
  /**
   * Wireshark's base_seq per direction (A: A to B, B: B to A): set by the first segment of
   * the direction (its seq on a SYN, else seq - 1) or by the first ACK from the other side
   * (ack - 1). A pure SYN whose seq differs from its direction's base starts a new stream.
   * Kept as signed 32-bit integers (`seq | 0`, set-ness in basesKnown), in two fields, not a
   * pair: a tombstone keeps them, and an array, or numbers above 2^31, are objects more each.
   */
  wsBaseA = NO_BASE;
  wsBaseB = NO_BASE;
  /**
   * A to B, and B to A (fields, not a pair: one object less to reach per packet). Once the
   * connection has ended both are the table's empty placeholder (see `dropFlows`).
   */
  flowA: DirectionReassembler;
  flowB: DirectionReassembler;
  readonly info: TcpConnectionInfo;
  consumer: StreamConsumer | null = null;
  /**
   * Capture time (seconds) from which the table's grace period runs: the first RST, or the
   * moment both directions were closed by FIN; -1 when neither has happened.
   */
  graceFrom = -1;
  /**
   * The flags and small counters below, packed in one small integer: a tombstone (8,192 kept
   * by default) keeps its connection object, and eight fields were 64 bytes each
   * (docs/decisions.md, "TCP: what an ended connection (tombstone) keeps").
   */
  private state = AIS_CLIENT;
  /** Neighbours in the table's list of live connections, least recently active first. */
  olderLive: Connection | null = null;
  newerLive: Connection | null = null;

  /** Bit o is set once wsBaseA (o = 0) or wsBaseB (o = 1) is: every packet after the handshake then skips them. */
  get basesKnown(): number {
    return (this.state >> BASES_SHIFT) & 3;
  }
  set basesKnown(v: number) {
    this.state = (this.state & ~(3 << BASES_SHIFT)) | ((v & 3) << BASES_SHIFT);
  }
  /** Directions whose FIN has been seen (0 to 2): below 2 the connection cannot be finished. */
  get fins(): number {
    return (this.state >> FINS_SHIFT) & 3;
  }
  set fins(v: number) {
    this.state = (this.state & ~(3 << FINS_SHIFT)) | ((v & 3) << FINS_SHIFT);
  }
  /** Bit o is set once flow o's FIN (0: A to B, 1: B to A) has been acknowledged by the other side. */
  get finsAcked(): number {
    return (this.state >> ACKED_SHIFT) & 3;
  }
  set finsAcked(v: number) {
    this.state = (this.state & ~(3 << ACKED_SHIFT)) | ((v & 3) << ACKED_SHIFT);
  }
  /** Client and server are decided (see setRoles). */
  get decided(): boolean {
    return (this.state & DECIDED) !== 0;
  }
  /** Endpoint A is the client (meaningful once decided). */
  get aIsClient(): boolean {
    return (this.state & AIS_CLIENT) !== 0;
  }
  /** The consumer has had its end(): what is left is a tombstone for numbering. */
  get ended(): boolean {
    return (this.state & ENDED) !== 0;
  }
  set ended(v: boolean) {
    this.state = v ? this.state | ENDED : this.state & ~ENDED;
  }
  /** Removed from the table (replaced, expired or past the tombstone cap). */
  get forgotten(): boolean {
    return (this.state & FORGOTTEN) !== 0;
  }
  set forgotten(v: boolean) {
    this.state = v ? this.state | FORGOTTEN : this.state & ~FORGOTTEN;
  }
  /**
   * Both FINs are in and every byte before them delivered: the connection only waits for the
   * ACKs of the FINs (finsAcked = 3) to end.
   */
  get closing(): boolean {
    return (this.state & CLOSING) !== 0;
  }
  set closing(v: boolean) {
    this.state = v ? this.state | CLOSING : this.state & ~CLOSING;
  }

  constructor(readonly id: number, seg: TcpSegment, ctx: ReassemblyContext) {
    this.ipVersion = seg.ipVersion;
    this.a4 = seg.src4 | 0;
    this.b4 = seg.dst4 | 0;
    this.a6 = seg.src6;
    this.b6 = seg.dst6;
    this.aPort = seg.srcPort;
    this.bPort = seg.dstPort;
    this.flowA = new DirectionReassembler(ctx, id);
    this.flowB = new DirectionReassembler(ctx, id);
    const aIp = seg.ipVersion === 4 ? ipv4ToString(seg.src4) : seg.src6;
    const bIp = seg.ipVersion === 4 ? ipv4ToString(seg.dst4) : seg.dst6;
    this.info = {
      id,
      ipVersion: seg.ipVersion,
      clientIp: aIp,
      clientPort: seg.srcPort,
      serverIp: bIp,
      serverPort: seg.dstPort,
      roleSource: 'ports',
      firstFrame: seg.frame,
      lastFrame: seg.frame,
      firstTsSec: seg.tsSec,
      firstTsNsec: seg.tsNsec,
      lastTsSec: seg.tsSec,
      lastTsNsec: seg.tsNsec,
      packets: 0,
      closes: [],
    };
  }

  /** The consumer's handle on its connection (it is its own StreamControl: one object less per connection). */
  get control(): StreamControl {
    return this;
  }

  /** StreamControl: directions are client/server, flows are A/B. */
  skip(direction: Direction, n: number): void {
    // After the end there is no stream left to skip in (and the flows are a shared placeholder).
    if (this.ended) return;
    this.flow(this.aIsClient ? direction : direction ^ 1).skip(n);
  }

  /**
   * Replaces the ended connection's released reassemblers with a placeholder: a tombstone stays
   * for numbering (8,192 by default) and needs neither: ~350 bytes less each, which the garbage
   * collector no longer marks (docs/decisions.md, "TCP layer: cost per packet and per connection").
   */
  dropFlows(placeholder: DirectionReassembler): void {
    this.flowA = placeholder;
    this.flowB = placeholder;
  }

  /** A flow by index: 0 is A to B, 1 is B to A. */
  flow(o: number): DirectionReassembler {
    return o === 0 ? this.flowA : this.flowB;
  }

  /** True when the segment's endpoints are this connection's, in either direction. */
  matches6(seg: TcpSegment): boolean {
    return (
      (seg.srcPort === this.aPort && seg.dstPort === this.bPort && seg.src6 === this.a6 && seg.dst6 === this.b6) ||
      (seg.srcPort === this.bPort && seg.dstPort === this.aPort && seg.src6 === this.b6 && seg.dst6 === this.a6)
    );
  }

  /** Sets the client side (A or B) and how it was decided; the info's endpoints follow. */
  setRoles(aIsClient: boolean, source: TcpConnectionInfo['roleSource']): void {
    const info = this.info;
    // The info already holds both addresses' text (made once, in the constructor), as client and
    // server by the current aIsClient.
    const aIp = this.aIsClient ? info.clientIp : info.serverIp;
    const bIp = this.aIsClient ? info.serverIp : info.clientIp;
    info.roleSource = source;
    info.clientIp = aIsClient ? aIp : bIp;
    info.clientPort = aIsClient ? this.aPort : this.bPort;
    info.serverIp = aIsClient ? bIp : aIp;
    info.serverPort = aIsClient ? this.bPort : this.aPort;
    this.state = (this.state & ~AIS_CLIENT) | DECIDED | (aIsClient ? AIS_CLIENT : 0);
    this.flowA.direction = aIsClient ? 0 : 1;
    this.flowB.direction = aIsClient ? 1 : 0;
  }
}

/**
 * Symmetric 30-bit hash of an IPv4 4-tuple (the same for both directions), kept in small-
 * integer range so Map keys stay unboxed. Every caller passes the addresses as signed 32-bit
 * integers (`| 0`, as Connection keeps them), so that open, find and remove agree: an unsigned
 * address above 2^31 would be passed boxed, one HeapNumber per lookup.
 */
export function hash4(src: number, srcPort: number, dst: number, dstPort: number): number {
  let lo = src;
  let hi = dst;
  let loPort = srcPort;
  let hiPort = dstPort;
  if (src > dst || (src === dst && srcPort > dstPort)) {
    lo = dst;
    hi = src;
    loPort = dstPort;
    hiPort = srcPort;
  }
  let h = Math.imul(lo, 0x9e3779b1) ^ hi;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) ^ ((loPort << 16) | hiPort);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 0x3fffffff;
}

/** Direction-independent key of an IPv6 4-tuple. */
export function key6(src: string, srcPort: number, dst: string, dstPort: number): string {
  return src < dst || (src === dst && srcPort <= dstPort)
    ? `${src}|${srcPort}|${dst}|${dstPort}`
    : `${dst}|${dstPort}|${src}|${srcPort}`;
}
