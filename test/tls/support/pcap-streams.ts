/**
 * Test support: reads a small classic pcap and returns the TCP payload of each connection per
 * direction, in order, as the reassembler would deliver it (clean captures only: duplicates
 * are dropped by sequence number, holes are not filled). It lets decoder tests feed real
 * streams in chunks of any size without depending on the capture / TCP modules.
 */
import * as fs from 'node:fs';
import type { CloseEvent, Direction } from '../../../src/tcp/stream-types.js';

export interface StreamSegment {
  frame: number;
  direction: Direction;
  tsSec: number;
  tsNsec: number;
  payload: Uint8Array;
}

export interface TcpStreamFixture {
  clientPort: number;
  serverPort: number;
  segments: StreamSegment[];
  closes: CloseEvent[];
  firstFrame: number;
  lastFrame: number;
}

interface Packet {
  frame: number;
  tsSec: number;
  tsNsec: number;
  data: Uint8Array;
  linkType: number;
}

function readPcap(path: string): Packet[] {
  const buf = new Uint8Array(fs.readFileSync(path));
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, true);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const linkType = dv.getUint32(20, le);
  const out: Packet[] = [];
  let off = 24;
  let frame = 0;
  while (off + 16 <= buf.length) {
    const sec = dv.getUint32(off, le);
    const frac = dv.getUint32(off + 4, le);
    const incl = dv.getUint32(off + 8, le);
    off += 16;
    frame++;
    out.push({ frame, tsSec: sec, tsNsec: nano ? frac : frac * 1000, data: buf.subarray(off, off + incl), linkType });
    off += incl;
  }
  return out;
}

/** Offset of the IP header for the link types of the fixtures used here. */
function ipOffset(p: Packet): number {
  switch (p.linkType) {
    case 0: return 4; // BSD loopback
    case 1: return 14; // Ethernet (no VLAN in these fixtures)
    case 113: return 16; // Linux cooked
    case 101: return 0; // raw IP
    default: throw new Error(`link type ${p.linkType} not handled by the test helper`);
  }
}

/** All TCP connections of a classic pcap, keyed in order of first packet; client = SYN sender. */
export function tcpStreams(path: string): TcpStreamFixture[] {
  const streams = new Map<string, TcpStreamFixture & { next: [number, number]; keyA: string }>();
  const order: (TcpStreamFixture & { next: [number, number]; keyA: string })[] = [];
  for (const p of readPcap(path)) {
    const d = p.data;
    let ip = ipOffset(p);
    const version = d[ip]! >> 4;
    let src: string;
    let dst: string;
    let tcp: number;
    let ipEnd: number;
    if (version === 4) {
      if (d[ip + 9] !== 6) continue;
      src = d.subarray(ip + 12, ip + 16).join('.');
      dst = d.subarray(ip + 16, ip + 20).join('.');
      ipEnd = ip + ((d[ip + 2]! << 8) | d[ip + 3]!);
      tcp = ip + (d[ip]! & 0xf) * 4;
    } else {
      if (d[ip + 6] !== 6) continue;
      src = Buffer.from(d.subarray(ip + 8, ip + 24)).toString('hex');
      dst = Buffer.from(d.subarray(ip + 24, ip + 40)).toString('hex');
      ipEnd = ip + 40 + ((d[ip + 4]! << 8) | d[ip + 5]!);
      tcp = ip + 40;
    }
    ipEnd = Math.min(ipEnd, d.length);
    const sport = (d[tcp]! << 8) | d[tcp + 1]!;
    const dport = (d[tcp + 2]! << 8) | d[tcp + 3]!;
    const seq = ((d[tcp + 4]! << 24) | (d[tcp + 5]! << 16) | (d[tcp + 6]! << 8) | d[tcp + 7]!) >>> 0;
    const flags = d[tcp + 13]!;
    const payload = d.subarray(tcp + (d[tcp + 12]! >> 4) * 4, ipEnd);
    const a = `${src}:${sport}`;
    const b = `${dst}:${dport}`;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    let s = streams.get(key);
    if (!s) {
      s = { clientPort: sport, serverPort: dport, segments: [], closes: [], firstFrame: p.frame, lastFrame: p.frame, next: [-1, -1], keyA: a };
      streams.set(key, s);
      order.push(s);
    }
    s.lastFrame = p.frame;
    const direction: Direction = a === s.keyA ? 0 : 1;
    if (flags & 0x02) {
      s.next[direction] = (seq + 1) >>> 0;
      continue;
    }
    if (s.next[direction] < 0) s.next[direction] = seq;
    if (payload.length > 0) {
      const expected = s.next[direction];
      const ahead = (seq - expected) | 0;
      if (ahead < 0) continue; // retransmission
      s.segments.push({ frame: p.frame, direction, tsSec: p.tsSec, tsNsec: p.tsNsec, payload: payload.slice() });
      s.next[direction] = (seq + payload.length) >>> 0;
    }
    if (flags & 0x01) s.closes.push({ direction, kind: 'fin', frame: p.frame, tsSec: p.tsSec, tsNsec: p.tsNsec });
    if (flags & 0x04) s.closes.push({ direction, kind: 'rst', frame: p.frame, tsSec: p.tsSec, tsNsec: p.tsNsec });
  }
  return order;
}
