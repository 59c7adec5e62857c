import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ipv4ToString } from '../../src/net/tcp-segment.js';
import { harness } from './decoder-harness.js';
import { readPcapFixture } from './pcap-fixture.js';

const fixtures = path.resolve(__dirname, '../fixtures/net');
const fixture = (name: string) => path.join(fixtures, name);

function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const tshark = hasTshark();
if (!tshark) console.warn('tshark not found: the cross-checks against tshark in real-captures.test.ts are skipped');
const withTshark = tshark ? it : it.skip;

/** One row per TCP segment: frame, address, ports, raw seq, length on the wire. */
type Row = string;

function decodeRows(file: string) {
  const h = harness();
  const rows: Row[] = [];
  const segments: { frame: number; payloadLength: number; payloadMissing: number; ipVersion: number }[] = [];
  for (const p of readPcapFixture(file)) {
    if (h.decode(p)) {
      const o = h.out;
      const src = o.ipVersion === 4 ? ipv4ToString(o.src4) : o.src6;
      const dst = o.ipVersion === 4 ? ipv4ToString(o.dst4) : o.dst6;
      rows.push([o.frame, src, dst, o.srcPort, o.dstPort, o.seq, o.payloadLength + o.payloadMissing].join(' '));
      segments.push({ frame: o.frame, payloadLength: o.payloadLength, payloadMissing: o.payloadMissing, ipVersion: o.ipVersion });
    }
  }
  h.decoder.finish();
  return { rows, segments, stats: h.decoder.stats, warnings: h.warnings };
}

function tsharkRows(file: string): Row[] {
  const text = execFileSync('tshark', ['-n', '-r', file, '-Y', 'tcp', '-T', 'fields', '-e', 'frame.number', '-e', 'ip.src', '-e', 'ipv6.src',
    '-e', 'ip.dst', '-e', 'ipv6.dst', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'tcp.seq_raw', '-e', 'tcp.len'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return text.trim().split('\n').map((line) => {
    const [frame, ip4src, ip6src, ip4dst, ip6dst, sport, dport, seq, len] = line.split('\t');
    return [frame, ip4src || ip6src, ip4dst || ip6dst, sport, dport, seq, len].join(' ');
  });
}

describe.each([
  ['lo-ipv4-ipv6.pcap', 'Ethernet on lo, 127.0.0.1 and ::1'],
  ['any-sll.pcap', 'tcpdump -i any (Linux cooked v1)'],
  ['any-sll2.pcap', 'tcpdump -i any -y LINUX_SLL2'],
  ['lo-snaplen-96.pcap', 'tcpdump -s 96'],
  ['fragments.pcap', 'IPv4 TCP fragmented by a router, IPv4/IPv6 UDP fragmented by the sender'],
])('%s (%s)', (name) => {
  withTshark('gives the TCP segments tshark shows: frame, addresses, ports, raw seq, length', () => {
    expect(decodeRows(fixture(name)).rows).toEqual(tsharkRows(fixture(name)));
  });

  it('decodes without a warning', () => {
    const { warnings, stats } = decodeRows(fixture(name));
    expect(warnings).toEqual([]);
    expect(stats.malformed + stats.truncated).toBe(0);
  });
});

describe('facts of the real captures, independent of tshark', () => {
  it('reads the link type each capture was written with', () => {
    expect(readPcapFixture(fixture('lo-ipv4-ipv6.pcap'))[0]!.linkType).toBe(1);
    expect(readPcapFixture(fixture('any-sll.pcap'))[0]!.linkType).toBe(113);
    expect(readPcapFixture(fixture('any-sll2.pcap'))[0]!.linkType).toBe(276);
  });

  it('lo: one IPv4 and one IPv6 connection, each carrying 300/200 bytes one way and 100 back', () => {
    const { segments } = decodeRows(fixture('lo-ipv4-ipv6.pcap'));
    const bytesBy = (v: number) => segments.filter((s) => s.ipVersion === v).map((s) => s.payloadLength).filter((n) => n > 0);
    expect(bytesBy(4)).toEqual([300, 100]);
    expect(bytesBy(6)).toEqual([200, 100]);
  });

  it('snaplen 96: the 1000-byte segment has 30 bytes captured and 970 missing', () => {
    const { segments } = decodeRows(fixture('lo-snaplen-96.pcap'));
    const data = segments.filter((s) => s.payloadLength + s.payloadMissing > 0);
    // 96 - 14 (Ethernet) - 20 (IPv4) - 32 (TCP with timestamps) = 30 bytes of payload captured.
    expect(data.map((s) => [s.payloadLength, s.payloadMissing])).toEqual([[30, 970], [30, 70]]);
  });

  it('fragments: the router-fragmented TCP segment and both UDP datagrams are reassembled', () => {
    const { segments, stats } = decodeRows(fixture('fragments.pcap'));
    expect(stats.fragments).toBe(7); // 2 TCP, 3 UDP (fragmented twice), 2 UDP over IPv6
    expect(stats.reassembledDatagrams).toBe(3);
    expect(stats.udp).toBe(2);
    expect(segments.some((s) => s.payloadLength === 1448 && s.ipVersion === 4)).toBe(true);
  });
});
