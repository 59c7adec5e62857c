/**
 * Rewrites a classic pcap the way a bad network (or a capture point in the middle of one)
 * would show the same TCP streams: segments split into pieces, reordered within a small
 * window, duplicated, and re-sent as overlapping retransmissions carrying the same bytes.
 * The reassembled streams of the result must equal those of the input; tests use it to prove
 * the reassembler does not depend on a clean capture.
 *
 * Only "pure data" segments are touched: TCP over IPv4/IPv6 (no IP fragment, no IPv6
 * extension header), fully captured, payload present, flags within ACK|PSH. SYN, FIN, RST and
 * pure ACKs stay where they are, and a data segment never moves across a packet of its own
 * connection that is not a data segment of the same direction, so no ACK ever precedes the
 * data it acknowledges. Lengths and IPv4/TCP checksums of rewritten packets are recomputed.
 *
 * Link types: Ethernet (1, with 802.1Q tags), Linux cooked v1 (113) and v2 (276), raw IP
 * (101, 12, 14, 228, 229), BSD loopback (0, 108). Other packets are copied unchanged.
 *
 * Command line (Node cannot run TypeScript directly; compile first):
 *   npx tsc --outDir /tmp/mangle --module NodeNext --moduleResolution NodeNext --target ES2022 \
 *     --types node scripts/mangle-capture.ts
 *   node /tmp/mangle/mangle-capture.js in.pcap out.pcap [--seed N] [--no-reorder] [--no-duplicate]
 *     [--no-overlap] [--no-split]
 */
import * as fs from 'node:fs';

/** What to do to the capture; every kind of mangling is on unless set to false. */
export interface MangleOptions {
  /** Seed of the deterministic pseudo-random choices. */
  seed: number;
  reorder?: boolean;
  duplicate?: boolean;
  overlap?: boolean;
  split?: boolean;
}

interface TcpView {
  /** Offset of the IP header in the packet. */
  ipOff: number;
  ipVersion: 4 | 6;
  tcpOff: number;
  payloadOff: number;
  payloadLen: number;
  seq: number;
  flags: number;
  /** Direction-specific flow identity (source and destination address and port). */
  flow: string;
}

interface Rec {
  tsSec: number;
  tsFrac: number;
  data: Uint8Array;
  capLen: number;
  origLen: number;
  tcp: TcpView | null;
  /** A pure data segment that may be moved, copied or cut. */
  movable: boolean;
}

const PURE_DATA_FLAGS = 0x18; // ACK | PSH
const IP_ETHERTYPES = [0x0800, 0x86dd];

/** Rewrites a classic pcap (see the file comment). Throws on input that is not a classic pcap. */
export function mangleCapture(input: Uint8Array, options: MangleOptions): Uint8Array {
  const rnd = mulberry32(options.seed);
  const { header, littleEndian, linkType, records } = readPcap(input);
  const seenFlows = new Set<string>();
  for (const r of records) {
    r.tcp = parseTcp(r.data, linkType, r.capLen);
    const t = r.tcp;
    // The first packet of a direction fixes where its stream starts: never moved.
    const first = t !== null && !seenFlows.has(t.flow);
    if (t !== null) seenFlows.add(t.flow);
    r.movable = t !== null && !first && t.payloadLen > 0 && (t.flags & ~PURE_DATA_FLAGS) === 0 && r.capLen === r.origLen;
  }
  let list = records;
  if (options.split !== false) list = list.flatMap((r) => (r.movable && r.tcp!.payloadLen > 1 && rnd() < 0.35 ? split(r, rnd) : [r]));
  const out: Rec[] = [];
  for (let i = 0; i < list.length;) {
    if (!list[i]!.movable) {
      out.push(list[i]!);
      i++;
      continue;
    }
    let j = i + 1;
    while (j < list.length && list[j]!.movable && list[j]!.tcp!.flow === list[i]!.tcp!.flow) j++;
    out.push(...mangleRun(list.slice(i, j), rnd, options));
    i = j;
  }
  return writePcap(header, littleEndian, out);
}

/** Reorders, duplicates and overlaps one run of consecutive data segments of one direction. */
function mangleRun(run: Rec[], rnd: () => number, options: MangleOptions): Rec[] {
  const slots = run.map((r) => [r.tsSec, r.tsFrac] as const);
  let result = run.slice();
  if (options.reorder !== false) {
    for (let w = 0; w + 1 < result.length; w += 3) {
      const window = result.slice(w, w + 3);
      shuffle(window, rnd);
      result.splice(w, window.length, ...window);
    }
  }
  if (options.overlap !== false) {
    const extra: Rec[] = [];
    for (const p of run) {
      if (rnd() >= 0.2) continue;
      const pt = p.tcp!;
      const q = run.find((r) => r.tcp!.seq === ((pt.seq + pt.payloadLen) >>> 0));
      if (q === undefined) continue;
      const a = payloadOf(p);
      const b = payloadOf(q);
      const fromA = Math.floor(a.length / 2);
      const bytes = new Uint8Array(a.length - fromA + Math.ceil(b.length / 2));
      bytes.set(a.subarray(fromA));
      bytes.set(b.subarray(0, bytes.length - (a.length - fromA)), a.length - fromA);
      extra.push(rebuild(p, (pt.seq + fromA) >>> 0, bytes));
    }
    // An overlapping copy goes after both of its originals.
    result.push(...extra);
  }
  if (options.duplicate !== false) {
    const withDups: Rec[] = [];
    for (const r of result) {
      withDups.push(r);
      if (rnd() < 0.15) withDups.push(r);
    }
    result = withDups;
  }
  // Keep time moving forward: packets take the timestamps of the slots in order.
  return result.map((r, k) => {
    const [tsSec, tsFrac] = slots[Math.min(k, slots.length - 1)]!;
    return { ...r, tsSec, tsFrac };
  });
}

function split(r: Rec, rnd: () => number): Rec[] {
  const t = r.tcp!;
  const payload = payloadOf(r);
  const pieces = Math.min(payload.length, 2 + Math.floor(rnd() * 2));
  const cuts = new Set<number>();
  while (cuts.size < pieces - 1) cuts.add(1 + Math.floor(rnd() * (payload.length - 1)));
  const bounds = [0, ...[...cuts].sort((x, y) => x - y), payload.length];
  const out: Rec[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    out.push(rebuild(r, (t.seq + bounds[k]!) >>> 0, payload.subarray(bounds[k], bounds[k + 1])));
  }
  return out;
}

function payloadOf(r: Rec): Uint8Array {
  return r.data.subarray(r.tcp!.payloadOff, r.tcp!.payloadOff + r.tcp!.payloadLen);
}

/** A copy of a data segment with another sequence number and payload; lengths and checksums fixed. */
function rebuild(r: Rec, seq: number, payload: Uint8Array): Rec {
  const t = r.tcp!;
  const headLen = t.payloadOff;
  const data = new Uint8Array(headLen + payload.length);
  data.set(r.data.subarray(0, headLen));
  data.set(payload, headLen);
  const view = new DataView(data.buffer);
  view.setUint32(t.tcpOff + 4, seq);
  const tcpLen = data.length - t.tcpOff;
  if (t.ipVersion === 4) {
    view.setUint16(t.ipOff + 2, data.length - t.ipOff);
    view.setUint16(t.ipOff + 10, 0);
    const ihl = (data[t.ipOff]! & 0x0f) * 4;
    view.setUint16(t.ipOff + 10, checksum(data, t.ipOff, ihl, 0));
  } else {
    view.setUint16(t.ipOff + 4, tcpLen);
  }
  view.setUint16(t.tcpOff + 16, 0);
  view.setUint16(t.tcpOff + 16, tcpChecksum(data, t, tcpLen));
  return {
    tsSec: r.tsSec, tsFrac: r.tsFrac, data, capLen: data.length, origLen: data.length, movable: true,
    tcp: { ...t, seq, payloadLen: payload.length },
  };
}

function tcpChecksum(data: Uint8Array, t: TcpView, tcpLen: number): number {
  let sum = 0;
  if (t.ipVersion === 4) {
    sum = sumWords(data, t.ipOff + 12, 8, 0) + 6 + tcpLen;
  } else {
    sum = sumWords(data, t.ipOff + 8, 32, 0) + 6 + tcpLen;
  }
  return checksum(data, t.tcpOff, tcpLen, sum);
}

function sumWords(data: Uint8Array, off: number, len: number, sum: number): number {
  for (let i = 0; i + 1 < len; i += 2) sum += (data[off + i]! << 8) | data[off + i + 1]!;
  if (len % 2 === 1) sum += data[off + len - 1]! << 8;
  return sum;
}

function checksum(data: Uint8Array, off: number, len: number, initial: number): number {
  let sum = sumWords(data, off, len, initial);
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** Offset of the IP header for a link type, or -1 when the packet is not IP. */
function ipOffset(data: Uint8Array, linkType: number, capLen: number): number {
  switch (linkType) {
    case 1: {
      let off = 12;
      let type = capLen >= 14 ? (data[12]! << 8) | data[13]! : 0;
      while ((type === 0x8100 || type === 0x88a8) && capLen >= off + 6) {
        off += 4;
        type = (data[off]! << 8) | data[off + 1]!;
      }
      return IP_ETHERTYPES.includes(type) ? off + 2 : -1;
    }
    case 113:
      return capLen >= 16 && IP_ETHERTYPES.includes((data[14]! << 8) | data[15]!) ? 16 : -1;
    case 276:
      return capLen >= 20 && IP_ETHERTYPES.includes((data[0]! << 8) | data[1]!) ? 20 : -1;
    case 0:
    case 108:
      return capLen >= 4 ? 4 : -1;
    case 101:
    case 12:
    case 14:
    case 228:
    case 229:
      return 0;
    default:
      return -1;
  }
}

function parseTcp(data: Uint8Array, linkType: number, capLen: number): TcpView | null {
  const ipOff = ipOffset(data, linkType, capLen);
  if (ipOff < 0 || capLen < ipOff + 20) return null;
  const version = data[ipOff]! >> 4;
  let tcpOff: number;
  let ipEnd: number;
  let src: string;
  let dst: string;
  if (version === 4) {
    const ihl = (data[ipOff]! & 0x0f) * 4;
    const fragment = ((data[ipOff + 6]! & 0x3f) << 8) | data[ipOff + 7]!; // MF flag + offset
    if (data[ipOff + 9] !== 6 || fragment !== 0 || ihl < 20) return null;
    tcpOff = ipOff + ihl;
    ipEnd = ipOff + ((data[ipOff + 2]! << 8) | data[ipOff + 3]!);
    src = hex(data, ipOff + 12, 4);
    dst = hex(data, ipOff + 16, 4);
  } else if (version === 6) {
    if (capLen < ipOff + 40 || data[ipOff + 6] !== 6) return null;
    tcpOff = ipOff + 40;
    ipEnd = tcpOff + ((data[ipOff + 4]! << 8) | data[ipOff + 5]!);
    src = hex(data, ipOff + 8, 16);
    dst = hex(data, ipOff + 24, 16);
  } else {
    return null;
  }
  if (capLen < tcpOff + 20 || ipEnd > capLen) return null;
  const tcpHdr = (data[tcpOff + 12]! >> 4) * 4;
  if (tcpHdr < 20 || tcpOff + tcpHdr > ipEnd) return null;
  const sp = (data[tcpOff]! << 8) | data[tcpOff + 1]!;
  const dp = (data[tcpOff + 2]! << 8) | data[tcpOff + 3]!;
  return {
    ipOff, ipVersion: version, tcpOff, payloadOff: tcpOff + tcpHdr, payloadLen: ipEnd - tcpOff - tcpHdr,
    seq: ((data[tcpOff + 4]! << 24) | (data[tcpOff + 5]! << 16) | (data[tcpOff + 6]! << 8) | data[tcpOff + 7]!) >>> 0,
    flags: data[tcpOff + 13]!,
    flow: `${src}:${sp}>${dst}:${dp}`,
  };
}

function hex(data: Uint8Array, off: number, len: number): string {
  return Buffer.from(data.subarray(off, off + len)).toString('hex');
}

function readPcap(input: Uint8Array): { header: Uint8Array; littleEndian: boolean; linkType: number; records: Rec[] } {
  if (input.length < 24) throw new Error('not a classic pcap file: shorter than its 24-byte header');
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const magicLE = view.getUint32(0, true);
  let littleEndian: boolean;
  if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) littleEndian = true;
  else if (view.getUint32(0, false) === 0xa1b2c3d4 || view.getUint32(0, false) === 0xa1b23c4d) littleEndian = false;
  else throw new Error('not a classic pcap file (pcapng is not supported by mangleCapture)');
  const linkType = view.getUint32(20, littleEndian) & 0x0fffffff;
  const records: Rec[] = [];
  let off = 24;
  while (off + 16 <= input.length) {
    const capLen = view.getUint32(off + 8, littleEndian);
    if (off + 16 + capLen > input.length) break; // a cut last record is dropped
    records.push({
      tsSec: view.getUint32(off, littleEndian),
      tsFrac: view.getUint32(off + 4, littleEndian),
      capLen,
      origLen: view.getUint32(off + 12, littleEndian),
      data: input.slice(off + 16, off + 16 + capLen),
      tcp: null,
      movable: false,
    });
    off += 16 + capLen;
  }
  return { header: input.subarray(0, 24), littleEndian, linkType, records };
}

function writePcap(header: Uint8Array, littleEndian: boolean, records: Rec[]): Uint8Array {
  const size = 24 + records.reduce((n, r) => n + 16 + r.data.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(header);
  let off = 24;
  for (const r of records) {
    view.setUint32(off, r.tsSec, littleEndian);
    view.setUint32(off + 4, r.tsFrac, littleEndian);
    view.setUint32(off + 8, r.data.length, littleEndian);
    view.setUint32(off + 12, r.origLen, littleEndian);
    out.set(r.data, off + 16);
    off += 16 + r.data.length;
  }
  return out;
}

function shuffle<T>(items: T[], rnd: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/** A small seeded PRNG (mulberry32): the same seed gives the same mangling on every machine. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function main(argv: string[]): void {
  const files: string[] = [];
  let seed = 1;
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === '--seed') seed = Number(argv[++k]);
    else if (!argv[k]!.startsWith('--')) files.push(argv[k]!);
  }
  if (files.length !== 2 || !Number.isInteger(seed)) {
    process.stderr.write('usage: mangle-capture <in.pcap> <out.pcap> [--seed N] [--no-reorder] [--no-duplicate] [--no-overlap] [--no-split]\n');
    process.exitCode = 2;
    return;
  }
  const result = mangleCapture(fs.readFileSync(files[0]!), {
    seed,
    reorder: !argv.includes('--no-reorder'),
    duplicate: !argv.includes('--no-duplicate'),
    overlap: !argv.includes('--no-overlap'),
    split: !argv.includes('--no-split'),
  });
  fs.writeFileSync(files[1]!, result);
}

if (process.argv[1] !== undefined && /mangle-capture\.[cm]?[jt]s$/.test(process.argv[1])) main(process.argv.slice(2));
