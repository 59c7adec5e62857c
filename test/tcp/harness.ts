/**
 * Test harness for the connection table: builds TcpSegment objects by hand (reusing ONE
 * object, as the real decoder does, and overwriting its buffer after each call so any
 * retained view shows up as corrupted data) and records what consumers receive.
 */
import { ConnectionTable, type TcpOptions } from '../../src/tcp/connection-table.js';
import type { CloseEvent, Direction, StreamControl, StreamConsumer, TcpConnectionInfo } from '../../src/tcp/stream-types.js';
import { newTcpSegment, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../../src/net/tcp-segment.js';

export { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN };

export interface Recorded {
  info: TcpConnectionInfo;
  control: StreamControl;
  /** Delivered bytes per direction. */
  bytes: [number[], number[]];
  /** Every event in order, as text. */
  events: string[];
  /** Frame of each delivered byte, per direction. */
  frames: [number[], number[]];
  gaps: { direction: Direction; missing: number; frame: number }[];
  closes: CloseEvent[];
  ends: number;
  endInfo: TcpConnectionInfo | null;
}

export interface Endpoint {
  ip: number | string;
  port: number;
}

export const CLIENT: Endpoint = { ip: 0x0a000001, port: 40000 };
export const SERVER: Endpoint = { ip: 0x0a000002, port: 443 };

export interface SegmentSpec {
  seq: number;
  ack?: number;
  flags?: number;
  payload?: number[] | Uint8Array | string;
  missing?: number;
  frame?: number;
  tsSec?: number;
  /** Feed it as a TCP header quoted in an ICMP error (ConnectionTable.quoted). */
  quoted?: boolean;
}

/** What a consumer does when data arrives (e.g. call skip). */
export type OnData = (r: Recorded, direction: Direction, bytes: Uint8Array) => void;

export class Harness {
  readonly table: ConnectionTable;
  readonly conns: Recorded[] = [];
  readonly warnings: { frame: number | null; text: string }[] = [];
  private frame = 0;
  private readonly seg = newTcpSegment();
  /** One shared buffer for every packet, clobbered after each call. */
  private readonly buffer = new Uint8Array(70000);
  onData: OnData | null = null;

  constructor(options: Partial<TcpOptions> = {}) {
    this.table = new ConnectionTable(
      (info, control) => {
        const r: Recorded = {
          info, control, bytes: [[], []], frames: [[], []], events: [], gaps: [], closes: [], ends: 0, endInfo: null,
        };
        this.conns.push(r);
        const harness = this;
        const consumer: StreamConsumer = {
          data(direction, bytes, offset, length, frame) {
            const chunk = bytes.slice(offset, offset + length);
            for (const b of chunk) {
              r.bytes[direction].push(b);
              r.frames[direction].push(frame);
            }
            r.events.push(`data ${direction} ${length} @${frame}`);
            if (harness.onData !== null) harness.onData(r, direction, chunk);
          },
          gap(direction, missing, frame) {
            r.gaps.push({ direction, missing, frame });
            r.events.push(`gap ${direction} ${missing} @${frame}`);
          },
          close(event) {
            r.closes.push(event);
            r.events.push(`${event.kind} ${event.direction} @${event.frame}`);
          },
          end(endInfo) {
            r.ends++;
            r.endInfo = endInfo;
            r.events.push('end');
          },
        };
        return consumer;
      },
      { warn: (frame, text) => this.warnings.push({ frame, text }), ...options },
    );
  }

  /** Sends one segment from `from` to `to`. Returns its frame number. */
  send(from: Endpoint, to: Endpoint, spec: SegmentSpec): number {
    const s = this.seg;
    const frame = spec.frame ?? ++this.frame;
    this.frame = Math.max(this.frame, frame);
    s.frame = frame;
    s.tsSec = spec.tsSec ?? 1000 + frame;
    s.tsNsec = frame * 1000;
    if (typeof from.ip === 'number') {
      s.ipVersion = 4;
      s.src4 = from.ip;
      s.dst4 = to.ip as number;
      s.src6 = '';
      s.dst6 = '';
    } else {
      s.ipVersion = 6;
      s.src6 = from.ip;
      s.dst6 = to.ip as string;
      s.src4 = 0;
      s.dst4 = 0;
    }
    s.srcPort = from.port;
    s.dstPort = to.port;
    s.seq = spec.seq >>> 0;
    s.ack = (spec.ack ?? 0) >>> 0;
    s.flags = spec.flags ?? TCP_ACK;
    const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'latin1') : spec.payload ?? [];
    // Payload placed at an odd offset inside the shared buffer, like a real packet after its headers.
    const offset = 54 + (frame % 7);
    this.buffer.set(payload, offset);
    s.data = this.buffer;
    s.payloadOffset = offset;
    s.payloadLength = payload.length;
    s.payloadMissing = spec.missing ?? 0;
    if (spec.quoted === true) this.table.quoted(s);
    else this.table.segment(s);
    this.buffer.fill(0xee);
    return frame;
  }

  /** Client to server. */
  c(spec: SegmentSpec): number {
    return this.send(CLIENT, SERVER, spec);
  }

  /** Server to client. */
  s(spec: SegmentSpec): number {
    return this.send(SERVER, CLIENT, spec);
  }

  /** SYN, SYN-ACK, ACK with the given initial sequence numbers. */
  handshake(isnC: number, isnS: number, client: Endpoint = CLIENT, server: Endpoint = SERVER): void {
    this.send(client, server, { seq: isnC, flags: TCP_SYN });
    this.send(server, client, { seq: isnS, ack: isnC + 1, flags: TCP_SYN | TCP_ACK });
    this.send(client, server, { seq: isnC + 1, ack: isnS + 1 });
  }
}

/** Bytes of a string, as numbers. */
export function text(s: string): number[] {
  return Array.from(Buffer.from(s, 'latin1'));
}

/** Delivered bytes of a direction, as a string. */
export function got(r: Recorded, direction: Direction): string {
  return Buffer.from(r.bytes[direction]).toString('latin1');
}
