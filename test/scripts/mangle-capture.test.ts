import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mangleCapture } from '../../scripts/mangle-capture.js';

const FIXTURE = path.resolve(__dirname, '../fixtures/tcp/http-loopback.pcap');
const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;

interface Rec {
  data: Buffer;
}

function records(pcap: Uint8Array): Rec[] {
  const b = Buffer.from(pcap);
  const out: Rec[] = [];
  for (let off = 24; off + 16 <= b.length;) {
    const len = b.readUInt32LE(off + 8);
    out.push({ data: b.subarray(off + 16, off + 16 + len) });
    off += 16 + len;
  }
  return out;
}

/**
 * Sum of TCP payload bytes of Ethernet/IPv4|IPv6 packets, and whether the checksums of the
 * packets not found in `original` verify (loopback captures carry unfinished checksums: the
 * kernel offloads them, so untouched packets are not checked).
 */
function tcpFacts(pcap: Uint8Array, original: Uint8Array): { payload: number; packets: number; checksumsOk: boolean } {
  let payload = 0;
  let checksumsOk = true;
  const recs = records(pcap);
  const untouched = new Set(records(original).map((r) => r.data.toString('hex')));
  for (const { data } of recs) {
    const type = data.readUInt16BE(12);
    const ip = 14;
    let tcp: number;
    let end: number;
    let pseudo: number;
    if (type === 0x0800) {
      tcp = ip + (data[ip]! & 15) * 4;
      end = ip + data.readUInt16BE(ip + 2);
      pseudo = sum(data, ip + 12, 8);
    } else {
      tcp = ip + 40;
      end = tcp + data.readUInt16BE(ip + 4);
      pseudo = sum(data, ip + 8, 32);
    }
    payload += end - tcp - (data[tcp + 12]! >> 4) * 4;
    const total = pseudo + 6 + (end - tcp) + sum(data, tcp, end - tcp);
    if (!untouched.has(data.toString('hex')) && fold(total) !== 0xffff) checksumsOk = false;
  }
  return { payload, packets: recs.length, checksumsOk };
}

function sum(b: Buffer, off: number, len: number): number {
  let s = 0;
  for (let i = 0; i + 1 < len; i += 2) s += b.readUInt16BE(off + i);
  if (len % 2) s += b[off + len - 1]! << 8;
  return s;
}

function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

describe('mangleCapture', () => {
  const input = new Uint8Array(fs.readFileSync(FIXTURE));

  test('is deterministic for a seed and differs between seeds', () => {
    const a = mangleCapture(input, { seed: 1 });
    expect(Buffer.from(mangleCapture(input, { seed: 1 })).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(mangleCapture(input, { seed: 2 })).equals(Buffer.from(a))).toBe(false);
  });

  test('with every kind of mangling off, the capture is unchanged', () => {
    const out = mangleCapture(input, { seed: 1, reorder: false, duplicate: false, overlap: false, split: false });
    expect(Buffer.from(out).equals(Buffer.from(input))).toBe(true);
  });

  test('splitting alone adds packets but keeps every payload byte once, with valid checksums', () => {
    const before = tcpFacts(input, input);
    const after = tcpFacts(mangleCapture(input, { seed: 5, reorder: false, duplicate: false, overlap: false }), input);
    expect(after.packets).toBeGreaterThan(before.packets);
    expect(after.payload).toBe(before.payload);
    expect(after.checksumsOk).toBe(true);
  });

  test('duplicates and overlaps add payload bytes; rewritten packets have valid checksums', () => {
    const before = tcpFacts(input, input);
    const after = tcpFacts(mangleCapture(input, { seed: 3, reorder: false, split: true }), input);
    expect(after.payload).toBeGreaterThan(before.payload);
    expect(after.checksumsOk).toBe(true);
  });

  test('rejects input that is not a classic pcap', () => {
    expect(() => mangleCapture(new Uint8Array(100), { seed: 1 })).toThrow(/not a classic pcap/);
  });

  (hasTshark ? test : test.skip)('tshark reads the result and sees retransmissions and reordering, nothing malformed', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mangle-')), 'mangled.pcap');
    let flagged = 0;
    for (const seed of [1, 2, 3, 4]) {
      fs.writeFileSync(file, mangleCapture(input, { seed }));
      const r = spawnSync('tshark', ['-n', '-r', file, '-Y', 'tcp.analysis.retransmission or tcp.analysis.out_of_order or _ws.malformed'], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).not.toMatch(/Malformed/);
      flagged += r.stdout.split('\n').filter((l) => l.trim() !== '').length;
    }
    fs.rmSync(path.dirname(file), { recursive: true });
    expect(flagged).toBeGreaterThan(0);
  });
});
