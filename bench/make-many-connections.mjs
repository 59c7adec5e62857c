#!/usr/bin/env node
// Writes a pcap of many short TLS connections, for the flat-memory check: each one is
// SYN / SYN-ACK / ACK / ClientHello / ACK / server alert / FIN / FIN / ACK, one after the other,
// with the real ClientHello and alert bytes of a sample capture (default: OpenSSL's refused
// cipher suite, samples/captures/tls12-cipher-mismatch-openssl.pcap). Clients and servers get
// distinct addresses (servers cycle over --servers of them), ports and sequence numbers; IPv4
// and TCP checksums are correct. Deterministic: same arguments, same bytes.
//
//   node bench/make-many-connections.mjs --connections 1000000 --out many.pcap [--servers 100000] [--sample FILE]
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The client's and the server's first payloads of the first TCP connection in a classic pcap (Ethernet, IPv4). */
export function handshakeBytes(pcapFile) {
  const b = readFileSync(pcapFile);
  const magic = b.readUInt32LE(0);
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error(`${pcapFile}: not a little-endian classic pcap`);
  if (b.readUInt32LE(20) !== 1) throw new Error(`${pcapFile}: link type is not Ethernet`);
  let client = null;
  let clientPayload = null;
  let serverPayload = null;
  for (let off = 24; off + 16 <= b.length && !(clientPayload && serverPayload); ) {
    const incl = b.readUInt32LE(off + 8);
    const f = b.subarray(off + 16, off + 16 + incl);
    off += 16 + incl;
    if (f.readUInt16BE(12) !== 0x0800 || f[23] !== 6) continue;
    const ihl = (f[14] & 15) * 4;
    const ipLen = f.readUInt16BE(16);
    const tcp = 14 + ihl;
    const srcPort = f.readUInt16BE(tcp);
    const flags = f[tcp + 13];
    const payload = f.subarray(tcp + (f[tcp + 12] >> 4) * 4, 14 + ipLen);
    if (client === null && (flags & 0x12) === 0x02) client = srcPort;
    if (client === null || payload.length === 0) continue;
    if (srcPort === client) clientPayload ??= Buffer.from(payload);
    else serverPayload ??= Buffer.from(payload);
  }
  if (!clientPayload || !serverPayload) throw new Error(`${pcapFile}: no payload from both sides`);
  return { clientPayload, serverPayload };
}

function checksum(buf, start, end, initial = 0) {
  let sum = initial;
  for (let i = start; i + 1 < end; i += 2) sum += (buf[i] << 8) | buf[i + 1];
  if ((end - start) & 1) sum += buf[end - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/**
 * Writes the capture; returns { connections, packets, bytes }.
 * @param {{ connections: number, out: string, servers?: number, sample?: string }} o
 */
export function writeManyConnections(o) {
  const { clientPayload, serverPayload } = handshakeBytes(o.sample ?? resolve(root, 'samples/captures/tls12-cipher-mismatch-openssl.pcap'));
  const servers = Math.max(1, o.servers ?? 1000);
  const fd = openSync(o.out, 'w');
  const buf = Buffer.alloc(4 << 20);
  let used = 0;
  let packets = 0;
  let bytes = 0;
  const flush = () => {
    writeSync(fd, buf, 0, used);
    bytes += used;
    used = 0;
  };
  buf.writeUInt32LE(0xa1b2c3d4, 0);
  buf.writeUInt16LE(2, 4);
  buf.writeUInt16LE(4, 6);
  buf.writeUInt32LE(262144, 16);
  buf.writeUInt32LE(1, 20);
  used = 24;
  let usec = 0;
  let ipId = 1;
  const t0 = Date.UTC(2024, 2, 12, 14, 0, 0) / 1000;
  const packet = (src, dst, sport, dport, seq, ack, flags, payload) => {
    const tcpLen = flags & 0x02 ? 24 : 20;
    const ipLen = 20 + tcpLen + payload.length;
    const frameLen = 14 + ipLen;
    if (used + 16 + frameLen > buf.length) flush();
    usec += 50;
    buf.writeUInt32LE(t0 + Math.floor(usec / 1e6), used);
    buf.writeUInt32LE(usec % 1e6, used + 4);
    buf.writeUInt32LE(frameLen, used + 8);
    buf.writeUInt32LE(frameLen, used + 12);
    const f = used + 16;
    buf.fill(0, f, f + 14 + 20 + tcpLen);
    buf.writeUInt16BE(0x0200, f); // locally administered MACs
    buf.writeUInt16BE(0x0201, f + 6);
    buf.writeUInt16BE(0x0800, f + 12);
    const ip = f + 14;
    buf[ip] = 0x45;
    buf.writeUInt16BE(ipLen, ip + 2);
    buf.writeUInt16BE(ipId++ & 0xffff, ip + 4);
    buf.writeUInt16BE(0x4000, ip + 6);
    buf[ip + 8] = 64;
    buf[ip + 9] = 6;
    buf.writeUInt32BE(src >>> 0, ip + 12);
    buf.writeUInt32BE(dst >>> 0, ip + 16);
    buf.writeUInt16BE(~checksum(buf, ip, ip + 20) & 0xffff, ip + 10);
    const t = ip + 20;
    buf.writeUInt16BE(sport, t);
    buf.writeUInt16BE(dport, t + 2);
    buf.writeUInt32BE(seq >>> 0, t + 4);
    buf.writeUInt32BE(ack >>> 0, t + 8);
    buf[t + 12] = (tcpLen / 4) << 4;
    buf[t + 13] = flags;
    buf.writeUInt16BE(64240, t + 14);
    if (tcpLen === 24) buf.writeUInt32BE(0x020405b4, t + 20); // MSS 1460
    payload.copy(buf, t + tcpLen);
    const pseudo = checksum(buf, ip + 12, ip + 20) + 6 + tcpLen + payload.length;
    buf.writeUInt16BE(~checksum(buf, t, t + tcpLen + payload.length, pseudo) & 0xffff, t + 16);
    used = f + frameLen;
    packets++;
  };
  const none = Buffer.alloc(0);
  const SYN = 0x02, ACK = 0x10, PSH = 0x08, FIN = 0x01;
  for (let i = 0; i < o.connections; i++) {
    const client = (10 << 24) | ((i >>> 6) & 0xffffff); // 10.x.y.z: 64 connections per client
    const server = (198 << 24) | (18 << 16) | ((i % servers) & 0x1ffff);
    const cport = 1024 + ((i * 7919) % 64000);
    const cseq = Math.imul(i + 1, 2654435761) >>> 0;
    const sseq = Math.imul(i + 1, 40503) >>> 0;
    const c1 = cseq + 1;
    const s1 = sseq + 1;
    const cEnd = c1 + clientPayload.length;
    const sEnd = s1 + serverPayload.length;
    packet(client, server, cport, 443, cseq, 0, SYN, none);
    packet(server, client, 443, cport, sseq, c1, SYN | ACK, none);
    packet(client, server, cport, 443, c1, s1, ACK, none);
    packet(client, server, cport, 443, c1, s1, PSH | ACK, clientPayload);
    packet(server, client, 443, cport, s1, cEnd, ACK, none);
    packet(server, client, 443, cport, s1, cEnd, PSH | ACK, serverPayload);
    packet(server, client, 443, cport, sEnd, cEnd, FIN | ACK, none);
    packet(client, server, cport, 443, cEnd, sEnd + 1, FIN | ACK, none);
    packet(server, client, 443, cport, sEnd + 1, cEnd + 1, ACK, none);
  }
  flush();
  closeSync(fd);
  return { connections: o.connections, packets, bytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const out = opt('--out');
  if (!out) {
    console.error('usage: make-many-connections.mjs --connections N --out FILE [--servers N] [--sample FILE]');
    process.exit(2);
  }
  const r = writeManyConnections({ connections: Number(opt('--connections', '1000000')), out, servers: Number(opt('--servers', '1000')), sample: opt('--sample') });
  console.error(`${out}: ${r.connections} connections, ${r.packets} packets, ${r.bytes} bytes`);
}
