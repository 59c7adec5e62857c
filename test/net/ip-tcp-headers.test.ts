import { LinkType } from '../../src/net/link-layer.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN } from '../../src/net/tcp-segment.js';
import { harness } from './decoder-harness.js';
import { bytes, cutBySnaplen, ethernet, extensionHeader, fragmentHeader, ipv4, ipv6, packet, tcp, u16 } from './frame-builder.js';

const RAW = LinkType.RAW;

describe('IPv4 header', () => {
  it('skips options using the IHL', () => {
    const h = harness();
    // Record Route (7) with room for one address, then End of Options and padding: 12 option bytes.
    const options = [7, 7, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0];
    expect(h.decode(packet(RAW, ipv4(tcp({ payload: [5, 6] }), { options, src: [192, 0, 2, 1], dst: [198, 51, 100, 200] })))).toBe(true);
    expect(h.payload()).toEqual([5, 6]);
    expect(h.out.src4).toBe(0xc0000201);
    expect(h.out.dst4).toBe(0xc63364c8);
  });

  it('reports an IHL below 5 words with the frame number', () => {
    const h = harness();
    expect(h.decode(packet(RAW, ipv4(tcp(), { ihl: 4 }), { frame: 17 }))).toBe(false);
    expect(h.warnings).toEqual([{ frame: 17, text: 'IPv4 header length 4 words is below the minimum of 5' }]);
    expect(h.decoder.stats.malformed).toBe(1);
  });

  it('reports an IHL reaching past the packet', () => {
    const h = harness();
    expect(h.decode(packet(RAW, ipv4(new Uint8Array(0), { ihl: 15, totalLength: 20 }), { frame: 5 }))).toBe(false);
    expect(h.warnings).toEqual([{ frame: 5, text: 'IPv4 total length 20 is below the header length 60' }]);
  });

  it('reports a total length below the header length as malformed', () => {
    const h = harness();
    expect(h.decode(packet(RAW, ipv4(tcp(), { totalLength: 19 }), { frame: 1 }))).toBe(false);
    expect(h.warnings).toEqual([{ frame: 1, text: 'IPv4 total length 19 is below the header length 20' }]);
    expect(h.decoder.stats.malformed).toBe(1);
  });

  it('decodes a packet whose total length exceeds it with the bytes present, as Wireshark does, and warns', () => {
    const h = harness();
    expect(h.decode(packet(RAW, ipv4(tcp({ payload: [1, 2] }), { totalLength: 1500 }), { frame: 2 }))).toBe(true);
    expect(h.out).toMatchObject({ payloadLength: 2, payloadMissing: 0 });
    expect(h.warnings).toEqual([{ frame: 2, text: 'IPv4 total length 1500 exceeds the 42 bytes of the packet; decoded with the bytes present' }]);
    expect(h.decoder.stats).toMatchObject({ badLength: 1, malformed: 0, tcp: 1 });
  });

  it('reports a packet too short for an IPv4 header', () => {
    const h = harness();
    expect(h.decode(packet(RAW, bytes([0x45], new Uint8Array(11)), { frame: 6 }))).toBe(false);
    expect(h.warnings).toEqual([{ frame: 6, text: 'IPv4 header needs 20 bytes, the packet has 12' }]);
  });

  it('takes the captured length when the total length is 0 (segmentation offload on the capturing host)', () => {
    const h = harness();
    expect(h.decode(packet(RAW, ipv4(tcp({ payload: new Uint8Array(3000) }), { totalLength: 0 })))).toBe(true);
    expect(h.out.payloadLength).toBe(3000);
    expect(h.warnings).toEqual([]);
  });

  it('gives payloadMissing when the snaplen cut the payload', () => {
    const h = harness();
    const frame = ethernet(0x0800, ipv4(tcp({ payload: new Uint8Array(1000).fill(7) })));
    expect(h.decode(cutBySnaplen(LinkType.ETHERNET, frame, 96))).toBe(true);
    expect(h.out.payloadOffset).toBe(54);
    expect(h.out.payloadLength).toBe(42);
    expect(h.out.payloadMissing).toBe(958);
    expect(h.warnings).toEqual([]);
  });

  it('counts a header cut by the snaplen as truncated, not malformed', () => {
    const h = harness();
    const frame = ethernet(0x0800, ipv4(tcp({ payload: new Uint8Array(100) }), { options: new Array(20).fill(1) }));
    expect(h.decode(cutBySnaplen(LinkType.ETHERNET, frame, 40, 9))).toBe(false);
    expect(h.decoder.stats).toMatchObject({ truncated: 1, malformed: 0 });
    expect(h.warnings).toEqual([{ frame: 9, text: "IPv4 header with options (40 bytes) cut by the capture's snapshot length (26 of 40 bytes captured)" }]);
  });

  it('counts UDP, ICMP and other protocols without warnings', () => {
    const h = harness();
    expect(h.decode(packet(RAW, ipv4(new Uint8Array(8), { protocol: 17 })))).toBe(false);
    expect(h.decode(packet(RAW, ipv4(new Uint8Array(8), { protocol: 1 })))).toBe(false);
    expect(h.decode(packet(RAW, ipv4(new Uint8Array(8), { protocol: 47 })))).toBe(false);
    expect(h.decode(packet(RAW, ipv6(new Uint8Array(8), { nextHeader: 58 })))).toBe(false);
    expect(h.decoder.stats).toMatchObject({ udp: 1, icmp: 2, otherIp: 1, tcp: 0 });
    expect(h.warnings).toEqual([]);
  });

  it('decodes IP-in-IP (4) and IPv6-in-IPv4 (41) to the inner addresses', () => {
    const h = harness();
    const inner = ipv4(tcp({ payload: [1] }), { src: [172, 16, 0, 1], dst: [172, 16, 0, 2] });
    expect(h.decode(packet(RAW, ipv4(inner, { protocol: 4 })))).toBe(true);
    expect(h.out.src4).toBe(0xac100001);
    expect(h.payload()).toEqual([1]);
    expect(h.decode(packet(RAW, ipv4(ipv6(tcp({ payload: [2] })), { protocol: 41 })))).toBe(true);
    expect(h.out.ipVersion).toBe(6);
    expect(h.out.src4).toBe(0);
    expect(h.out.src6).toBe('2001:db8::1');
    expect(h.payload()).toEqual([2]);
  });
});

describe('GTP-U tunnels (UDP 2152)', () => {
  const udp = (srcPort: number, dstPort: number, body: Uint8Array) => bytes(u16(srcPort), u16(dstPort), u16(8 + body.length), [0, 0], body);
  const inner = ipv4(tcp({ seq: 3, payload: [7, 7] }), { src: [10, 45, 0, 1], dst: [93, 184, 216, 34] });

  it('decodes the user packet of a T-PDU', () => {
    const h = harness();
    const gtp = bytes([0x30, 0xff], u16(inner.length), [0, 0, 0, 1], inner);
    expect(h.decode(packet(RAW, ipv4(udp(2152, 2152, gtp), { protocol: 17 })))).toBe(true);
    expect(h.out).toMatchObject({ src4: 0x0a2d0001, seq: 3 });
    expect(h.payload()).toEqual([7, 7]);
  });

  it('skips the optional fields and extension headers', () => {
    const h = harness();
    // E and S set: sequence, N-PDU, next type 0x85 (PDU session container, 4 bytes), then none.
    const gtp = bytes([0x36, 0xff], u16(inner.length + 8), [0, 0, 0, 1], [0, 1, 0, 0x85], [1, 0x10, 0x01, 0], inner);
    expect(h.decode(packet(RAW, ipv6(udp(40000, 2152, gtp), { nextHeader: 17 })))).toBe(true);
    expect(h.payload()).toEqual([7, 7]);
  });

  it('counts GTP signalling (not a T-PDU) and broken GTP headers as UDP', () => {
    const h = harness();
    expect(h.decode(packet(RAW, ipv4(udp(2152, 2152, bytes([0x32, 0x01], u16(4), [0, 0, 0, 0], [0, 1, 0, 0])), { protocol: 17 })))).toBe(false);
    expect(h.decode(packet(RAW, ipv4(udp(2152, 2152, bytes([0x34, 0xff], u16(8), [0, 0, 0, 1], [0, 0, 0, 0x85], [0])), { protocol: 17 })))).toBe(false);
    expect(h.decoder.stats).toMatchObject({ udp: 2, malformed: 0 });
  });
});

describe('IPv6 header and extension headers', () => {
  it('walks hop-by-hop, routing, destination options and AH to TCP', () => {
    const h = harness();
    // AH: next header, payload len (in 4-octet units minus 2), reserved, SPI, sequence, 12-byte ICV = 24 bytes.
    const ah = bytes([6, 4, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], new Uint8Array(12), tcp({ payload: [8, 9] }));
    const chain = extensionHeader(43, 8, extensionHeader(60, 16, extensionHeader(51, 24, ah)));
    expect(h.decode(packet(RAW, ipv6(chain, { nextHeader: 0 })))).toBe(true);
    expect(h.payload()).toEqual([8, 9]);
  });

  it('walks through an atomic fragment (offset 0, M clear)', () => {
    const h = harness();
    expect(h.decode(packet(RAW, ipv6(fragmentHeader(6, 0, false, 99, tcp({ payload: [4] })), { nextHeader: 44 })))).toBe(true);
    expect(h.payload()).toEqual([4]);
    expect(h.decoder.stats.fragments).toBe(0);
  });

  it('stops at ESP and No Next Header, counting them as other IP', () => {
    const h = harness();
    expect(h.decode(packet(RAW, ipv6(new Uint8Array(16), { nextHeader: 50 })))).toBe(false);
    expect(h.decode(packet(RAW, ipv6(extensionHeader(59, 8, new Uint8Array(0)), { nextHeader: 60 })))).toBe(false);
    expect(h.decode(packet(RAW, ipv6(new Uint8Array(0), { nextHeader: 59 })))).toBe(false);
    expect(h.decoder.stats).toMatchObject({ otherIp: 3, malformed: 0 });
  });

  it('reports an extension header running past the payload', () => {
    const h = harness();
    const chain = bytes([6, 3], new Uint8Array(6)); // claims 32 bytes, 8 present
    expect(h.decode(packet(RAW, ipv6(chain, { nextHeader: 0 }), { frame: 21 }))).toBe(false);
    expect(h.warnings).toEqual([{ frame: 21, text: 'IPv6 extension header 0 needs 32 bytes, the payload has 8 left' }]);
  });

  it('decodes with the bytes present when the payload length exceeds the frame, and reports a short header', () => {
    const h = harness();
    expect(h.decode(packet(RAW, ipv6(tcp(), { payloadLength: 100 }), { frame: 1 }))).toBe(true);
    expect(h.decode(packet(RAW, bytes([0x60], new Uint8Array(30)), { frame: 2 }))).toBe(false);
    expect(h.warnings).toEqual([
      { frame: 1, text: 'IPv6 payload length 100 exceeds the 20 bytes after the header; decoded with the bytes present' },
      { frame: 2, text: 'IPv6 header needs 40 bytes, the packet has 31' },
    ]);
    expect(h.decoder.stats).toMatchObject({ badLength: 1, malformed: 1, tcp: 1 });
  });

  it('gives payloadMissing for an IPv6 packet cut by the snaplen', () => {
    const h = harness();
    const frame = ethernet(0x86dd, ipv6(tcp({ payload: new Uint8Array(500) })));
    expect(h.decode(cutBySnaplen(LinkType.ETHERNET, frame, 100))).toBe(true);
    expect(h.out.payloadLength).toBe(100 - 74);
    expect(h.out.payloadMissing).toBe(500 - 26);
  });
});

describe('TCP header', () => {
  it('reads ports, seq/ack as unsigned 32-bit, flags and window', () => {
    const h = harness();
    const segment = tcp({ srcPort: 65535, dstPort: 1, seq: 0xfffffffe, ack: 0x80000000, flags: TCP_SYN | TCP_ACK, window: 0xffff });
    expect(h.decode(packet(RAW, ipv4(segment)))).toBe(true);
    expect(h.out).toMatchObject({ srcPort: 65535, dstPort: 1, seq: 0xfffffffe, ack: 0x80000000, flags: TCP_SYN | TCP_ACK, window: 0xffff, payloadLength: 0, payloadMissing: 0 });
    expect(h.decoder.stats.tcp).toBe(1);
  });

  it('skips TCP options using the data offset', () => {
    const h = harness();
    // MSS, SACK permitted, timestamps, NOP, window scale: 20 bytes of options.
    const options = [2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7];
    expect(h.decode(packet(RAW, ipv4(tcp({ options, flags: TCP_PSH | TCP_ACK | TCP_FIN, payload: [0x16, 3, 1] }))))).toBe(true);
    expect(h.payload()).toEqual([0x16, 3, 1]);
    expect(h.out.flags).toBe(0x19);
    expect(h.out.payloadOffset).toBe(20 + 40);
  });

  it('carries the frame number and timestamp', () => {
    const h = harness();
    h.decode(packet(RAW, ipv4(tcp()), { frame: 77, tsSec: 1234 }));
    expect(h.out).toMatchObject({ frame: 77, tsSec: 1234, tsNsec: 5000 });
  });

  it('reports a data offset below 5 and one beyond the IP payload', () => {
    const h = harness();
    h.decode(packet(RAW, ipv4(tcp({ dataOffset: 3 })), { frame: 30 }));
    h.decode(packet(RAW, ipv4(tcp({ dataOffset: 15, payload: [1, 2, 3, 4] })), { frame: 31 }));
    expect(h.warnings).toEqual([
      { frame: 30, text: 'TCP data offset 3 words is below the minimum of 5' },
      { frame: 31, text: 'TCP data offset 15 words (60 bytes) exceeds the 24-byte IP payload' },
    ]);
    expect(h.decoder.stats).toMatchObject({ malformed: 2, tcp: 0 });
  });

  it('reports an IP payload too short for a TCP header', () => {
    const h = harness();
    expect(h.decode(packet(RAW, ipv4(new Uint8Array(12)), { frame: 40 }))).toBe(false);
    expect(h.warnings).toEqual([{ frame: 40, text: 'TCP header needs 20 bytes, the IP payload has 12' }]);
  });

  it('decodes a segment whose options the snaplen cut, with all of its payload missing', () => {
    const h = harness();
    const options = [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2];
    const frame = ethernet(0x0800, ipv4(tcp({ options, seq: 5, payload: new Uint8Array(100) })));
    expect(h.decode(cutBySnaplen(LinkType.ETHERNET, frame, 64))).toBe(true);
    expect(h.out).toMatchObject({ seq: 5, payloadOffset: 64, payloadLength: 0, payloadMissing: 100 });
  });

  it('counts a TCP header cut by the snaplen as truncated', () => {
    const h = harness();
    const frame = ethernet(0x0800, ipv4(tcp({ payload: new Uint8Array(100) })));
    expect(h.decode(cutBySnaplen(LinkType.ETHERNET, frame, 44, 50))).toBe(false);
    expect(h.warnings).toEqual([{ frame: 50, text: "TCP header cut by the capture's snapshot length (10 of 20 bytes captured)" }]);
    expect(h.decoder.stats.truncated).toBe(1);
  });
});

describe('malformed-packet warnings', () => {
  it('lists the first 100 and summarizes the rest at finish', () => {
    const h = harness();
    for (let frame = 1; frame <= 250; frame++) h.decode(packet(RAW, ipv4(tcp(), { ihl: 3 }), { frame }));
    expect(h.warnings).toHaveLength(100);
    expect(h.warnings[99]).toEqual({ frame: 100, text: 'IPv4 header length 3 words is below the minimum of 5' });
    expect(h.decoder.stats.malformed).toBe(250);
    h.decoder.finish();
    expect(h.warnings).toHaveLength(101);
    expect(h.warnings[100]).toEqual({ frame: null, text: '150 more malformed packets not listed (250 in all)' });
  });

  it('never throws on random bytes, for every link type', () => {
    const h = harness();
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (const linkType of [0, 1, 9, 12, 14, 50, 51, 101, 104, 108, 113, 228, 229, 276]) {
      for (let i = 0; i < 300; i++) {
        const length = random() % 120;
        const data = Uint8Array.from({ length }, random);
        // Steer half of them into IP so that deeper headers get garbage too.
        if (length > 20 && i % 2 === 0) data[linkType === 1 ? 12 : 0] = linkType === 1 ? 0x08 : 0x45;
        const p = packet(linkType, data, { originalLength: length + (i % 3) * 50 });
        expect(() => h.decode(p)).not.toThrow();
      }
    }
    expect(() => h.decoder.finish()).not.toThrow();
  });
});

describe('IPv6 payload length 0', () => {
  it('takes the frame length when the payload length is 0 and a header follows (offloaded segment)', () => {
    const h = harness();
    expect(h.decode(packet(RAW, ipv6(tcp({ payload: [1, 2] }), { payloadLength: 0 })))).toBe(true);
    expect(h.payload()).toEqual([1, 2]);
  });
});
