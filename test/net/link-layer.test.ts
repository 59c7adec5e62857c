import { LinkType } from '../../src/net/link-layer.js';
import { harness } from './decoder-harness.js';
import { bytes, ethernet, ipv4, ipv6, packet, tcp, u16, u32, V6_SRC } from './frame-builder.js';

const segment = tcp({ srcPort: 51000, dstPort: 443, seq: 7, payload: [1, 2, 3] });
const v4 = ipv4(segment);
const v6 = ipv6(segment);

function expectTcp(h: ReturnType<typeof harness>, version: 4 | 6): void {
  expect(h.out.ipVersion).toBe(version);
  expect(h.out.srcPort).toBe(51000);
  expect(h.out.dstPort).toBe(443);
  expect(h.payload()).toEqual([1, 2, 3]);
  expect(h.warnings).toEqual([]);
}

describe('Ethernet II', () => {
  it('finds IPv4 and IPv6 after the 14-byte header', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.ETHERNET, ethernet(0x0800, v4)))).toBe(true);
    expectTcp(h, 4);
    expect(h.out.src4).toBe(0x0a000001);
    expect(h.decode(packet(LinkType.ETHERNET, ethernet(0x86dd, v6)))).toBe(true);
    expectTcp(h, 6);
    expect(h.out.src6).toBe('2001:db8::1');
  });

  it.each([
    ['802.1Q', [[0x8100, 100]]],
    ['802.1ad + 802.1Q (QinQ)', [[0x88a8, 100], [0x8100, 200]]],
    ['0x9100 + 802.1Q', [[0x9100, 7], [0x8100, 8]]],
    ['three stacked tags', [[0x88a8, 1], [0x8100, 2], [0x8100, 3]]],
  ] as [string, [number, number][]][])('walks VLAN tags: %s', (_name, tags) => {
    const h = harness();
    expect(h.decode(packet(LinkType.ETHERNET, ethernet(0x0800, v4, tags)))).toBe(true);
    expectTcp(h, 4);
  });

  it('reads IP inside 802.3 LLC/SNAP', () => {
    const h = harness();
    const frame = bytes(ethernet(8 + v4.length, bytes([0xaa, 0xaa, 0x03, 0, 0, 0], u16(0x0800), v4)));
    expect(h.decode(packet(LinkType.ETHERNET, frame))).toBe(true);
    expectTcp(h, 4);
  });

  it('counts ARP and 802.3 STP as non-IP without a warning', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.ETHERNET, ethernet(0x0806, new Uint8Array(28))))).toBe(false);
    expect(h.decode(packet(LinkType.ETHERNET, ethernet(38, bytes([0x42, 0x42, 0x03], new Uint8Array(35)))))).toBe(false);
    expect(h.decoder.stats.nonIp).toBe(2);
    expect(h.warnings).toEqual([]);
  });

  it('trims Ethernet padding and trailers using the IP total length', () => {
    const h = harness();
    const bare = ipv4(tcp({ payload: [] }));
    // A 40-byte datagram is padded to the 46-byte minimum, plus a 4-byte trailer (e.g. an FCS).
    const frame = ethernet(0x0800, bytes(bare, new Uint8Array(6).fill(0xee), [0xde, 0xad, 0xbe, 0xef]));
    expect(h.decode(packet(LinkType.ETHERNET, frame))).toBe(true);
    expect(h.out.payloadLength).toBe(0);
    expect(h.out.payloadMissing).toBe(0);
    const v6frame = ethernet(0x86dd, bytes(ipv6(tcp({ payload: [9] })), [0xff, 0xff]));
    expect(h.decode(packet(LinkType.ETHERNET, v6frame))).toBe(true);
    expect(h.payload()).toEqual([9]);
  });

  it('reports a frame too short for its Ethernet header as malformed', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.ETHERNET, new Uint8Array(10), { frame: 3 }))).toBe(false);
    expect(h.warnings).toEqual([{ frame: 3, text: 'Ethernet header needs 14 bytes, only 10 captured' }]);
    expect(h.decoder.stats.malformed).toBe(1);
  });

  it('reports a VLAN tag cut short as malformed', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.ETHERNET, bytes(new Uint8Array(12), u16(0x8100), [0, 1]), { frame: 4 }))).toBe(false);
    expect(h.warnings[0]).toEqual({ frame: 4, text: 'VLAN tag needs 4 bytes, only 2 captured' });
  });
});

describe('PPPoE and PPP', () => {
  const pppoe = (protocol: number, payload: Uint8Array) => bytes([0x11, 0x00], u16(0x1234), u16(payload.length + 2), u16(protocol), payload);

  it('reads IPv4 and IPv6 inside a PPPoE session in Ethernet', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.ETHERNET, ethernet(0x8864, pppoe(0x0021, v4))))).toBe(true);
    expectTcp(h, 4);
    expect(h.decode(packet(LinkType.ETHERNET, ethernet(0x8864, pppoe(0x0057, v6), [[0x8100, 5]])))).toBe(true);
    expectTcp(h, 6);
  });

  it('counts PPP control protocols (LCP) as non-IP', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.ETHERNET, ethernet(0x8864, pppoe(0xc021, new Uint8Array(8)))))).toBe(false);
    expect(h.decoder.stats.nonIp).toBe(1);
  });

  it('reads PPP (9) with and without address/control bytes and with a compressed protocol field', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.PPP, bytes([0xff, 0x03], u16(0x0021), v4)))).toBe(true);
    expectTcp(h, 4);
    expect(h.decode(packet(LinkType.PPP, bytes(u16(0x0057), v6)))).toBe(true);
    expectTcp(h, 6);
    expect(h.decode(packet(LinkType.PPP, bytes([0x21], v4)))).toBe(true);
    expectTcp(h, 4);
  });

  it('reads Cisco HDLC (104)', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.C_HDLC, bytes([0x0f, 0x00], u16(0x86dd), v6)))).toBe(true);
    expectTcp(h, 6);
  });
});

describe('Linux cooked capture', () => {
  // struct sll_header: pkttype, hatype (ARPHRD_ETHER 1), halen, addr[8], protocol
  const sll = (protocol: number, payload: Uint8Array) => bytes(u16(0), u16(1), u16(6), [2, 0, 0, 0, 0, 0xa, 0, 0], u16(protocol), payload);
  // struct sll2_header: protocol, reserved, if_index, hatype, pkttype, halen, addr[8]
  const sll2 = (protocol: number, payload: Uint8Array) => bytes(u16(protocol), u16(0), u32(3), u16(1), [4, 6], [2, 0, 0, 0, 0, 0xa, 0, 0], payload);

  it('reads SLL v1 (113) for IPv4 and IPv6', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.LINUX_SLL, sll(0x0800, v4)))).toBe(true);
    expectTcp(h, 4);
    expect(h.decode(packet(LinkType.LINUX_SLL, sll(0x86dd, v6)))).toBe(true);
    expectTcp(h, 6);
  });

  it('reads a VLAN tag that libpcap put back into an SLL frame', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.LINUX_SLL, sll(0x8100, bytes(u16(42), u16(0x0800), v4))))).toBe(true);
    expectTcp(h, 4);
  });

  it('reads SLL v2 (276)', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.LINUX_SLL2, sll2(0x86dd, v6)))).toBe(true);
    expectTcp(h, 6);
    expect(h.decode(packet(LinkType.LINUX_SLL2, sll2(0x0800, v4)))).toBe(true);
    expectTcp(h, 4);
  });

  it('counts netlink and other non-IP cooked frames as non-IP', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.LINUX_SLL, sll(0x0010, new Uint8Array(20))))).toBe(false);
    expect(h.decode(packet(LinkType.LINUX_SLL2, sll2(0x0806, new Uint8Array(28))))).toBe(false);
    expect(h.decoder.stats.nonIp).toBe(2);
  });

  it('reports SLL headers that are too short', () => {
    const h = harness();
    h.decode(packet(LinkType.LINUX_SLL, new Uint8Array(15), { frame: 8 }));
    h.decode(packet(LinkType.LINUX_SLL2, new Uint8Array(19), { frame: 9 }));
    expect(h.warnings).toEqual([
      { frame: 8, text: 'Linux cooked (SLL) header needs 16 bytes, only 15 captured' },
      { frame: 9, text: 'Linux cooked v2 (SLL2) header needs 20 bytes, only 19 captured' },
    ]);
  });
});

describe('BSD loopback', () => {
  const le = (v: number) => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255];

  it.each([2, 24, 28, 30])('reads NULL (0) with family %i in either byte order', (family) => {
    const h = harness();
    const ip = family === 2 ? v4 : v6;
    expect(h.decode(packet(LinkType.NULL, bytes(le(family), ip)))).toBe(true);
    expectTcp(h, family === 2 ? 4 : 6);
    expect(h.decode(packet(LinkType.NULL, bytes(u32(family), ip)))).toBe(true);
    expectTcp(h, family === 2 ? 4 : 6);
  });

  it('reads LOOP (108) in network byte order', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.LOOP, bytes(u32(2), v4)))).toBe(true);
    expectTcp(h, 4);
    expect(h.decode(packet(LinkType.LOOP, bytes(u32(30), v6)))).toBe(true);
    expectTcp(h, 6);
  });

  it('counts an unknown family as non-IP', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.NULL, bytes(le(17), new Uint8Array(40))))).toBe(false);
    expect(h.decoder.stats.nonIp).toBe(1);
  });
});

describe('raw IP', () => {
  it.each([LinkType.RAW, LinkType.RAW_BSD_12, LinkType.RAW_BSD_14])('decides IPv4/IPv6 by the version nibble (link type %i)', (linkType) => {
    const h = harness();
    expect(h.decode(packet(linkType, v4))).toBe(true);
    expectTcp(h, 4);
    expect(h.decode(packet(linkType, v6))).toBe(true);
    expectTcp(h, 6);
  });

  it('reads IPV4 (228) and IPV6 (229)', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.IPV4, v4))).toBe(true);
    expectTcp(h, 4);
    expect(h.decode(packet(LinkType.IPV6, v6))).toBe(true);
    expectTcp(h, 6);
  });

  it('reports a raw packet of another IP version as malformed', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.RAW, bytes([0x50], new Uint8Array(39)), { frame: 12 }))).toBe(false);
    expect(h.warnings).toEqual([{ frame: 12, text: 'raw IP packet has IP version 5' }]);
  });

  it('reports an IPv4 link type carrying an IPv6 packet as malformed', () => {
    const h = harness();
    expect(h.decode(packet(LinkType.IPV4, v6, { frame: 2 }))).toBe(false);
    expect(h.warnings).toEqual([{ frame: 2, text: 'IPv4 packet has IP version 6' }]);
  });
});

describe('unknown link types', () => {
  it('counts packets per link type and warns once per link type at finish', () => {
    const h = harness();
    for (let i = 0; i < 1234; i++) expect(h.decode(packet(147, v4))).toBe(false);
    h.decode(packet(127, v4));
    expect(h.warnings).toEqual([]);
    expect(h.decoder.stats.unknownLinkTypes).toEqual(new Map([[147, 1234], [127, 1]]));
    h.decoder.finish();
    expect(h.warnings).toEqual([
      { frame: null, text: '1,234 packets of unknown link type 147 skipped' },
      { frame: null, text: '1 packet of unknown link type 127 skipped' },
    ]);
  });

  it('fills nothing in the segment for a skipped packet', () => {
    const h = harness();
    h.decode(packet(LinkType.RAW, ipv6(tcp(), { src: V6_SRC })));
    const before = { ...h.out };
    h.decode(packet(147, v4));
    expect(h.out).toEqual(before);
  });
});
