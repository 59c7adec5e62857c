/**
 * ICMP and ICMPv6 errors quoting a TCP header (RFC 792, RFC 4443): the decoder hands on the
 * quoted header as a segment marked `quoted`, with the quoted packet's addresses and ports, so
 * the connection table can give the error the tcp.stream Wireshark gives it. Real-capture
 * agreement with tshark is in corpus.test.ts (ja4/ssh2.pcapng, ndpi/instagram.pcap, ...).
 */
import { LinkType } from '../../src/net/link-layer.js';
import { TCP_ACK, TCP_SYN } from '../../src/net/tcp-segment.js';
import { harness } from './decoder-harness.js';
import { bytes, ethernet, fragmentHeader, ipv4, ipv6, packet, tcp, u16, V6_DST, V6_SRC } from './frame-builder.js';

const RAW = LinkType.RAW;
const ROUTER4 = [192, 0, 2, 254];
const ROUTER6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfe];

/** ICMPv4 message: type, code, checksum 0, 4 bytes (unused / next-hop MTU), then the quote. */
function icmp4(type: number, code: number, quote: Uint8Array): Uint8Array {
  return bytes([type, code, 0, 0], [0, 0, 0x05, 0xdc], quote);
}

/** The quoted datagram: the first `keep` bytes of an IPv4/TCP SYN from 10.0.0.1:40000 to 10.0.0.2:443. */
function quotedSyn4(keep: number, fields: Parameters<typeof ipv4>[1] = {}): Uint8Array {
  return ipv4(tcp({ seq: 0x01020304, ack: 0, flags: TCP_SYN, payload: [1, 2, 3, 4] }), fields).subarray(0, keep);
}

describe('ICMPv4 errors quoting TCP', () => {
  it.each([3, 4, 5, 11, 12])('type %i with 8 bytes of TCP gives a quoted segment of the quoted 4-tuple', (type) => {
    const h = harness();
    const quote = quotedSyn4(28);
    expect(h.decode(packet(RAW, ipv4(icmp4(type, 0, quote), { protocol: 1, src: ROUTER4, dst: [10, 0, 0, 1] }), { frame: 9 }))).toBe(true);
    expect(h.out).toMatchObject({
      frame: 9, quoted: true, ipVersion: 4, src4: 0x0a000001, dst4: 0x0a000002, srcPort: 40000, dstPort: 443,
      seq: 0x01020304, ack: 0, flags: 0, payloadLength: 0, payloadMissing: 0,
    });
    expect(h.decoder.stats).toMatchObject({ icmp: 1, icmpQuotingTcp: 1, tcp: 0 });
    expect(h.warnings).toEqual([]);
  });

  it('reads ack and flags when the router quoted them (RFC 1812 routers quote more than 8 bytes)', () => {
    const h = harness();
    const quote = ipv4(tcp({ seq: 7, ack: 9, flags: TCP_ACK }));
    expect(h.decode(packet(RAW, ipv4(icmp4(3, 4, quote), { protocol: 1, src: ROUTER4 })))).toBe(true);
    expect(h.out).toMatchObject({ quoted: true, seq: 7, ack: 9, flags: TCP_ACK });
  });

  it('a real TCP segment after a quoted one is not marked quoted', () => {
    const h = harness();
    expect(h.decode(packet(RAW, ipv4(icmp4(3, 1, quotedSyn4(28)), { protocol: 1 })))).toBe(true);
    expect(h.decode(packet(LinkType.ETHERNET, ethernet(0x0800, ipv4(tcp()))))).toBe(true);
    expect(h.out.quoted).toBe(false);
  });

  it.each([
    ['an echo request', ipv4(bytes([8, 0, 0, 0, 0, 1, 0, 1], quotedSyn4(28)), { protocol: 1 })],
    ['an error quoting UDP', ipv4(icmp4(3, 3, ipv4(bytes(u16(53), u16(53), u16(8), u16(0)), { protocol: 17 })), { protocol: 1 })],
    ['an error quoting fewer than 8 bytes of TCP', ipv4(icmp4(3, 3, quotedSyn4(27)), { protocol: 1 })],
    ['an error quoting a non-first fragment', ipv4(icmp4(11, 1, quotedSyn4(28, { fragmentOffset: 8 })), { protocol: 1 })],
    ['an error quoting IPv6 inside ICMPv4', ipv4(icmp4(3, 3, ipv6(tcp()).subarray(0, 48)), { protocol: 1 })],
  ])('%s is not TCP', (_label, frame) => {
    const h = harness();
    expect(h.decode(packet(RAW, frame))).toBe(false);
    expect(h.decoder.stats).toMatchObject({ icmp: 1, icmpQuotingTcp: 0 });
    expect(h.warnings).toEqual([]);
  });
});

describe('ICMPv6 errors quoting TCP', () => {
  /** ICMPv6 message: type, code, checksum 0, 4 bytes (unused / MTU / pointer), then the quote. */
  const icmp6 = (type: number, quote: Uint8Array): Uint8Array => bytes([type, 0, 0, 0], [0, 0, 0x05, 0x00], quote);

  it.each([1, 2, 3, 4])('type %i gives a quoted segment with the quoted IPv6 addresses', (type) => {
    const h = harness();
    const quote = ipv6(tcp({ srcPort: 50000, dstPort: 443, seq: 42 }));
    expect(h.decode(packet(RAW, ipv6(icmp6(type, quote), { nextHeader: 58, src: ROUTER6, dst: V6_SRC })))).toBe(true);
    expect(h.out).toMatchObject({ quoted: true, ipVersion: 6, src6: '2001:db8::1', dst6: '2001:db8::2', srcPort: 50000, dstPort: 443, seq: 42, src4: 0 });
  });

  it('walks the quoted packet\'s extension headers, a first fragment included', () => {
    const h = harness();
    const quote = ipv6(fragmentHeader(6, 0, true, 77, tcp({ seq: 5 })), { nextHeader: 44, src: V6_DST, dst: V6_SRC });
    expect(h.decode(packet(RAW, ipv6(icmp6(2, quote), { nextHeader: 58, src: ROUTER6 })))).toBe(true);
    expect(h.out).toMatchObject({ quoted: true, src6: '2001:db8::2', dst6: '2001:db8::1', seq: 5 });
  });

  it.each([
    ['an informational message (echo request, 128)', bytes([128, 0, 0, 0], [0, 1, 0, 1], ipv6(tcp()))],
    ['an error quoting a later fragment', icmp6(3, ipv6(fragmentHeader(6, 8, false, 77, tcp()), { nextHeader: 44 }))],
    ['an error whose quote stops inside the TCP ports and seq', icmp6(1, ipv6(tcp()).subarray(0, 47))],
  ])('%s is not TCP', (_label, message) => {
    const h = harness();
    expect(h.decode(packet(RAW, ipv6(message, { nextHeader: 58 })))).toBe(false);
    expect(h.decoder.stats).toMatchObject({ icmp: 1, icmpQuotingTcp: 0 });
  });
});
