/**
 * Real captures (scripts/make-capture-fixtures.sh: openssl s_server/s_client and curl/python
 * http.server over 127.0.0.1 and ::1, taken by tcpdump) in every container variant: each must
 * yield the same packets, and agree with tshark (stored output, and a live run when tshark exists).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collect, type Collected } from './capture-bytes.js';

const fixtures = path.resolve(__dirname, '../fixtures/capture');
const fixture = (name: string) => path.join(fixtures, name);

interface TsharkFrame {
  frame: number;
  epoch: string;
  len: number;
  capLen: number;
}

function parseTshark(text: string): TsharkFrame[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [frame, epoch, len, capLen] = line.split('\t');
      return { frame: Number(frame), epoch: epoch!, len: Number(len), capLen: Number(capLen) };
    });
}

/** The reader's view in tshark's terms: frame.time_epoch has 9 decimals in tshark 4.0. */
function asTshark(c: Collected): TsharkFrame[] {
  return c.packets.map((p) => ({
    frame: p.frame,
    epoch: `${p.tsSec}.${String(p.tsNsec).padStart(9, '0')}`,
    len: p.originalLength,
    capLen: p.capturedLength,
  }));
}

function installed(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const hasTshark = installed('tshark');
const hasTcpdump = installed('tcpdump');
if (!hasTshark) console.warn('tshark not found: the live tshark comparison is skipped');
if (!hasTcpdump) console.warn('tcpdump not found: the pipe test is skipped');

/** tshark's frames; it exits non-zero on a file cut short, after printing the whole packets. */
function liveTshark(file: string): TsharkFrame[] {
  const run = spawnSync(
    'tshark',
    ['-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return parseTshark(run.stdout);
}

const variants = ['capture.pcap', 'capture.pcapng', 'capture-ns.pcap', 'capture-ns.pcapng', 'capture.pcap.gz', 'capture-2sections.pcapng', 'capture-cut.pcap', 'capture-snap96.pcap'];

describe('real captures from tcpdump on loopback, in every container variant', () => {
  const golden = parseTshark(fs.readFileSync(fixture('capture.tshark.tsv'), 'utf8'));
  const read: Record<string, Collected> = {};
  beforeAll(async () => {
    for (const v of variants) read[v] = await collect(fixture(v));
  });

  it('the base capture has TLS and HTTP over IPv4 and IPv6 (dozens of packets) and matches tshark', () => {
    const base = read['capture.pcap']!;
    expect(base.packets.length).toBeGreaterThan(40);
    expect(base.summary).toMatchObject({ format: 'pcap', linkTypes: [1], packets: golden.length });
    expect(asTshark(base)).toEqual(golden);
    expect(base.warnings).toEqual([]);
  });

  it.each([
    ['capture.pcapng', 'pcapng'],
    ['capture-ns.pcap', 'pcap'],
    ['capture-ns.pcapng', 'pcapng'],
    ['capture.pcap.gz', 'pcap'],
  ])('%s yields the same packets: count, bytes, timestamps, lengths', (name, format) => {
    const got = read[name]!;
    expect(got.summary.format).toBe(format);
    expect(got.warnings).toEqual([]);
    expect(got.packets).toEqual(read['capture.pcap']!.packets);
    expect(got.summary.first).toEqual(read['capture.pcap']!.summary.first);
    expect(got.summary.last).toEqual(read['capture.pcap']!.summary.last);
  });

  it('two pcapng sections (packets 1-20, then the rest): the same packets, frame numbers running on', () => {
    const got = read['capture-2sections.pcapng']!;
    expect(got.packets).toEqual(read['capture.pcap']!.packets);
    expect(got.summary).toEqual({ ...read['capture.pcap']!.summary, format: 'pcapng', bytes: got.summary.bytes });
    expect(got.warnings).toEqual([]);
  });

  it('cut in the middle of its last packet: every whole packet and one warning', () => {
    const base = read['capture.pcap']!.packets;
    const got = read['capture-cut.pcap']!;
    expect(got.packets).toEqual(base.slice(0, -1));
    const last = base[base.length - 1]!;
    expect(got.warnings).toEqual([
      {
        frame: base.length,
        text: `capture cut short in packet ${base.length}: ${last.capturedLength - 40} of its ${last.capturedLength} captured bytes present, 40 missing`,
      },
    ]);
  });

  it('a second tcpdump with -s 96 saw the same packets, cut to 96 bytes', () => {
    const base = read['capture.pcap']!.packets;
    const got = read['capture-snap96.pcap']!;
    expect(got.warnings).toEqual([]);
    expect(got.packets).toHaveLength(base.length);
    expect(got.packets.some((p) => p.originalLength > p.capturedLength)).toBe(true);
    got.packets.forEach((p, i) => {
      const b = base[i]!;
      expect(p.originalLength).toBe(b.originalLength);
      expect(p.capturedLength).toBe(Math.min(96, b.originalLength));
      expect(p.bytes).toEqual(b.bytes.slice(0, 96));
      // Two capturing sockets stamp each packet separately: a microsecond or so apart.
      expect(Math.abs((p.tsSec - b.tsSec) * 1e9 + p.tsNsec - b.tsNsec)).toBeLessThan(100_000);
    });
  });

  (hasTcpdump ? it : it.skip)('reads `tcpdump -r capture.pcap -w -` from a pipe like the file', async () => {
    const child = spawn('tcpdump', ['-r', fixture('capture.pcap'), '-w', '-'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const got = await collect(child.stdout);
    expect(got.packets).toEqual(read['capture.pcap']!.packets);
    expect(got.warnings).toEqual([]);
  });

  (hasTshark ? it : it.skip)('every variant agrees with a live tshark run (frame, time_epoch, len, cap_len)', () => {
    for (const v of variants) expect([v, asTshark(read[v]!)]).toEqual([v, liveTshark(fixture(v))]);
  });

  it('pcap-parser 0.2.1, a second reader of classic pcap, sees the same packets', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pcapParser = require('pcap-parser') as {
      parse(file: string): NodeJS.EventEmitter;
    };
    const theirs = await new Promise<Array<{ sec: number; usec: number; len: number; bytes: number[] }>>((resolve, reject) => {
      const out: Array<{ sec: number; usec: number; len: number; bytes: number[] }> = [];
      const parser = pcapParser.parse(fixture('capture.pcap'));
      parser.on('packet', (p: { header: { timestampSeconds: number; timestampMicroseconds: number; originalLength: number }; data: Buffer }) =>
        out.push({ sec: p.header.timestampSeconds, usec: p.header.timestampMicroseconds, len: p.header.originalLength, bytes: Array.from(p.data) }),
      );
      parser.on('end', () => resolve(out));
      parser.on('error', reject);
    });
    const ours = read['capture.pcap']!.packets.map((p) => ({ sec: p.tsSec, usec: p.tsNsec / 1000, len: p.originalLength, bytes: p.bytes }));
    expect(ours).toEqual(theirs);
  });
});
