import { newTcpSegment, type TcpSegment } from '../../src/net/tcp-segment.js';
import { flowHash, shardOf } from '../../src/parallel/shard-key.js';

function seg4(src: number, srcPort: number, dst: number, dstPort: number, quoted = false): TcpSegment {
  return { ...newTcpSegment(), ipVersion: 4, src4: src, srcPort, dst4: dst, dstPort, quoted };
}
function seg6(src: string, srcPort: number, dst: string, dstPort: number): TcpSegment {
  return { ...newTcpSegment(), ipVersion: 6, src6: src, srcPort, dst6: dst, dstPort };
}
const ip = (a: number, b: number, c: number, d: number): number => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

describe('shard key', () => {
  test('both directions of a connection, and an ICMP error quoting it, are in one shard', () => {
    const c = ip(10, 0, 0, 7);
    const s = ip(192, 168, 1, 1);
    expect(flowHash(seg4(c, 51000, s, 443))).toBe(flowHash(seg4(s, 443, c, 51000)));
    expect(flowHash(seg4(c, 51000, s, 443, true))).toBe(flowHash(seg4(c, 51000, s, 443)));
    expect(flowHash(seg6('2001:db8::1', 40000, '2001:db8::2', 443))).toBe(flowHash(seg6('2001:db8::2', 443, '2001:db8::1', 40000)));
  });

  test('every connection to one server (the lower-port endpoint) is in one shard, whatever the client', () => {
    const s = ip(198, 19, 0, 9);
    const shards = new Set<number>();
    for (let i = 0; i < 500; i++) shards.add(shardOf(seg4(ip(10, 1, i >> 8, i & 255), 30000 + i, s, 8443), 3));
    expect(shards.size).toBe(1);
  });

  test('equal ports: the lower address is the key, from either side', () => {
    const a = ip(10, 0, 0, 1);
    const b = ip(200, 0, 0, 1);
    expect(flowHash(seg4(a, 5000, b, 5000))).toBe(flowHash(seg4(b, 5000, a, 5000)));
    expect(flowHash(seg4(b, 5000, a, 5000))).toBe(flowHash(seg4(a, 5000, ip(9, 9, 9, 9), 5001)));
  });

  test('many servers spread evenly over the shards', () => {
    for (const k of [2, 3, 4]) {
      const counts = new Array<number>(k).fill(0);
      for (let i = 0; i < 3000; i++) counts[shardOf(seg4(ip(10, 9, 9, 9), 50000, ip(198, 19, i >> 8, i & 255), 443), k)]!++;
      for (const n of counts) expect(Math.abs(n - 3000 / k)).toBeLessThan((3000 / k) * 0.1);
    }
  });
});
