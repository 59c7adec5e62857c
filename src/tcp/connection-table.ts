/**
 * The TCP connection table: finds the connection of each segment (numbered like Wireshark's
 * tcp.stream), decides client and server, and feeds each direction's in-order bytes to the
 * connection's StreamConsumer.
 */
import { Connection, hash4, key6 } from './connection.js';
import { DEFAULT_MAX_RECENT_COPIES, DirectionReassembler, type ReassemblyContext } from './direction-reassembler.js';
import { RecentBytesPool } from './recent-bytes.js';
import { roleFromPayload, serverByPorts } from './role-detection.js';
import type { CloseEvent, ConsumerFactory, TcpConnectionInfo } from './stream-types.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../net/tcp-segment.js';
import type { WarningSink } from '../report/warning.js';

/** Options of a connection table. */
export interface TcpOptions {
  warn: WarningSink;
  /** Out-of-order bytes held per direction (default 4 MiB). */
  maxPendingBytesPerDirection?: number;
  /** Out-of-order bytes held over all connections (default 256 MiB). */
  maxPendingBytesTotal?: number;
  /**
   * Directions that may keep a copy of their last RECENT_BYTES (4 KiB) delivered bytes at once
   * (default 4096, i.e. 16 MiB), to tell when a retransmission differs from what was delivered.
   */
  maxRecentCopies?: number;
  /**
   * Capture-time seconds after a connection's last packet when it may be forgotten (default
   * 600): a live connection is then ended (as at the end of the capture) and an ended one's
   * tombstone dropped. Only checked when the table grows, so small captures never expire.
   * A packet arriving later on the same 4-tuple than twice this starts a new stream, where
   * Wireshark would keep the old one.
   */
  idleTimeoutSeconds?: number;
  /**
   * Capture-time seconds a connection stays open after its first RST (default 2), so that
   * data the peer already had in flight (often an alert or close_notify) is still delivered.
   * Also the longest a connection closed by FIN both ways waits for the acknowledgement of
   * the last FIN, its normal last packet (see ConnectionTable).
   */
  resetGraceSeconds?: number;
  /**
   * Ended connections remembered for numbering (default 8192, about 0.5 KB each); beyond it the
   * oldest are forgotten, so a capture of a million short connections keeps flat memory. A stray
   * packet on the 4-tuple of a forgotten connection starts a new stream, where Wireshark would
   * count it in the old one.
   */
  maxTombstones?: number;
  /**
   * Connections open at once (default 100,000; about 1.1 KB each while no payload has come):
   * beyond it the connection idle longest (by last packet) is ended as at the end of the
   * capture, reported with what it had, and forgotten; a later packet on its 4-tuple starts a
   * new stream. One warning at the end gives the number ended so. Without it a SYN flood, whose
   * connections never close, holds every one of them until the capture ends.
   */
  maxLiveConnections?: number;
}

/** Counters of a table, for tests and monitoring. */
export interface TcpStats {
  /** Connections (streams) numbered so far. */
  connections: number;
  /** Connections not yet ended. */
  live: number;
  /** Ended connections still remembered for numbering. */
  tombstones: number;
  /** Out-of-order bytes held now. */
  pendingBytes: number;
}

const MIB = 1024 * 1024;
/** Default of {@link TcpOptions.maxLiveConnections}. */
export const DEFAULT_MAX_LIVE_CONNECTIONS = 100_000;
const FIRST_SWEEP_AT = 8192;

/** Connection table and reassembler. Feed it segments in capture order, then call finish(). */
export class ConnectionTable {
  private readonly v4 = new Map<number, Connection>();
  private readonly v6 = new Map<string, Connection>();
  /** Bulk traffic comes in runs of the same connection: one cached entry skips the hash. */
  private last: Connection | null = null;
  /** Set by the lookups: the segment was sent by endpoint A. */
  private fromA = true;
  private nextId = 0;
  private live = 0;
  private tombstones = 0;
  private sweepAt = FIRST_SWEEP_AT;
  private readonly ctx: ReassemblyContext;
  private readonly maxTotal: number;
  private readonly idleTimeout: number;
  private finished = false;
  private readonly resetGrace: number;
  /**
   * Connections that saw a RST or wait for the ACK of their last FIN, in order of the moment
   * they did (Connection.graceFrom); ended once the grace has passed.
   */
  private graceQueue: (Connection | undefined)[] = [];
  private graceHead = 0;
  private readonly maxTombstones: number;
  /**
   * Ended connections in the order they ended, oldest first from `tombstoneHead`. Slots before
   * the head are cleared as it passes: the array is only compacted once the head is past half
   * of it, and until then a full slot there kept a forgotten connection alive (up to the cap's
   * worth again: 13,400 connections held for a cap of 8,192 on bench-4000mb).
   */
  private tombstoneQueue: (Connection | undefined)[] = [];
  private tombstoneHead = 0;
  private readonly maxLive: number;
  /** Live connections, least recently active first (the ones the live cap ends). */
  private oldestLive: Connection | null = null;
  private newestLive: Connection | null = null;
  /** Connections ended by the live cap, and the frame at which the first was. */
  private endedByCap = 0;
  private firstCapFrame = 0;
  /** Set by the first finishSome(): live connections still to end, in id order. */
  private closing: (Connection | undefined)[] | null = null;
  private closingHead = 0;

  constructor(private readonly factory: ConsumerFactory, options: TcpOptions) {
    this.ctx = {
      warn: options.warn,
      maxHeldPerDirection: options.maxPendingBytesPerDirection ?? 4 * MIB,
      heldTotal: 0,
      holding: new Set<DirectionReassembler>(),
      recent: new RecentBytesPool(options.maxRecentCopies ?? DEFAULT_MAX_RECENT_COPIES),
    };
    this.maxTotal = options.maxPendingBytesTotal ?? 256 * MIB;
    this.idleTimeout = options.idleTimeoutSeconds ?? 600;
    this.resetGrace = options.resetGraceSeconds ?? 2;
    this.maxTombstones = Math.max(0, options.maxTombstones ?? 8192);
    this.maxLive = Math.max(1, options.maxLiveConnections ?? DEFAULT_MAX_LIVE_CONNECTIONS);
    this.warn = options.warn;
    this.noFlow = new DirectionReassembler(this.ctx, -1);
  }

  private readonly warn: WarningSink;
  /** What an ended connection's flows become: a tombstone keeps no reassembly state. */
  private readonly noFlow: DirectionReassembler;

  /** Current counters. */
  get stats(): TcpStats {
    return {
      connections: this.nextId,
      live: this.live,
      tombstones: this.tombstones,
      pendingBytes: this.ctx.heldTotal,
    };
  }

  /** Feeds one segment (synchronously calls consumers). The segment is not kept. */
  segment(seg: TcpSegment): void {
    if (this.closing !== null) throw new Error('ConnectionTable.segment() called after finish()');
    let conn = seg.ipVersion === 4 ? this.find4(seg) : this.find6(seg);
    let fromA = this.fromA;
    const flags = seg.flags;
    if (conn === null) {
      conn = this.open(seg, null);
      fromA = true;
    } else if ((flags & (TCP_SYN | TCP_ACK)) === TCP_SYN) {
      const base = fromA ? conn.wsBaseA : conn.wsBaseB;
      if ((conn.basesKnown & (fromA ? 1 : 2)) !== 0 && base !== (seg.seq | 0)) {
        conn = this.open(seg, conn);
        fromA = true;
      }
    }
    const o = fromA ? 0 : 1;
    if (conn.basesKnown !== 3) this.setBases(conn, seg, o);
    // A connection closed both ways ends once both FINs are acknowledged (or the grace has
    // passed); until then ACKs, retransmitted FINs and RSTs belong to it, as in Wireshark's
    // stream. Data or a SYN ends it first and reaches the tombstone, as it would after the end.
    if (conn.closing && !isBareControl(seg)) this.terminate(conn);
    // The info keeps counting after the end, as Wireshark's stream does; the consumer was
    // handed a copy at the end, which no later packet changes.
    const info = conn.info;
    info.packets++;
    info.lastFrame = seg.frame;
    info.lastTsSec = seg.tsSec;
    info.lastTsNsec = seg.tsNsec;
    if (!conn.ended) {
      if (conn !== this.newestLive) this.touch(conn);
      if (!conn.closing) this.process(conn, seg, o);
      else if (this.finAcknowledged(conn, seg, o) && conn.finsAcked === 3) this.terminate(conn);
    }
    if (this.graceHead < this.graceQueue.length) this.endGraceExpired(seg);
    if (this.ctx.heldTotal > this.maxTotal) this.shedTotal(seg.frame);
    if (this.tombstones > this.maxTombstones) this.forgetOldTombstones();
    else if (this.tombstoneQueue.length - this.tombstoneHead > 2 * this.tombstones + 1024) this.dropForgottenTombstones();
    if (this.live + this.tombstones >= this.sweepAt) this.sweep(seg.tsSec);
    if (this.live > this.maxLive) this.endIdlest(seg.frame);
  }

  /** Sets the Wireshark base sequence numbers a segment reveals (see Connection.wsBaseA). */
  private setBases(conn: Connection, seg: TcpSegment, o: 0 | 1): void {
    const flags = seg.flags;
    if ((conn.basesKnown & (1 << o)) === 0) {
      const base = (flags & TCP_SYN) !== 0 ? seg.seq | 0 : (seg.seq - 1) | 0;
      if (o === 0) conn.wsBaseA = base;
      else conn.wsBaseB = base;
      conn.basesKnown |= 1 << o;
    }
    if ((flags & TCP_ACK) !== 0 && (conn.basesKnown & (1 << (o ^ 1))) === 0) {
      const base = (seg.ack - 1) | 0;
      if (o === 0) conn.wsBaseB = base;
      else conn.wsBaseA = base;
      conn.basesKnown |= 1 << (o ^ 1);
    }
  }

  /** Moves a live connection to the most recently active end of the live list. */
  private touch(conn: Connection): void {
    this.unlinkLive(conn);
    this.linkLive(conn);
  }

  private linkLive(conn: Connection): void {
    conn.olderLive = this.newestLive;
    conn.newerLive = null;
    if (this.newestLive !== null) this.newestLive.newerLive = conn;
    else this.oldestLive = conn;
    this.newestLive = conn;
  }

  private unlinkLive(conn: Connection): void {
    const older = conn.olderLive;
    const newer = conn.newerLive;
    if (older !== null) older.newerLive = newer;
    else if (this.oldestLive === conn) this.oldestLive = newer;
    if (newer !== null) newer.olderLive = older;
    else if (this.newestLive === conn) this.newestLive = older;
    conn.olderLive = null;
    conn.newerLive = null;
  }

  /** Over the live cap: ends and forgets the connections idle longest. */
  private endIdlest(frame: number): void {
    while (this.live > this.maxLive && this.oldestLive !== null) {
      const conn = this.oldestLive;
      if (this.endedByCap++ === 0) this.firstCapFrame = frame;
      this.terminate(conn);
      this.tombstones--;
      this.remove(conn);
    }
  }

  /** Drops the oldest tombstones down to the cap. */
  private forgetOldTombstones(): void {
    const queue = this.tombstoneQueue;
    while (this.tombstones > this.maxTombstones && this.tombstoneHead < queue.length) {
      const conn = queue[this.tombstoneHead]!;
      queue[this.tombstoneHead++] = undefined;
      if (conn.forgotten) continue;
      this.tombstones--;
      this.remove(conn);
    }
    if (this.tombstoneHead > 1024 && this.tombstoneHead * 2 > queue.length) {
      this.tombstoneQueue = queue.slice(this.tombstoneHead);
      this.tombstoneHead = 0;
    }
  }

  /**
   * Connections forgotten before their turn (replaced, expired, ended by the live cap) stay in
   * the queue until the tombstone cap reaches them, which may be never: they are let go here
   * once they outnumber the remembered ones.
   */
  private dropForgottenTombstones(): void {
    this.tombstoneQueue = this.tombstoneQueue.slice(this.tombstoneHead).filter((c) => !c!.forgotten);
    this.tombstoneHead = 0;
  }

  /**
   * A TCP header quoted inside an ICMP or ICMPv6 error (RFC 792, RFC 4443): no data of the
   * connection, but Wireshark gives the error packet the tcp.stream of the quoted 4-tuple and
   * numbers a new stream when the 4-tuple is new. Feeding such headers here keeps the
   * numbering identical; only the packet count and last frame of the connection change.
   */
  quoted(seg: TcpSegment): void {
    if (this.closing !== null) throw new Error('ConnectionTable.quoted() called after finish()');
    const conn = (seg.ipVersion === 4 ? this.find4(seg) : this.find6(seg)) ?? this.open(seg, null);
    const info = conn.info;
    info.packets++;
    info.lastFrame = seg.frame;
    info.lastTsSec = seg.tsSec;
    info.lastTsNsec = seg.tsNsec;
    if (this.live > this.maxLive) this.endIdlest(seg.frame);
  }

  /** End of capture: gives up holes that never filled, delivers held data, ends every live connection. */
  finish(): void {
    while (!this.finishSome(Infinity));
  }

  /**
   * End of capture, a part at a time: ends up to `max` live connections (in id order), so
   * that a caller can let their consumers catch up between parts; true once every connection
   * has ended (the table is then finished). No segment may be fed after the first call.
   */
  finishSome(max: number): boolean {
    if (this.finished) return true;
    if (this.closing === null) {
      const open: Connection[] = [];
      for (let c = this.oldestLive; c !== null; c = c.newerLive) open.push(c);
      open.sort((x, y) => x.id - y.id);
      this.closing = open;
      this.tombstoneQueue = [];
      this.tombstoneHead = 0;
      if (this.endedByCap > 0) {
        this.warn(
          this.firstCapFrame,
          `${this.endedByCap} connections were ended before the capture did, idle longest first, because more than ${this.maxLive} were open at once (maxLiveConnections): each is reported with what it had; a later packet on one of them started a new connection`,
        );
      }
    }
    const open = this.closing;
    const stop = Math.min(open.length, this.closingHead + max);
    while (this.closingHead < stop) {
      const c = open[this.closingHead]!;
      // Ended connections are let go at once, not when the whole list is.
      open[this.closingHead++] = undefined;
      this.terminate(c);
    }
    if (this.closingHead < open.length) return false;
    this.closing = [];
    this.v4.clear();
    this.v6.clear();
    this.last = null;
    this.tombstones = 0;
    this.tombstoneQueue = [];
    this.tombstoneHead = 0;
    this.finished = true;
    return true;
  }

  private process(conn: Connection, seg: TcpSegment, o: 0 | 1): void {
    const flags = seg.flags;
    const syn = (flags & TCP_SYN) !== 0;
    if (!conn.decided) this.decideRoles(conn, seg, o === 0);
    const flow = conn.flow(o);
    // Sequence numbers go to the flow as `| 0`: an unsigned one above 2^31 is passed boxed (a
    // HeapNumber per call, ~10 MB per GB of capture); the flow only uses them modulo 2^32.
    if (!flow.started) flow.start(seg.seq | 0, syn);
    const wireLength = seg.payloadLength + seg.payloadMissing;
    if (wireLength > 0 && conn.decided) {
      if (conn.consumer === null) this.attachConsumer(conn);
      flow.accept(seg, syn ? (seg.seq + 1) | 0 : seg.seq | 0);
    }
    // Only a direction that holds data cares about acknowledgements; the table-wide set of them
    // is usually empty, which spares looking at the other direction on every ACK.
    if ((flags & TCP_ACK) !== 0 && this.ctx.holding.size !== 0) {
      const rev = conn.flow(o ^ 1);
      if (rev.holdsData) rev.acknowledged(seg.ack | 0, seg.frame);
    }
    if ((flags & TCP_FIN) !== 0 && flow.fin(seg.seq | 0, wireLength, seg.frame, syn)) {
      conn.fins++;
      this.recordClose(conn, flow, 'fin', seg);
    }
    if (conn.fins !== 0) this.finAcknowledged(conn, seg, o);
    if ((flags & TCP_RST) !== 0) {
      this.recordClose(conn, flow, 'rst', seg);
      this.startGrace(conn, seg);
      return;
    }
    if (conn.fins === 2 && conn.flowA.finished && conn.flowB.finished) {
      // Not ended before both FINs are acknowledged: the ACK of the last one normally follows
      // and is Wireshark's last frame of the stream. Ending at the FIN let that ACK reach the
      // tombstone, and the reported last frame depended on when the consumer read it. The
      // grace period bounds the wait when the ACK is not in the capture.
      if (conn.finsAcked === 3) {
        this.terminate(conn);
        return;
      }
      conn.closing = true;
      this.startGrace(conn, seg);
    }
  }

  /** Notes whether the segment, from flow o, acknowledges the other flow's FIN; true if it does. */
  private finAcknowledged(conn: Connection, seg: TcpSegment, o: 0 | 1): boolean {
    if ((seg.flags & TCP_ACK) === 0 || !conn.flow(o ^ 1).acknowledgesFin(seg.ack | 0)) return false;
    conn.finsAcked |= 1 << (o ^ 1);
    return true;
  }

  /** Starts the connection's grace period, once (the first RST or the close both ways). */
  private startGrace(conn: Connection, seg: TcpSegment): void {
    if (conn.graceFrom >= 0) return;
    conn.graceFrom = seg.tsSec + seg.tsNsec / 1e9;
    this.graceQueue.push(conn);
  }

  /**
   * Client = SYN sender / SYN-ACK receiver; without them, the first payload's hello, else the
   * ports. Decided at the first SYN, payload, FIN or RST (a close needs a direction).
   */
  private decideRoles(conn: Connection, seg: TcpSegment, fromA: boolean): void {
    const flags = seg.flags;
    if ((flags & TCP_SYN) !== 0) {
      const senderIsClient = (flags & TCP_ACK) === 0;
      conn.setRoles(senderIsClient === fromA, senderIsClient ? 'syn' : 'syn-ack');
      return;
    }
    if (seg.payloadLength > 0) {
      const role = roleFromPayload(seg.data, seg.payloadOffset, seg.payloadLength);
      if (role !== null) {
        conn.setRoles((role === 'client') === fromA, 'payload');
        return;
      }
    } else if (seg.payloadMissing === 0 && (flags & (TCP_FIN | TCP_RST)) === 0) {
      return;
    }
    this.setRolesByPorts(conn);
  }

  private setRolesByPorts(conn: Connection): void {
    conn.setRoles(serverByPorts(conn.aPort, conn.bPort) === 'b', 'ports');
  }

  /**
   * Creates the connection's consumer at its first byte, close or end, not when roles are
   * decided: a connection that only ever sees a SYN (a scan, a flood) then holds none while open.
   */
  private attachConsumer(conn: Connection): void {
    const consumer = this.factory(conn.info, conn.control);
    conn.consumer = consumer;
    conn.flowA.consumer = consumer;
    conn.flowB.consumer = consumer;
  }

  private recordClose(conn: Connection, flow: DirectionReassembler, kind: 'fin' | 'rst', seg: TcpSegment): void {
    const event: CloseEvent = { direction: flow.direction, kind, frame: seg.frame, tsSec: seg.tsSec, tsNsec: seg.tsNsec };
    conn.info.closes.push(event);
    if (conn.consumer === null) this.attachConsumer(conn);
    conn.consumer!.close(event);
  }

  /**
   * Ends the connections whose grace period (from the first RST, or from the close both ways)
   * has passed at this segment's time. Takes the segment, not its time: a double argument is
   * boxed, one allocation per packet.
   */
  private endGraceExpired(seg: TcpSegment): void {
    const now = seg.tsSec + seg.tsNsec / 1e9;
    const queue = this.graceQueue;
    while (this.graceHead < queue.length) {
      const conn = queue[this.graceHead]!;
      if (!conn.ended && now - conn.graceFrom <= this.resetGrace) break;
      // Cleared as passed, like the tombstone queue's slots: ended connections are not kept here.
      queue[this.graceHead++] = undefined;
      this.terminate(conn);
    }
    if (this.graceHead > 1024 && this.graceHead * 2 > queue.length) {
      this.graceQueue = queue.slice(this.graceHead);
      this.graceHead = 0;
    }
  }

  /** Flushes both directions, ends the consumer and releases the state; a tombstone stays for numbering. */
  private terminate(conn: Connection): void {
    if (conn.ended) return;
    if (!conn.decided) this.setRolesByPorts(conn);
    if (conn.consumer === null) this.attachConsumer(conn);
    conn.flowA.flush();
    conn.flowB.flush();
    conn.ended = true;
    this.live--;
    this.unlinkLive(conn);
    this.tombstones++;
    if (this.closing === null) this.tombstoneQueue.push(conn);
    const consumer = conn.consumer!;
    conn.flowA.release();
    conn.flowB.release();
    conn.dropFlows(this.noFlow);
    conn.consumer = null;
    conn.closing = false;
    const info = conn.info;
    const final = finalInfo(info);
    // No close is recorded after the end: the tombstone's list is final, and a grown array
    // reserves 17 slots for its usual one or two events. The copy's is exact; share it.
    if (info.closes.length !== 0) info.closes = final.closes;
    consumer.end(final);
  }

  /** Numbers a new connection; when `replacing` (a new SYN on its 4-tuple) the old one ends and is forgotten. */
  private open(seg: TcpSegment, replacing: Connection | null): Connection {
    if (replacing !== null) {
      this.terminate(replacing);
      this.tombstones--;
      this.remove(replacing);
    }
    const conn = new Connection(this.nextId++, seg, this.ctx);
    this.live++;
    this.linkLive(conn);
    if (seg.ipVersion === 4) {
      const h = hash4(seg.src4 | 0, seg.srcPort, seg.dst4 | 0, seg.dstPort);
      conn.nextInBucket = this.v4.get(h) ?? null;
      this.v4.set(h, conn);
    } else {
      this.v6.set(key6(seg.src6, seg.srcPort, seg.dst6, seg.dstPort), conn);
    }
    this.last = conn;
    return conn;
  }

  private remove(conn: Connection): void {
    conn.forgotten = true;
    if (this.last === conn) this.last = null;
    if (conn.ipVersion === 6) {
      this.v6.delete(key6(conn.a6, conn.aPort, conn.b6, conn.bPort));
      return;
    }
    const h = hash4(conn.a4, conn.aPort, conn.b4, conn.bPort);
    let head = this.v4.get(h) ?? null;
    if (head === conn) {
      head = conn.nextInBucket;
      if (head === null) this.v4.delete(h);
      else this.v4.set(h, head);
      return;
    }
    for (let c = head; c !== null; c = c.nextInBucket) {
      if (c.nextInBucket === conn) {
        c.nextInBucket = conn.nextInBucket;
        return;
      }
    }
  }

  private find4(seg: TcpSegment): Connection | null {
    const s = seg.src4 | 0;
    const d = seg.dst4 | 0;
    const sp = seg.srcPort;
    const dp = seg.dstPort;
    const cached = this.last;
    if (cached !== null && cached.ipVersion === 4) {
      if (cached.a4 === s && cached.aPort === sp && cached.b4 === d && cached.bPort === dp) {
        this.fromA = true;
        return cached;
      }
      if (cached.a4 === d && cached.aPort === dp && cached.b4 === s && cached.bPort === sp) {
        this.fromA = false;
        return cached;
      }
    }
    for (let c = this.v4.get(hash4(s, sp, d, dp)) ?? null; c !== null; c = c.nextInBucket) {
      if (c.a4 === s && c.aPort === sp && c.b4 === d && c.bPort === dp) {
        this.fromA = true;
        this.last = c;
        return c;
      }
      if (c.a4 === d && c.aPort === dp && c.b4 === s && c.bPort === sp) {
        this.fromA = false;
        this.last = c;
        return c;
      }
    }
    return null;
  }

  private find6(seg: TcpSegment): Connection | null {
    const cached = this.last;
    const c = cached !== null && cached.ipVersion === 6 && cached.matches6(seg)
      ? cached
      : this.v6.get(key6(seg.src6, seg.srcPort, seg.dst6, seg.dstPort)) ?? null;
    if (c === null) return null;
    this.fromA = c.aPort === seg.srcPort && c.a6 === seg.src6;
    this.last = c;
    return c;
  }

  /** Over the total budget: the directions holding the most give up their holes first. */
  private shedTotal(frame: number): void {
    while (this.ctx.heldTotal > this.maxTotal && this.ctx.holding.size !== 0) {
      let worst: DirectionReassembler | null = null;
      for (const f of this.ctx.holding) if (worst === null || f.heldBytes > worst.heldBytes) worst = f;
      worst!.shed(0, frame, `while the table holds ${this.ctx.heldTotal} bytes, over the total cap of ${this.maxTotal}`);
    }
  }

  /**
   * Forgets what has been idle for longer than the timeout (capture time): live connections
   * are ended, tombstones dropped. Runs when the table has doubled since the last sweep, so
   * its cost per connection stays constant.
   */
  private sweep(nowSec: number): void {
    const limit = nowSec - this.idleTimeout;
    const stale: Connection[] = [];
    for (const head of this.v4.values()) {
      for (let c: Connection | null = head; c !== null; c = c.nextInBucket) if (c.info.lastTsSec < limit) stale.push(c);
    }
    for (const c of this.v6.values()) if (c.info.lastTsSec < limit) stale.push(c);
    stale.sort((x, y) => x.id - y.id);
    for (const c of stale) {
      if (!c.ended) this.terminate(c);
      this.tombstones--;
      this.remove(c);
    }
    this.sweepAt = Math.max(FIRST_SWEEP_AT, 2 * (this.live + this.tombstones));
  }
}

/**
 * A segment without payload or SYN: an ACK, a FIN or a RST. Once both FINs are in, these are
 * the tail of the connection: counted in its last frame, but not reported (a RST there is no
 * new close: the connection was already closed both ways).
 */
function isBareControl(seg: TcpSegment): boolean {
  return (seg.flags & TCP_SYN) === 0 && seg.payloadLength + seg.payloadMissing === 0;
}

/**
 * The facts of an ended connection as its consumer gets them: a copy, so that packets reaching
 * the tombstone afterwards (which the table's own info still counts) cannot change what a
 * report shows depending on when it reads them.
 */
function finalInfo(info: TcpConnectionInfo): TcpConnectionInfo {
  return {
    id: info.id,
    ipVersion: info.ipVersion,
    clientIp: info.clientIp,
    clientPort: info.clientPort,
    serverIp: info.serverIp,
    serverPort: info.serverPort,
    roleSource: info.roleSource,
    firstFrame: info.firstFrame,
    lastFrame: info.lastFrame,
    firstTsSec: info.firstTsSec,
    firstTsNsec: info.firstTsNsec,
    lastTsSec: info.lastTsSec,
    lastTsNsec: info.lastTsNsec,
    packets: info.packets,
    closes: info.closes.slice(),
  };
}
