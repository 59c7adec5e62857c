/**
 * Hand-built frames for byte-vector tests: each function returns the bytes of one header
 * (with whatever it wraps), laid out as the RFC says, so a test can break one field at a time.
 */
import type { CapturedPacket } from '../../src/capture/packet.js';

export function bytes(...parts: (number[] | Uint8Array)[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function u16(v: number): number[] {
  return [(v >> 8) & 255, v & 255];
}

export function u32(v: number): number[] {
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

export interface TcpFields {
  srcPort?: number;
  dstPort?: number;
  seq?: number;
  ack?: number;
  /** Data offset in 32-bit words (default: 5 + options / 4). */
  dataOffset?: number;
  flags?: number;
  window?: number;
  options?: number[];
  payload?: number[] | Uint8Array;
}

/** RFC 9293 TCP header + payload (checksum left 0: the decoder does not check it). */
export function tcp(f: TcpFields = {}): Uint8Array {
  const options = f.options ?? [];
  const dataOffset = f.dataOffset ?? 5 + options.length / 4;
  return bytes(
    u16(f.srcPort ?? 40000), u16(f.dstPort ?? 443), u32(f.seq ?? 1000), u32(f.ack ?? 2000),
    [dataOffset << 4, f.flags ?? 0x18], u16(f.window ?? 512), [0, 0, 0, 0], options, f.payload ?? [],
  );
}

export interface Ipv4Fields {
  src?: number[];
  dst?: number[];
  protocol?: number;
  id?: number;
  /** Header length in words (default 5 + options / 4). */
  ihl?: number;
  totalLength?: number;
  version?: number;
  moreFragments?: boolean;
  /** Fragment offset in bytes (multiple of 8). */
  fragmentOffset?: number;
  dontFragment?: boolean;
  options?: number[];
}

/** RFC 791 IPv4 header around `payload`. */
export function ipv4(payload: Uint8Array, f: Ipv4Fields = {}): Uint8Array {
  const options = f.options ?? [];
  const ihl = f.ihl ?? 5 + options.length / 4;
  const headerLength = 20 + options.length;
  const flags = (f.moreFragments ? 0x2000 : 0) | (f.dontFragment ? 0x4000 : 0) | ((f.fragmentOffset ?? 0) / 8);
  return bytes(
    [((f.version ?? 4) << 4) | ihl, 0], u16(f.totalLength ?? headerLength + payload.length), u16(f.id ?? 0x1234), u16(flags),
    [64, f.protocol ?? 6, 0, 0], f.src ?? [10, 0, 0, 1], f.dst ?? [10, 0, 0, 2], options, payload,
  );
}

export const V6_SRC = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
export const V6_DST = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

export interface Ipv6Fields {
  src?: number[];
  dst?: number[];
  nextHeader?: number;
  payloadLength?: number;
  version?: number;
}

/** RFC 8200 IPv6 fixed header around `payload` (which may start with extension headers). */
export function ipv6(payload: Uint8Array, f: Ipv6Fields = {}): Uint8Array {
  return bytes(
    [(f.version ?? 6) << 4, 0, 0, 0], u16(f.payloadLength ?? payload.length), [f.nextHeader ?? 6, 64],
    f.src ?? V6_SRC, f.dst ?? V6_DST, payload,
  );
}

/** A generic extension header (hop-by-hop, routing, destination options): length in 8-octet units. */
export function extensionHeader(nextHeader: number, totalLength: number, payload: Uint8Array): Uint8Array {
  const body = new Array<number>(totalLength - 2).fill(0);
  if (totalLength - 2 >= 4) {
    // A PadN option filling the header keeps it valid.
    body[0] = 1;
    body[1] = totalLength - 4;
  }
  return bytes([nextHeader, totalLength / 8 - 1], body, payload);
}

/** RFC 8200 §4.5 Fragment header. */
export function fragmentHeader(nextHeader: number, offset: number, more: boolean, id: number, payload: Uint8Array): Uint8Array {
  return bytes([nextHeader, 0], u16(offset | (more ? 1 : 0)), u32(id), payload);
}

export const MAC_A = [0x02, 0, 0, 0, 0, 0x0a];
export const MAC_B = [0x02, 0, 0, 0, 0, 0x0b];

/** Ethernet II header (with optional VLAN tags as [tpid, tci] pairs) around `payload`. */
export function ethernet(etherType: number, payload: Uint8Array, tags: [number, number][] = []): Uint8Array {
  const tagBytes = tags.flatMap(([tpid, tci]) => [...u16(tpid), ...u16(tci)]);
  return bytes(MAC_B, MAC_A, tagBytes, u16(etherType), payload);
}

let frameCounter = 0;

/** A CapturedPacket over `data` as a reader would hand it on. */
export function packet(linkType: number, data: Uint8Array, options: { originalLength?: number; frame?: number; tsSec?: number } = {}): CapturedPacket {
  return {
    frame: options.frame ?? ++frameCounter,
    linkType,
    tsSec: options.tsSec ?? 1700000000,
    tsNsec: 5000,
    data,
    offset: 0,
    capturedLength: data.length,
    originalLength: options.originalLength ?? data.length,
    interfaceId: 0,
  };
}

/** The same packet cut to `snaplen` captured bytes (as tcpdump -s would store it). */
export function cutBySnaplen(linkType: number, data: Uint8Array, snaplen: number, frame?: number): CapturedPacket {
  const p = packet(linkType, data.slice(0, snaplen), { originalLength: data.length, ...(frame === undefined ? {} : { frame }) });
  return p;
}
