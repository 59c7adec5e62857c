import { LinkType } from '../../src/net/link-layer.js';
import { harness } from './decoder-harness.js';
import { bytes, cutBySnaplen, ethernet, extensionHeader, fragmentHeader, ipv4, ipv6, packet, tcp } from './frame-builder.js';

const RAW = LinkType.RAW;
const payload = Uint8Array.from({ length: 1000 }, (_, i) => (i * 13) & 255);
const segment = tcp({ srcPort: 1111, dstPort: 443, seq: 42, payload }); // 1020 bytes

/** IPv4 fragments of `datagram` cut at the given byte offsets (multiples of 8). */
function v4Fragments(datagram: Uint8Array, cuts: number[], id = 7, protocol = 6): Uint8Array[] {
  const bounds = [0, ...cuts, datagram.length];
  return bounds.slice(0, -1).map((from, i) => ipv4(datagram.subarray(from, bounds[i + 1]), {
    id, protocol, fragmentOffset: from, moreFragments: i < bounds.length - 2,
  }));
}

describe('IPv4 fragment reassembly', () => {
  it('reassembles fragments in order and reports the segment on the completing frame', () => {
    const h = harness();
    const [a, b, c] = v4Fragments(segment, [400, 800]);
    expect(h.decode(packet(RAW, a!, { frame: 1 }))).toBe(false);
    expect(h.decode(packet(RAW, b!, { frame: 2 }))).toBe(false);
    expect(h.decode(packet(RAW, c!, { frame: 3 }))).toBe(true);
    expect(h.out).toMatchObject({ frame: 3, seq: 42, srcPort: 1111, payloadLength: 1000, payloadMissing: 0, src4: 0x0a000001 });
    expect(h.payload()).toEqual(Array.from(payload));
    expect(h.decoder.stats).toMatchObject({ fragments: 3, reassembledDatagrams: 1, tcp: 1 });
    h.decoder.finish();
    expect(h.warnings).toEqual([]);
  });

  it('reassembles fragments out of order', () => {
    const h = harness();
    const [a, b, c] = v4Fragments(segment, [400, 800]);
    expect(h.decode(packet(RAW, c!, { frame: 1 }))).toBe(false);
    expect(h.decode(packet(RAW, a!, { frame: 2 }))).toBe(false);
    expect(h.decode(packet(RAW, b!, { frame: 3 }))).toBe(true);
    expect(h.out.frame).toBe(3);
    expect(h.payload()).toEqual(Array.from(payload));
  });

  it('keeps datagrams with different ids, addresses or protocols apart', () => {
    const h = harness();
    const first = v4Fragments(segment, [504], 1);
    const second = v4Fragments(tcp({ seq: 9, payload: new Uint8Array(600) }), [304], 2);
    expect(h.decode(packet(RAW, first[0]!))).toBe(false);
    expect(h.decode(packet(RAW, second[0]!))).toBe(false);
    expect(h.decode(packet(RAW, second[1]!))).toBe(true);
    expect(h.out.seq).toBe(9);
    expect(h.decode(packet(RAW, first[1]!))).toBe(true);
    expect(h.out.seq).toBe(42);
  });

  it('resolves overlapping fragments with different bytes by keeping the first received, with one warning', () => {
    const h = harness();
    const [a, b] = v4Fragments(segment, [512]);
    // A rogue fragment covering 256..767 with other bytes arrives after the first one.
    const rogue = ipv4(new Uint8Array(512).fill(0xee), { id: 7, fragmentOffset: 256, moreFragments: true });
    expect(h.decode(packet(RAW, a!, { frame: 1 }))).toBe(false);
    expect(h.decode(packet(RAW, rogue, { frame: 2 }))).toBe(false);
    expect(h.decode(packet(RAW, b!, { frame: 3 }))).toBe(true);
    const got = h.payload();
    // Bytes 256..511 of the datagram are from the first fragment; 512..767 came first from the rogue.
    expect(got.slice(0, 512 - 20)).toEqual(Array.from(payload.subarray(0, 492)));
    expect(got.slice(512 - 20, 768 - 20)).toEqual(new Array(256).fill(0xee));
    expect(got.slice(768 - 20)).toEqual(Array.from(payload.subarray(748)));
    expect(h.warnings).toEqual([
      { frame: 2, text: 'IP fragment overlaps bytes 256-511 of its datagram (first fragment in frame 1) with different data; the bytes received first are kept' },
    ]);
  });

  it('accepts duplicated fragments (retransmitted or captured twice) silently', () => {
    const h = harness();
    const [a, b] = v4Fragments(segment, [512]);
    expect(h.decode(packet(RAW, a!))).toBe(false);
    expect(h.decode(packet(RAW, a!))).toBe(false);
    expect(h.decode(packet(RAW, b!))).toBe(true);
    expect(h.payload()).toEqual(Array.from(payload));
    expect(h.warnings).toEqual([]);
  });

  it('reports datagrams never completed once at finish', () => {
    const h = harness();
    const parts = v4Fragments(segment, [400, 800], 1);
    const other = v4Fragments(segment, [400], 2);
    h.decode(packet(RAW, parts[0]!, { frame: 10 }));
    h.decode(packet(RAW, parts[2]!, { frame: 11 }));
    h.decode(packet(RAW, other[1]!, { frame: 12 }));
    expect(h.warnings).toEqual([]);
    h.decoder.finish();
    expect(h.warnings).toEqual([{ frame: null, text: '2 IP datagrams never completed from 3 fragments (first fragment in frame 10, 12)' }]);
  });

  it('drops the oldest incomplete datagram when the datagram cap is reached, with one warning', () => {
    const h = harness({ maxFragmentDatagrams: 2 });
    for (let id = 1; id <= 4; id++) h.decode(packet(RAW, v4Fragments(segment, [400], id)[0]!, { frame: id }));
    expect(h.warnings).toEqual([
      { frame: 1, text: 'IP fragment reassembly limit reached (16777216 bytes, 2 datagrams held): incomplete datagrams are being dropped, oldest first' },
    ]);
    // Datagram 4 is still held and completes.
    expect(h.decode(packet(RAW, v4Fragments(segment, [400], 4)[1]!, { frame: 5 }))).toBe(true);
    h.decoder.finish();
    expect(h.warnings[1]).toEqual({ frame: null, text: '3 IP datagrams never completed from 3 fragments (first fragment in frame 1, 2, 3)' });
  });

  it('drops the oldest incomplete datagram when the byte cap is reached', () => {
    const h = harness({ maxFragmentBytes: 1000 });
    h.decode(packet(RAW, v4Fragments(segment, [600], 1)[0]!, { frame: 1 }));
    h.decode(packet(RAW, v4Fragments(segment, [600], 2)[0]!, { frame: 2 }));
    expect(h.warnings).toHaveLength(1);
    expect(h.decode(packet(RAW, v4Fragments(segment, [600], 2)[1]!, { frame: 3 }))).toBe(true);
    // Datagram 1 was dropped: its second half alone cannot complete it.
    expect(h.decode(packet(RAW, v4Fragments(segment, [600], 1)[1]!, { frame: 4 }))).toBe(false);
    h.decoder.finish();
    expect(h.warnings[1]).toEqual({ frame: null, text: '2 IP datagrams never completed from 2 fragments (first fragment in frame 1, 4)' });
  });

  it('gives up a datagram older than 60 s of capture time, so that a reused id starts afresh', () => {
    const h = harness();
    const old = v4Fragments(tcp({ seq: 1, payload: new Uint8Array(1000) }), [400], 5);
    const fresh = v4Fragments(segment, [400], 5);
    h.decode(packet(RAW, old[0]!, { tsSec: 1000, frame: 1 }));
    h.decode(packet(RAW, fresh[0]!, { tsSec: 1100, frame: 2 }));
    expect(h.decode(packet(RAW, fresh[1]!, { tsSec: 1100, frame: 3 }))).toBe(true);
    expect(h.out.seq).toBe(42);
    h.decoder.finish();
    expect(h.warnings).toEqual([{ frame: null, text: '1 IP datagram never completed from 1 fragment (first fragment in frame 1)' }]);
  });

  it('drops a datagram whose fragments disagree about its end', () => {
    const h = harness();
    const [a, b] = v4Fragments(segment, [512]);
    h.decode(packet(RAW, a!, { frame: 1 }));
    const shortLast = ipv4(new Uint8Array(8), { id: 7, fragmentOffset: 256 });
    expect(h.decode(packet(RAW, shortLast, { frame: 2 }))).toBe(false);
    expect(h.warnings).toEqual([{ frame: 2, text: 'IP fragment says the datagram ends at byte 264, but earlier fragments reach byte 512; datagram (first fragment in frame 1) dropped' }]);
    expect(h.decode(packet(RAW, b!, { frame: 3 }))).toBe(false);
  });

  it('does not reassemble a fragment cut by the snaplen, and says so', () => {
    const h = harness();
    const [a] = v4Fragments(segment, [512]);
    expect(h.decode(cutBySnaplen(LinkType.ETHERNET, ethernet(0x0800, a!), 100, 4))).toBe(false);
    expect(h.warnings).toEqual([{ frame: 4, text: "IP fragment cut by the capture's snapshot length; its datagram cannot be reassembled" }]);
    expect(h.decoder.stats).toMatchObject({ fragments: 1, truncated: 1 });
  });

  it('counts a reassembled UDP datagram as UDP', () => {
    const h = harness();
    for (const f of v4Fragments(new Uint8Array(2000), [1480], 3, 17)) expect(h.decode(packet(RAW, f))).toBe(false);
    expect(h.decoder.stats).toMatchObject({ fragments: 2, reassembledDatagrams: 1, udp: 1 });
  });
});

describe('IPv6 fragment reassembly', () => {
  /** IPv6 fragments of the fragmentable part `body` whose first header is `nextHeader`. */
  function v6Fragments(body: Uint8Array, cuts: number[], nextHeader = 6, id = 0x01020304, unfragmentable?: (inner: Uint8Array) => Uint8Array): Uint8Array[] {
    const bounds = [0, ...cuts, body.length];
    return bounds.slice(0, -1).map((from, i) => {
      const fragment = fragmentHeader(nextHeader, from, i < bounds.length - 2, id, body.subarray(from, bounds[i + 1]));
      return unfragmentable ? ipv6(unfragmentable(fragment), { nextHeader: 0 }) : ipv6(fragment, { nextHeader: 44 });
    });
  }

  it('reassembles out of order, behind a hop-by-hop header', () => {
    const h = harness();
    const [a, b, c] = v6Fragments(segment, [304, 608], 6, 9, (inner) => extensionHeader(44, 8, inner));
    expect(h.decode(packet(RAW, b!, { frame: 1 }))).toBe(false);
    expect(h.decode(packet(RAW, c!, { frame: 2 }))).toBe(false);
    expect(h.decode(packet(RAW, a!, { frame: 3 }))).toBe(true);
    expect(h.out).toMatchObject({ frame: 3, ipVersion: 6, src6: '2001:db8::1', dst6: '2001:db8::2', seq: 42 });
    expect(h.payload()).toEqual(Array.from(payload));
    expect(h.decoder.stats).toMatchObject({ fragments: 3, reassembledDatagrams: 1, tcp: 1 });
  });

  it('walks extension headers inside the fragmentable part after reassembly', () => {
    const h = harness();
    const body = extensionHeader(6, 16, segment); // destination options, then TCP
    const fragments = v6Fragments(body, [520], 60);
    expect(h.decode(packet(RAW, fragments[0]!))).toBe(false);
    expect(h.decode(packet(RAW, fragments[1]!))).toBe(true);
    expect(h.payload()).toEqual(Array.from(payload));
  });

  it('reports an IPv6 datagram never completed at finish', () => {
    const h = harness();
    h.decode(packet(RAW, v6Fragments(segment, [504])[1]!, { frame: 8 }));
    h.decoder.finish();
    expect(h.warnings).toEqual([{ frame: null, text: '1 IP datagram never completed from 1 fragment (first fragment in frame 8)' }]);
  });

  it('keeps IPv4 and IPv6 datagrams with the same id apart', () => {
    const h = harness();
    const v4 = v4Fragments(segment, [504], 9);
    const v6 = v6Fragments(tcp({ seq: 77, payload: new Uint8Array(600) }), [504], 6, 9);
    h.decode(packet(RAW, v4[0]!));
    h.decode(packet(RAW, v6[0]!));
    expect(h.decode(packet(RAW, v6[1]!))).toBe(true);
    expect(h.out.seq).toBe(77);
    expect(h.decode(packet(RAW, v4[1]!))).toBe(true);
    expect(h.out.seq).toBe(42);
  });

  it('reports an extension header that breaks after reassembly', () => {
    const h = harness();
    const body = bytes([6, 200], new Uint8Array(30)); // destination options claiming 1608 bytes
    const fragments = v6Fragments(body, [16], 60);
    h.decode(packet(RAW, fragments[0]!, { frame: 1 }));
    expect(h.decode(packet(RAW, fragments[1]!, { frame: 2 }))).toBe(false);
    expect(h.warnings).toEqual([{ frame: 2, text: 'IPv6 extension header 60 needs 1608 bytes, the payload has 32 left' }]);
  });
});
