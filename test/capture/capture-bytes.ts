/**
 * Hand-built pcap/pcapng bytes for the byte-vector tests, and a collector that runs the reader
 * and copies out what it hands on (the packet object and its buffer are reused).
 */
import { readCapture, type ReadOptions } from '../../src/capture/read-capture.js';
import type { CaptureInput, CaptureSummary } from '../../src/capture/packet.js';

export interface SeenPacket {
  frame: number;
  linkType: number;
  tsSec: number;
  tsNsec: number;
  capturedLength: number;
  originalLength: number;
  interfaceId: number;
  bytes: number[];
}

export interface Collected {
  packets: SeenPacket[];
  warnings: Array<{ frame: number | null; text: string }>;
  summary: CaptureSummary;
  formats: string[];
}

export async function collect(input: CaptureInput, options: Omit<ReadOptions, 'warn'> = {}): Promise<Collected> {
  const packets: SeenPacket[] = [];
  const warnings: Array<{ frame: number | null; text: string }> = [];
  const formats: string[] = [];
  const summary = await readCapture(
    input,
    {
      onFormat: (f) => formats.push(f),
      onPacket: (p) => {
        packets.push({
          frame: p.frame,
          linkType: p.linkType,
          tsSec: p.tsSec,
          tsNsec: p.tsNsec,
          capturedLength: p.capturedLength,
          originalLength: p.originalLength,
          interfaceId: p.interfaceId,
          bytes: Array.from(p.data.subarray(p.offset, p.offset + p.capturedLength)),
        });
      },
    },
    { ...options, warn: (frame, text) => warnings.push({ frame, text }) },
  );
  return { packets, warnings, summary, formats };
}

/** A growable byte writer with both byte orders. */
export class Bytes {
  private out: number[] = [];
  constructor(private readonly littleEndian = true) {}
  u8(v: number): this {
    this.out.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    const b = [(v >>> 8) & 0xff, v & 0xff];
    this.out.push(...(this.littleEndian ? b.reverse() : b));
    return this;
  }
  u32(v: number): this {
    const b = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    this.out.push(...(this.littleEndian ? b.reverse() : b));
    return this;
  }
  /** A 64-bit value as high and low 32-bit halves, in the byte order's word order. */
  u64(high: number, low: number): this {
    return this.littleEndian ? this.u32(low).u32(high) : this.u32(high).u32(low);
  }
  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.out.push(bytes[i]!);
    return this;
  }
  pad4(): this {
    while (this.out.length % 4) this.out.push(0);
    return this;
  }
  get length(): number {
    return this.out.length;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Packet payload i bytes long with recognisable contents. */
export function payload(length: number, seed = 1): number[] {
  return Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);
}

// ---- classic pcap ----

export interface PcapOptions {
  littleEndian?: boolean;
  magic?: number;
  snaplen?: number;
  linkType?: number;
}

export function pcapHeader(o: PcapOptions = {}): Uint8Array {
  return new Bytes(o.littleEndian ?? true)
    .u32(o.magic ?? 0xa1b2c3d4)
    .u16(2)
    .u16(4)
    .u32(0)
    .u32(0)
    .u32(o.snaplen ?? 262144)
    .u32(o.linkType ?? 1)
    .done();
}

export function pcapRecord(
  r: { sec: number; frac: number; data: number[]; originalLength?: number; extra?: number[] },
  littleEndian = true,
): Uint8Array {
  return new Bytes(littleEndian)
    .u32(r.sec)
    .u32(r.frac)
    .u32(r.data.length)
    .u32(r.originalLength ?? r.data.length)
    .raw(r.extra ?? [])
    .raw(r.data)
    .done();
}

// ---- pcapng ----

/** A whole block: type, total length, body (padded), total length. */
export function block(type: number, body: Uint8Array, littleEndian = true, lengthOverride?: { leading?: number; trailing?: number }): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const total = 12 + padded;
  const w = new Bytes(littleEndian).u32(type).u32(lengthOverride?.leading ?? total).raw(body);
  w.pad4();
  w.u32(lengthOverride?.trailing ?? total);
  return w.done();
}

export function option(code: number, value: ArrayLike<number>, littleEndian = true): number[] {
  const w = new Bytes(littleEndian).u16(code).u16(value.length).raw(value).pad4();
  return Array.from(w.done());
}

export function shb(littleEndian = true, options: number[] = []): Uint8Array {
  const body = new Bytes(littleEndian).u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff).raw(options).done();
  return block(0x0a0d0d0a, body, littleEndian);
}

export function idb(
  o: { linkType?: number; snaplen?: number; options?: number[] } = {},
  littleEndian = true,
): Uint8Array {
  const opts = o.options && o.options.length ? [...o.options, 0, 0, 0, 0] : [];
  const body = new Bytes(littleEndian)
    .u16(o.linkType ?? 1)
    .u16(0)
    .u32(o.snaplen ?? 0)
    .raw(opts)
    .done();
  return block(1, body, littleEndian);
}

export function epb(
  e: { interfaceId?: number; high: number; low: number; data: number[]; originalLength?: number; capturedLength?: number },
  littleEndian = true,
): Uint8Array {
  const w = new Bytes(littleEndian)
    .u32(e.interfaceId ?? 0)
    .u32(e.high)
    .u32(e.low)
    .u32(e.capturedLength ?? e.data.length)
    .u32(e.originalLength ?? e.data.length)
    .raw(e.data)
    .pad4();
  return block(6, w.done(), littleEndian);
}

export function spb(originalLength: number, data: number[], littleEndian = true): Uint8Array {
  return block(3, new Bytes(littleEndian).u32(originalLength).raw(data).pad4().done(), littleEndian);
}

export function obsoletePb(
  p: { interfaceId?: number; high: number; low: number; data: number[]; originalLength?: number },
  littleEndian = true,
): Uint8Array {
  const w = new Bytes(littleEndian)
    .u16(p.interfaceId ?? 0)
    .u16(0)
    .u32(p.high)
    .u32(p.low)
    .u32(p.data.length)
    .u32(p.originalLength ?? p.data.length)
    .raw(p.data)
    .pad4();
  return block(2, w.done(), littleEndian);
}

/** Splits a 64-bit count (given as a bigint) into high/low words. */
export function split64(v: bigint): { high: number; low: number } {
  return { high: Number(v >> 32n), low: Number(v & 0xffffffffn) };
}
