/**
 * Builds hostile and broken captures: each one attacks one limit of the analyzer (a 16 MB
 * declared handshake, 10,000 one-byte segments, a million SYNs, lying pcapng lengths...) and
 * also carries one intact, real handshake connection spliced from a sample capture, which must
 * still be diagnosed as in its own capture. Hand-built packets are real pcap bytes: Ethernet,
 * IPv4 and TCP headers with correct lengths and checksums. Certificates come from openssl.
 *
 * Tests build the captures in memory through the exported functions. To write them to files
 * (Node cannot run TypeScript directly; compile first):
 *   npx tsc --outDir /tmp/adv --module NodeNext --moduleResolution NodeNext --target ES2022 \
 *     --types node scripts/make-adversarial.ts
 *   node /tmp/adv/make-adversarial.js <out-dir> [--skip-million]     (from the repository root)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** One adversarial capture and what the analyzer must make of it. */
export interface AdversarialCapture {
  /** Short id, also the file name (without extension). */
  name: string;
  /** What it attacks. */
  description: string;
  format: 'pcap' | 'pcapng';
  bytes: Uint8Array;
  /** A warning of the report must match each of these (the analyzer names the problem). */
  expectWarnings: RegExp[];
  /** Generous wall-time bound for analyze() on this 2-core machine, in ms. */
  boundMs: number;
}

/** A packet as a capture holds it. */
export interface RawPacket {
  tsSec: number;
  tsUsec: number;
  data: Uint8Array;
  /** Length on the wire when it differs from data.length (snaplen cuts). */
  originalLength?: number;
}

// ---------------------------------------------------------------------------------------------
// Reading the intact connection out of a sample capture.

/** The packets of a classic pcap file (any byte order, micro- or nanosecond timestamps). */
export function readPcapPackets(bytes: Uint8Array): { linkType: number; packets: RawPacket[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const be = view.getUint32(0, false);
  if (!le && be !== 0xa1b2c3d4 && be !== 0xa1b23c4d) throw new Error('not a classic pcap file');
  const nano = (le ? magic : be) === 0xa1b23c4d;
  const linkType = view.getUint32(20, le);
  const packets: RawPacket[] = [];
  let off = 24;
  while (off + 16 <= bytes.length) {
    const capLen = view.getUint32(off + 8, le);
    const frac = view.getUint32(off + 4, le);
    packets.push({
      tsSec: view.getUint32(off, le),
      tsUsec: nano ? Math.floor(frac / 1000) : frac,
      data: bytes.slice(off + 16, off + 16 + capLen),
      originalLength: view.getUint32(off + 12, le),
    });
    off += 16 + capLen;
  }
  return { linkType, packets };
}

/** The sample whose connection every adversarial capture carries, relative to the repo root. */
export const INTACT_SAMPLE = 'samples/captures/tls12-hostname-mismatch-openssl.pcap';

/** The intact connection's packets (Ethernet) from the sample at `root`/{@link INTACT_SAMPLE}. */
export function intactConnection(root: string): RawPacket[] {
  const { linkType, packets } = readPcapPackets(new Uint8Array(fs.readFileSync(path.join(root, INTACT_SAMPLE))));
  if (linkType !== 1) throw new Error(`${INTACT_SAMPLE} is not an Ethernet capture`);
  return packets;
}

// ---------------------------------------------------------------------------------------------
// Writing packets.

/** Writes a classic little-endian microsecond pcap file. */
export class PcapWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  constructor(snaplen = 262144, linkType = 1) {
    const h = new DataView(new ArrayBuffer(24));
    h.setUint32(0, 0xa1b2c3d4, true);
    h.setUint16(4, 2, true);
    h.setUint16(6, 4, true);
    h.setUint32(16, snaplen, true);
    h.setUint32(20, linkType, true);
    this.push(new Uint8Array(h.buffer));
  }

  /** Appends a record; `capLen` may be set to lie about the captured length. */
  packet(p: RawPacket, capLen = p.data.length): this {
    const r = new DataView(new ArrayBuffer(16));
    r.setUint32(0, p.tsSec >>> 0, true);
    r.setUint32(4, p.tsUsec >>> 0, true);
    r.setUint32(8, capLen >>> 0, true);
    r.setUint32(12, (p.originalLength ?? p.data.length) >>> 0, true);
    this.push(new Uint8Array(r.buffer));
    this.push(p.data);
    return this;
  }

  /** Appends bytes as they are (garbage, a broken record). */
  raw(bytes: Uint8Array): this {
    this.push(bytes);
    return this;
  }

  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.length;
  }

  bytes(): Uint8Array {
    return concat(this.parts, this.size);
  }
}

/** Writes a little-endian pcapng file: one section, Ethernet interfaces, Enhanced Packet Blocks. */
export class PcapngWriter {
  private readonly parts: Uint8Array[] = [];

  constructor(interfaces = 1) {
    const shb = block(0x0a0d0d0a, 16);
    shb.view.setUint32(8, 0x1a2b3c4d, true);
    shb.view.setUint16(12, 1, true);
    shb.view.setBigInt64(16, -1n, true);
    this.parts.push(shb.bytes);
    for (let i = 0; i < interfaces; i++) {
      const idb = block(1, 8);
      idb.view.setUint16(8, 1, true);
      idb.view.setUint32(12, 262144, true);
      this.parts.push(idb.bytes);
    }
  }

  /** Appends an EPB on `interfaceId` (which need not exist). */
  packet(p: RawPacket, interfaceId = 0): this {
    const padded = (p.data.length + 3) & ~3;
    const epb = block(6, 20 + padded);
    const ts = BigInt(p.tsSec) * 1_000_000n + BigInt(p.tsUsec);
    epb.view.setUint32(8, interfaceId, true);
    epb.view.setUint32(12, Number(ts >> 32n), true);
    epb.view.setUint32(16, Number(ts & 0xffffffffn), true);
    epb.view.setUint32(20, p.data.length, true);
    epb.view.setUint32(24, p.originalLength ?? p.data.length, true);
    epb.bytes.set(p.data, 28);
    this.parts.push(epb.bytes);
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.parts.push(bytes);
    return this;
  }

  bytes(): Uint8Array {
    return concat(this.parts);
  }
}

/** A pcapng block of `bodyLength` bytes with both length fields set. */
function block(type: number, bodyLength: number): { bytes: Uint8Array; view: DataView } {
  const total = 12 + bodyLength;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, total, true);
  view.setUint32(total - 4, total, true);
  return { bytes, view };
}

/** TCP flag bits. */
export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

/** One TCP segment's fields. */
export interface SegmentSpec {
  srcIp: number;
  dstIp: number;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  payload?: Uint8Array;
}

/** An Ethernet + IPv4 + TCP packet (no options) with correct lengths and checksums. */
export function ethIpv4Tcp(s: SegmentSpec): Uint8Array {
  const payload = s.payload ?? new Uint8Array(0);
  const b = new Uint8Array(14 + 20 + 20 + payload.length);
  const v = new DataView(b.buffer);
  b.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1], 0);
  v.setUint16(12, 0x0800);
  v.setUint8(14, 0x45);
  v.setUint16(16, 40 + payload.length);
  v.setUint16(18, 1);
  v.setUint8(22, 64);
  v.setUint8(23, 6);
  v.setUint32(26, s.srcIp >>> 0);
  v.setUint32(30, s.dstIp >>> 0);
  v.setUint16(24, internetChecksum(b, 14, 20, 0));
  v.setUint16(34, s.srcPort);
  v.setUint16(36, s.dstPort);
  v.setUint32(38, s.seq >>> 0);
  v.setUint32(42, s.ack >>> 0);
  v.setUint8(46, 5 << 4);
  v.setUint8(47, s.flags);
  v.setUint16(48, 65535);
  b.set(payload, 54);
  const pseudo = ((s.srcIp >>> 16) + (s.srcIp & 0xffff) + (s.dstIp >>> 16) + (s.dstIp & 0xffff) + 6 + 20 + payload.length) >>> 0;
  v.setUint16(50, internetChecksum(b, 34, 20 + payload.length, pseudo));
  return b;
}

/** RFC 1071 checksum of b[off, off+len) plus `initial` (e.g. a pseudo-header sum). */
export function internetChecksum(b: Uint8Array, off: number, len: number, initial: number): number {
  let sum = initial;
  for (let i = 0; i + 1 < len; i += 2) sum += (b[off + i]! << 8) | b[off + i + 1]!;
  if (len % 2 === 1) sum += b[off + len - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** An IPv4 address as a number: ip(10, 9, 0, 1). */
export const ip = (a: number, b: number, c: number, d: number): number => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

/** A clock for hand-built packets: each call is 100 µs after the last. */
export class Clock {
  constructor(
    private sec = 1_700_000_000,
    private usec = 0,
  ) {}
  next(stepUsec = 100): { tsSec: number; tsUsec: number } {
    this.usec += stepUsec;
    this.sec += Math.floor(this.usec / 1_000_000);
    this.usec %= 1_000_000;
    return { tsSec: this.sec, tsUsec: this.usec };
  }
}

/** What a hand-built TCP connection sends, in order. */
export interface Exchange {
  from: 'client' | 'server';
  bytes: Uint8Array;
}

/**
 * A whole TCP connection as packets: three-way handshake, each exchange cut into segments of
 * at most `mss` bytes, then FIN from both sides.
 */
export function tcpConnection(
  ends: { client: number; server: number; clientPort: number; serverPort: number },
  exchanges: Exchange[],
  clock: Clock,
  options: { mss?: number; close?: boolean; clientIsn?: number; serverIsn?: number } = {},
): RawPacket[] {
  const mss = options.mss ?? 1448;
  let cSeq = options.clientIsn ?? 1000;
  let sSeq = options.serverIsn ?? 5000;
  const out: RawPacket[] = [];
  const seg = (from: 'client' | 'server', flags: number, payload?: Uint8Array): void => {
    const c = from === 'client';
    const data = ethIpv4Tcp({
      srcIp: c ? ends.client : ends.server,
      dstIp: c ? ends.server : ends.client,
      srcPort: c ? ends.clientPort : ends.serverPort,
      dstPort: c ? ends.serverPort : ends.clientPort,
      seq: c ? cSeq : sSeq,
      ack: flags & ACK ? (c ? sSeq : cSeq) : 0,
      flags,
      payload,
    });
    out.push({ ...clock.next(), data });
    const advance = (payload?.length ?? 0) + (flags & (SYN | FIN) ? 1 : 0);
    if (c) cSeq = (cSeq + advance) >>> 0;
    else sSeq = (sSeq + advance) >>> 0;
  };
  seg('client', SYN);
  seg('server', SYN | ACK);
  seg('client', ACK);
  for (const e of exchanges)
    for (let at = 0; at < e.bytes.length; at += mss) seg(e.from, ACK | PSH, e.bytes.subarray(at, Math.min(e.bytes.length, at + mss)));
  if (options.close ?? true) {
    seg('client', FIN | ACK);
    seg('server', FIN | ACK);
    seg('client', ACK);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// TLS messages.

/** TLSPlaintext records of `type` carrying `body`, cut at 2^14 bytes (RFC 5246 §6.2.1). */
export function tlsRecords(type: number, body: Uint8Array, version = 0x0303): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < body.length || at === 0; at += 16384) {
    const piece = body.subarray(at, Math.min(body.length, at + 16384));
    parts.push(u8(type, version >> 8, version & 0xff, piece.length >> 8, piece.length & 0xff), piece);
    if (body.length === 0) break;
  }
  return concat(parts);
}

/** A handshake message: msg_type, uint24 length, body (RFC 5246 §7.4). */
export function handshake(type: number, body: Uint8Array, declaredLength = body.length): Uint8Array {
  return concat([u8(type, declaredLength >> 16, (declaredLength >> 8) & 0xff, declaredLength & 0xff), body]);
}

/** A TLS 1.2 ClientHello offering ECDHE-RSA-AES128-GCM-SHA256, with server_name and optional padding. */
export function clientHello(sni: string, paddingBytes = 0): Uint8Array {
  const name = new TextEncoder().encode(sni);
  const sniExt = concat([u16(0), u16(name.length + 5), u16(name.length + 3), u8(0), u16(name.length), name]);
  const groups = concat([u16(10), u16(4), u16(2), u16(23)]);
  const sigalgs = concat([u16(13), u16(4), u16(2), u16(0x0401)]);
  const padding = paddingBytes > 0 ? concat([u16(21), u16(paddingBytes), new Uint8Array(paddingBytes)]) : new Uint8Array(0);
  const extensions = concat([sniExt, groups, sigalgs, padding]);
  const body = concat([u16(0x0303), filled(32, 7), u8(0), u16(2), u16(0xc02f), u8(1, 0), u16(extensions.length), extensions]);
  return handshake(1, body);
}

/** A TLS 1.2 ServerHello choosing ECDHE-RSA-AES128-GCM-SHA256. */
export function serverHello(): Uint8Array {
  return handshake(2, concat([u16(0x0303), filled(32, 9), u8(0), u16(0xc02f), u8(0), u16(0)]));
}

/** A TLS 1.2 Certificate message: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. */
export function certificateMessage(ders: Uint8Array[]): Uint8Array {
  const list = concat(ders.flatMap((d) => [u24(d.length), d]));
  return handshake(11, concat([u24(list.length), list]));
}

/** A fatal alert record (RFC 5246 §7.2). */
export function alertRecord(description: number): Uint8Array {
  return tlsRecords(21, u8(2, description));
}

// ---------------------------------------------------------------------------------------------
// Certificates.

/** Runs openssl with a config file; returns the DER of the self-signed certificate it made. */
function opensslCertificate(config: string, extraArgs: string[] = []): Uint8Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adversarial-cert-'));
  try {
    const cnf = path.join(dir, 'req.cnf');
    fs.writeFileSync(cnf, config);
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'key.pem'),
        '-out', path.join(dir, 'cert.der'), '-outform', 'DER', '-days', '3650', '-config', cnf, ...extraArgs],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return new Uint8Array(fs.readFileSync(path.join(dir, 'cert.der')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A self-signed certificate (made by openssl) with `count` DNS names in subjectAltName. */
export function certificateWithManySans(count: number): Uint8Array {
  const names = Array.from({ length: count }, (_, i) => `DNS.${i + 1} = n${i}.t`).join('\n');
  return opensslCertificate(
    `[req]\ndistinguished_name = dn\nprompt = no\nx509_extensions = ext\n[dn]\nCN = many-sans.test\n[ext]\nsubjectAltName = @alt\n[alt]\n${names}\n`,
  );
}

/** DER of `depth` SEQUENCEs, each inside the one before, around an empty SEQUENCE. */
export function nestedSequences(depth: number): Uint8Array {
  // Built from the inside out into one buffer: each level adds a tag and a long-form length.
  let content = u8(0x30, 0);
  const parts: Uint8Array[] = [];
  let inner = content.length;
  for (let i = 0; i < depth; i++) {
    const header = inner < 0x80 ? u8(0x30, inner) : inner < 0x10000 ? u8(0x30, 0x82, inner >> 8, inner & 0xff) : u8(0x30, 0x83, inner >> 16, (inner >> 8) & 0xff, inner & 0xff);
    parts.push(header);
    inner += header.length;
  }
  parts.reverse().push(content);
  content = concat(parts);
  return content;
}

/**
 * A real openssl-signed certificate one of whose extensions holds `depth` nested SEQUENCEs,
 * so a recursive DER reader goes that deep inside a certificate that is otherwise valid.
 */
export function certificateWithNestedExtension(depth: number): Uint8Array {
  const hex = Buffer.from(nestedSequences(depth)).toString('hex');
  return opensslCertificate(
    `[req]\ndistinguished_name = dn\nprompt = no\nx509_extensions = ext\n[dn]\nCN = nested.test\n[ext]\nsubjectAltName = DNS:nested.test\n1.3.6.1.4.1.55555.1 = DER:${hex}\n`,
  );
}

// ---------------------------------------------------------------------------------------------
// The adversarial captures.

const CLIENT = ip(10, 66, 0, 2);
const SERVER = ip(10, 66, 0, 1);

/** A handshake connection to the adversarial server, on its own client port. */
function handshakeTo(clock: Clock, clientPort: number, serverFlight: Uint8Array[], clientHelloBytes = clientHello('victim.test'), mss?: number): RawPacket[] {
  return tcpConnection(
    { client: CLIENT, server: SERVER, clientPort, serverPort: 443 },
    [
      { from: 'client', bytes: tlsRecords(22, clientHelloBytes) },
      ...serverFlight.map((bytes) => ({ from: 'server' as const, bytes })),
      { from: 'client', bytes: alertRecord(42) },
    ],
    clock,
    { mss },
  );
}

/** A clock starting at the intact connection's first packet, so interleaved packets keep time order. */
function clockAt(intact: RawPacket[]): Clock {
  return new Clock(intact[0]!.tsSec, intact[0]!.tsUsec);
}

/** Interleaves two packet lists (a, b, a, b, ...), keeping each list's order. */
function interleave(a: RawPacket[], b: RawPacket[]): RawPacket[] {
  const out: RawPacket[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]!);
    if (i < b.length) out.push(b[i]!);
  }
  return out;
}

function pcapOf(packets: RawPacket[], snaplen?: number): Uint8Array {
  const w = new PcapWriter(snaplen);
  for (const p of packets) w.packet(p);
  return w.bytes();
}

/** A ClientHello whose handshake header declares 16 MB (0xFFFFFF), followed by 2 MB of records. */
export function hugeHandshakeLength(intact: RawPacket[]): AdversarialCapture {
  const body = clientHello('huge.test').subarray(4);
  const first = handshake(1, body, 0xffffff);
  const filler = new Uint8Array(2 * 1024 * 1024);
  const hostile = handshakeTo(clockAt(intact), 40001, [], concat([first, filler]), 16384);
  return {
    name: 'huge-handshake-length',
    description: 'a ClientHello declaring 16 MB, with 2 MB of handshake records behind it',
    format: 'pcap',
    bytes: pcapOf([...intact, ...hostile]),
    expectWarnings: [/handshake|too (large|long|big)|cap|limit/i],
    boundMs: 10_000,
  };
}

/** A 10,000-byte ClientHello record sent as 10,000+ one-byte TCP segments. */
export function oneByteSegments(intact: RawPacket[]): AdversarialCapture {
  const record = tlsRecords(22, clientHello('one-byte.test', 10_000));
  const hostile = tcpConnection(
    { client: CLIENT, server: SERVER, clientPort: 40002, serverPort: 443 },
    [{ from: 'client', bytes: record }],
    clockAt(intact),
    { mss: 1 },
  );
  return {
    name: 'one-byte-segments',
    description: `a TLS record of ${record.length} bytes split over ${record.length} one-byte segments`,
    format: 'pcap',
    bytes: pcapOf(interleave(intact, hostile)),
    expectWarnings: [],
    boundMs: 10_000,
  };
}

/** `count` SYN-only connections (distinct client address/port), written straight into one buffer. */
export function millionSyns(intact: RawPacket[], count = 1_000_000): AdversarialCapture {
  const head = pcapOf(intact);
  const recordLength = 16 + 54;
  const out = new Uint8Array(head.length + count * recordLength);
  out.set(head, 0);
  const template = ethIpv4Tcp({ srcIp: ip(10, 70, 0, 0), dstIp: SERVER, srcPort: 1024, dstPort: 443, seq: 1, ack: 0, flags: SYN });
  const view = new DataView(out.buffer);
  const baseSec = intact[intact.length - 1]!.tsSec + 1;
  for (let i = 0; i < count; i++) {
    const at = head.length + i * recordLength;
    view.setUint32(at, baseSec + Math.floor(i / 1000), true);
    view.setUint32(at + 4, (i % 1000) * 1000, true);
    view.setUint32(at + 8, 54, true);
    view.setUint32(at + 12, 54, true);
    const p = at + 16;
    out.set(template, p);
    // Client 10.70.x.y, port 1024 + i % 60000: every SYN opens a new 4-tuple.
    const host = Math.floor(i / 60000);
    view.setUint16(p + 28, host);
    view.setUint16(p + 34, 1024 + (i % 60000));
    view.setUint32(p + 38, i * 7919);
    // Checksums are left as the template's: analyzers (like Wireshark by default) do not verify them.
  }
  return {
    name: 'million-syns',
    description: `${count} SYN-only connections`,
    format: 'pcap',
    bytes: out,
    expectWarnings: [],
    boundMs: 20_000,
  };
}

/** A connection whose client sequence numbers jump by 2^31 between data segments. */
export function sequenceJumps(intact: RawPacket[]): AdversarialCapture {
  const clock = clockAt(intact);
  const packets = handshakeTo(clock, 40003, [tlsRecords(22, serverHello())], clientHello('jump.test', 3000), 500);
  // Every later client data segment is moved 2 GB further on (wrapping), as a broken middlebox would.
  let jumps = 0;
  for (const p of packets) {
    const v = new DataView(p.data.buffer, p.data.byteOffset);
    const fromClient = v.getUint16(34) === 40003;
    if (fromClient && p.data.length > 54) {
      v.setUint32(38, (v.getUint32(38) + jumps * 0x80000000) >>> 0);
      jumps++;
    }
  }
  return {
    name: 'sequence-jumps',
    description: 'client data segments whose sequence numbers jump by 2 GB each',
    format: 'pcap',
    bytes: pcapOf(interleave(intact, packets)),
    expectWarnings: [/gap|missing|sequence|out of (order|window)|not captured|lost/i],
    boundMs: 10_000,
  };
}

/** Retransmissions that overlap earlier segments with different bytes. */
export function overlappingRetransmissions(intact: RawPacket[]): AdversarialCapture {
  const clock = clockAt(intact);
  const packets = handshakeTo(clock, 40004, [tlsRecords(22, serverHello())], clientHello('overlap.test', 2000), 400);
  const out: RawPacket[] = [];
  for (const p of packets) {
    out.push(p);
    const v = new DataView(p.data.buffer, p.data.byteOffset);
    if (v.getUint16(34) === 40004 && p.data.length > 54 + 100) {
      // The same sequence range again, half of it shifted, with every byte changed.
      const payload = p.data.slice(54 + 50).map((b) => b ^ 0x5a);
      out.push({
        ...clock.next(),
        data: ethIpv4Tcp({ srcIp: CLIENT, dstIp: SERVER, srcPort: 40004, dstPort: 443, seq: v.getUint32(38) + 50, ack: v.getUint32(42), flags: ACK | PSH, payload }),
      });
    }
  }
  return {
    name: 'overlapping-retransmissions',
    description: 'retransmitted segments overlapping earlier ones with different bytes',
    format: 'pcap',
    bytes: pcapOf(interleave(intact, out)),
    expectWarnings: [/overlap|retransmi|differ/i],
    boundMs: 10_000,
  };
}

/** A TLS 1.2 server flight whose certificate (made by openssl) has 10,000 SAN entries. */
export function manySanCertificate(intact: RawPacket[], sans = 10_000): AdversarialCapture {
  const der = certificateWithManySans(sans);
  const flight = tlsRecords(22, concat([serverHello(), certificateMessage([der]), handshake(14, new Uint8Array(0))]));
  return {
    name: 'many-san-certificate',
    description: `a certificate of ${der.length} bytes with ${sans} subjectAltName entries`,
    format: 'pcap',
    bytes: pcapOf(interleave(intact, handshakeTo(clockAt(intact), 40005, [flight]))),
    expectWarnings: [],
    boundMs: 15_000,
  };
}

/**
 * A certificate chain of a real openssl certificate whose extension nests 2,000 SEQUENCEs,
 * then a "certificate" that is 30,000 nested SEQUENCEs (no certificate at all).
 */
export function deeplyNestedCertificate(intact: RawPacket[]): AdversarialCapture {
  const signed = certificateWithNestedExtension(2000);
  const bare = nestedSequences(30_000);
  const flight = tlsRecords(22, concat([serverHello(), certificateMessage([signed, bare]), handshake(14, new Uint8Array(0))]));
  return {
    name: 'deeply-nested-certificate',
    description: `an openssl certificate with 2,000 nested SEQUENCEs in an extension, then ${bare.length} bytes of 30,000 nested SEQUENCEs`,
    format: 'pcap',
    bytes: pcapOf(interleave(intact, handshakeTo(clockAt(intact), 40006, [flight]))),
    expectWarnings: [/certificate/i],
    boundMs: 15_000,
  };
}

/** pcapng blocks whose total lengths lie (after the intact connection). */
export function pcapngLyingLengths(intact: RawPacket[]): AdversarialCapture {
  const w = new PcapngWriter();
  for (const p of intact) w.packet(p);
  const lie = (mutate: (v: DataView, total: number) => void): Uint8Array => {
    const one = new PcapngWriter().packet({ tsSec: 1_700_000_000, tsUsec: 0, data: ethIpv4Tcp({ srcIp: CLIENT, dstIp: SERVER, srcPort: 40007, dstPort: 443, seq: 1, ack: 0, flags: SYN }) }).bytes();
    const epb = one.slice(28 + 20);
    mutate(new DataView(epb.buffer), epb.length);
    return epb;
  };
  // Trailing length that disagrees, a total length that is not a multiple of 4, one shorter than
  // a block header, and finally one that claims 4 GB.
  w.raw(lie((v, t) => v.setUint32(t - 4, t + 8, true)));
  w.raw(lie((v, t) => v.setUint32(4, t - 2, true)));
  w.raw(lie((v) => v.setUint32(4, 8, true)));
  w.raw(lie((v) => v.setUint32(4, 0xfffffffc, true)));
  return {
    name: 'pcapng-lying-lengths',
    description: 'pcapng blocks whose total lengths lie: trailer mismatch, not a multiple of 4, too short, 4 GB',
    format: 'pcapng',
    bytes: w.bytes(),
    expectWarnings: [/pcapng|block/i],
    boundMs: 5_000,
  };
}

/** A pcap whose header says snaplen 0. */
export function snaplenZero(intact: RawPacket[]): AdversarialCapture {
  return {
    name: 'snaplen-zero',
    description: 'a pcap file header with snaplen 0',
    format: 'pcap',
    bytes: pcapOf(intact, 0),
    expectWarnings: [],
    boundMs: 5_000,
  };
}

/** Records whose captured length is above the file's snaplen (96). */
export function caplenAboveSnaplen(intact: RawPacket[]): AdversarialCapture {
  return {
    name: 'caplen-above-snaplen',
    description: 'snaplen 96 in the file header, records of up to 1,514 captured bytes',
    format: 'pcap',
    bytes: pcapOf(intact, 96),
    expectWarnings: [/snaplen|snapshot/i],
    boundMs: 5_000,
  };
}

/** An EPB on interface 7 of a section that has one interface. */
export function pcapngMissingInterface(intact: RawPacket[]): AdversarialCapture {
  const w = new PcapngWriter();
  const hostile = handshakeTo(clockAt(intact), 40008, [tlsRecords(22, serverHello())]);
  intact.forEach((p) => w.packet(p));
  hostile.forEach((p) => w.packet(p, 7));
  return {
    name: 'pcapng-missing-interface',
    description: 'Enhanced Packet Blocks naming interface 7 in a section with only interface 0',
    format: 'pcapng',
    bytes: w.bytes(),
    expectWarnings: [/interface/i],
    boundMs: 5_000,
  };
}

/** A second connection whose timestamps go backwards, interleaved with the intact one. */
export function timestampsBackwards(intact: RawPacket[]): AdversarialCapture {
  const hostile = handshakeTo(clockAt(intact), 40009, [tlsRecords(22, serverHello())]);
  hostile.forEach((p, i) => {
    p.tsSec -= i * 3600;
  });
  return {
    name: 'timestamps-backwards',
    description: 'packets whose timestamps go back an hour each',
    format: 'pcap',
    bytes: pcapOf(interleave(intact, hostile)),
    expectWarnings: [/time|backward|earlier/i],
    boundMs: 5_000,
  };
}

/** The intact connection, then 1 MB of random bytes. */
export function randomAfterHeader(intact: RawPacket[], seed = 1): AdversarialCapture {
  const garbage = new Uint8Array(1024 * 1024);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < garbage.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    garbage[i] = s & 0xff;
  }
  return {
    name: 'random-after-header',
    description: 'a valid pcap header and intact connection, then 1 MB of random bytes',
    format: 'pcap',
    bytes: new PcapWriter().raw(pcapOf(intact).subarray(24)).raw(garbage).bytes(),
    expectWarnings: [/record|length|cut|corrupt|damaged|garbage|skipp/i],
    boundMs: 10_000,
  };
}

/** The names of the adversarial captures, in the order allAdversarialCaptures makes them. */
export const ADVERSARIAL_NAMES = [
  'huge-handshake-length',
  'one-byte-segments',
  'million-syns',
  'sequence-jumps',
  'overlapping-retransmissions',
  'many-san-certificate',
  'deeply-nested-certificate',
  'pcapng-lying-lengths',
  'snaplen-zero',
  'caplen-above-snaplen',
  'pcapng-missing-interface',
  'timestamps-backwards',
  'random-after-header',
] as const;

/** Every adversarial capture, in the order above. `skipMillion` leaves the 70 MB one out. */
export function allAdversarialCaptures(root: string, options: { skipMillion?: boolean } = {}): AdversarialCapture[] {
  const intact = intactConnection(root);
  const makers = [
    hugeHandshakeLength,
    oneByteSegments,
    ...(options.skipMillion ? [] : [millionSyns]),
    sequenceJumps,
    overlappingRetransmissions,
    manySanCertificate,
    deeplyNestedCertificate,
    pcapngLyingLengths,
    snaplenZero,
    caplenAboveSnaplen,
    pcapngMissingInterface,
    timestampsBackwards,
    randomAfterHeader,
  ];
  return makers.map((make) => make(intact.map((p) => ({ ...p, data: p.data.slice() }))));
}

// ---------------------------------------------------------------------------------------------
// Bytes.

function u8(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}
function u16(v: number): Uint8Array {
  return u8(v >> 8, v & 0xff);
}
function u24(v: number): Uint8Array {
  return u8(v >> 16, (v >> 8) & 0xff, v & 0xff);
}
function filled(n: number, value: number): Uint8Array {
  return new Uint8Array(n).fill(value);
}

/** Joins byte arrays. */
export function concat(parts: Uint8Array[], size?: number): Uint8Array {
  const out = new Uint8Array(size ?? parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Command line: writes every capture into a directory. */
function main(argv: string[]): void {
  const outDir = argv[0];
  if (!outDir) {
    process.stderr.write('usage: make-adversarial <out-dir> [--skip-million]\n');
    process.exitCode = 2;
    return;
  }
  // Run from the repository root: the intact connection is read from samples/.
  fs.mkdirSync(outDir, { recursive: true });
  for (const c of allAdversarialCaptures(process.cwd(), { skipMillion: argv.includes('--skip-million') })) {
    fs.writeFileSync(path.join(outDir, `${c.name}.${c.format}`), c.bytes);
    process.stdout.write(`${c.name}.${c.format}\t${c.bytes.length} bytes\t${c.description}\n`);
  }
}

if (process.argv[1] !== undefined && /make-adversarial\.[cm]?[jt]s$/.test(process.argv[1])) main(process.argv.slice(2));
