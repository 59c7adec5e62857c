/**
 * One TCP connection (one Wireshark tcp.stream) as the table keeps it: its endpoints, the
 * facts reported to the consumer, the sequence bases Wireshark numbers streams by, and the two
 * directions' reassembly state. Endpoint A is the sender of the connection's first packet;
 * which of A and B is the client is decided later (see ConnectionTable).
 */
import { DirectionReassembler, type ReassemblyContext } from './direction-reassembler.js';
import type { Direction, StreamConsumer, StreamControl, TcpConnectionInfo } from './stream-types.js';
import { ipv4ToString, type TcpSegment } from '../net/tcp-segment.js';

/** Wireshark's per-direction base sequence number is unset (real bases are 0 .. 2^32-1). */
export const NO_BASE = -1;

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
   * Wireshark's base_seq per direction (0: A to B, 1: B to A): set by the first segment of
   * the direction (its seq on a SYN, else seq - 1) or by the first ACK from the other side
   * (ack - 1). A pure SYN whose seq differs from its direction's base starts a new stream.
   */
  readonly wsBase: [number, number] = [NO_BASE, NO_BASE];
  /** Bit o is set once wsBase[o] is: every packet after the handshake then skips wsBase. */
  basesKnown = 0;
  /** Directions whose FIN has been seen (0 to 2): below 2 the connection cannot be finished. */
  fins = 0;
  /**
   * A to B, and B to A (fields, not a pair: one object less to reach per packet). Once the
   * connection has ended both are the table's empty placeholder (see `dropFlows`).
   */
  flowA: DirectionReassembler;
  flowB: DirectionReassembler;
  readonly info: TcpConnectionInfo;
  decided = false;
  aIsClient = true;
  consumer: StreamConsumer | null = null;
  ended = false;
  /** Removed from the table (replaced, expired or past the tombstone cap). */
  forgotten = false;
  /**
   * Capture time (seconds) from which the table's grace period runs: the first RST, or the
   * moment both directions were closed by FIN; -1 when neither has happened.
   */
  graceFrom = -1;
  /** Bit o is set once flow o's FIN (0: A to B, 1: B to A) has been acknowledged by the other side. */
  finsAcked = 0;
  /**
   * Both FINs are in and every byte before them delivered: the connection only waits for the
   * ACKs of the FINs (finsAcked = 3) to end.
   */
  closing = false;
  /** Neighbours in the table's list of live connections, least recently active first. */
  olderLive: Connection | null = null;
  newerLive: Connection | null = null;

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
   * collector no longer marks (docs/decisions.d/tcp.md).
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
    this.decided = true;
    this.aIsClient = aIsClient;
    this.flowA.direction = aIsClient ? 0 : 1;
    this.flowB.direction = aIsClient ? 1 : 0;
  }
}

/**
 * Symmetric 30-bit hash of an IPv4 4-tuple (the same for both directions), kept in small-
 * integer range so Map keys stay unboxed.
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
