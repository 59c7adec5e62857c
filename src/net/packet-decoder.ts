import type { CapturedPacket } from '../capture/packet.js';
import type { WarningSink } from '../report/warning.js';
import { DECODED, TRUNCATED, type DecodeStatus } from './decode-status.js';
import { FragmentReassembler, type ReassembledDatagram } from './fragment-reassembler.js';
import { gtpInnerPacket } from './gtp-u.js';
import { decodeIpv4Header, newIpv4Scratch } from './ipv4-header.js';
import { Ipv6AddressCache } from './ipv6-address.js';
import { decodeIpv6Header, newIpv6Scratch, walkIpv6Extensions } from './ipv6-header.js';
import {
  decodeLinkLayer, ETHERTYPE_IPV4, ETHERTYPE_IPV6, isKnownLinkType, LinkType, NETWORK_BAD_VERSION, newLinkLayerScratch,
} from './link-layer.js';
import { locateQuotedTcp4, locateQuotedTcp6, newQuotedTcpScratch } from './icmp-quote.js';
import { formatCount, PacketProblemWarnings } from './packet-problem-warnings.js';
import { decodeTcpHeader } from './tcp-header.js';
import type { TcpSegment } from './tcp-segment.js';

/** Options of a PacketDecoder. */
export interface DecoderOptions {
  /** Where malformed-packet, fragment and summary warnings go. */
  warn: WarningSink;
  /** Bytes held for IP fragment reassembly, total; default 16 MiB. */
  maxFragmentBytes?: number;
  /** Datagrams held at once; default 4096. */
  maxFragmentDatagrams?: number;
}

/** What the decoder saw, by kind; every packet lands in exactly one of the packet counts. */
export interface DecoderStats {
  /** Packets (or reassembled datagrams) that gave a TCP segment. */
  tcp: number;
  udp: number;
  /** ICMP and ICMPv6. */
  icmp: number;
  /** Of `icmp`: error messages quoting a TCP header, handed on as quoted segments. Added after the first contract. */
  icmpQuotingTcp: number;
  /** IP packets of another protocol (GRE, ESP, SCTP, No Next Header, ...). */
  otherIp: number;
  /** Frames of a known link type that do not carry IP (ARP, LLDP, STP, ...). */
  nonIp: number;
  /** IP fragments, including the one that completes a datagram. */
  fragments: number;
  /** Datagrams put back together from fragments (then also counted by protocol). */
  reassembledDatagrams: number;
  /** Packets skipped because a header is inconsistent or too short for the wire length. */
  malformed: number;
  /**
   * IP packets whose length field claims more bytes than the packet had on the wire; they are
   * decoded with the bytes present (as Wireshark does) and also counted by protocol.
   */
  badLength: number;
  /** Packets skipped because the snapshot length cut them inside an IP or TCP header. */
  truncated: number;
  /** Packets skipped because their link type is not understood: link type -> packets. */
  readonly unknownLinkTypes: Map<number, number>;
}

const PROTO_ICMP = 1;
const PROTO_IPIP = 4;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const PROTO_IPV6_IN_IP = 41;
const PROTO_ICMPV6 = 58;
/** IP-in-IP nesting followed at most; deeper tunnels are counted as other IP. */
const MAX_TUNNEL_DEPTH = 4;

/**
 * Decodes captured frames down to TCP: link layer, IPv4/IPv6 (with fragment reassembly,
 * IP-in-IP and GTP-U tunnels), TCP header. Allocates nothing for an ordinary packet: `out` is filled in place and
 * points into the packet's own bytes, so the caller copies what it keeps.
 */
export class PacketDecoder {
  /** Counts of what was decoded and skipped. */
  readonly stats: DecoderStats = {
    tcp: 0, udp: 0, icmp: 0, icmpQuotingTcp: 0, otherIp: 0, nonIp: 0, fragments: 0, reassembledDatagrams: 0, malformed: 0, truncated: 0, badLength: 0,
    unknownLinkTypes: new Map<number, number>(),
  };

  private readonly warn: WarningSink;
  private readonly link = newLinkLayerScratch();
  private readonly ip4 = newIpv4Scratch();
  private readonly ip6 = newIpv6Scratch();
  private readonly tcpProblem = { text: '' };
  private readonly quote = newQuotedTcpScratch();
  /** Where the IP layer put its payload: in the packet, or in a reassembled datagram. */
  private readonly payload = { bytes: new Uint8Array(0) as Uint8Array, start: 0, end: 0, declaredEnd: 0, protocol: 0 };
  private readonly addresses = new Ipv6AddressCache();
  private readonly reassembler: FragmentReassembler;
  private readonly malformedWarnings: PacketProblemWarnings;
  private readonly truncatedWarnings: PacketProblemWarnings;

  constructor(options: DecoderOptions) {
    this.warn = options.warn;
    this.reassembler = new FragmentReassembler({
      maxBytes: options.maxFragmentBytes ?? 16 * 1024 * 1024,
      maxDatagrams: options.maxFragmentDatagrams ?? 4096,
      warn: options.warn,
    });
    this.malformedWarnings = new PacketProblemWarnings(options.warn, 'malformed packets');
    this.truncatedWarnings = new PacketProblemWarnings(options.warn, 'packets cut inside their headers by the snapshot length');
  }

  /**
   * Decodes one packet; returns true when `out` now holds a TCP segment (payload may be empty),
   * or, with `out.quoted` set, the TCP header an ICMP error quotes.
   */
  decode(packet: CapturedPacket, out: TcpSegment): boolean {
    const linkType = packet.linkType;
    const ip = plainIpv4Offset(linkType, packet.data, packet.offset, packet.capturedLength);
    if (ip >= 0 && this.plainTcp4(packet, ip, out)) return true;
    if (!isKnownLinkType(linkType)) {
      const unknown = this.stats.unknownLinkTypes;
      unknown.set(linkType, (unknown.get(linkType) ?? 0) + 1);
      return false;
    }
    const data = packet.data;
    const start = packet.offset;
    const capturedEnd = start + packet.capturedLength;
    const link = this.link;
    if (decodeLinkLayer(linkType, data, start, capturedEnd, link) !== DECODED) {
      return this.malformed(packet.frame, link.problem);
    }
    out.frame = packet.frame;
    out.tsSec = packet.tsSec;
    out.tsNsec = packet.tsNsec;
    // The snaplen cut only the end of the frame: the wire had this many bytes more.
    const wireEnd = capturedEnd + (packet.originalLength > packet.capturedLength ? packet.originalLength - packet.capturedLength : 0);
    return this.decodeNetwork(packet.frame, link.networkType, data, link.offset, capturedEnd, wireEnd, out);
  }

  /**
   * The common case decoded in one go: an IPv4 packet at `ip` (found by plainIpv4Offset) without
   * options, not a fragment, whose total length fits the frame, carrying a TCP header that fits
   * both. It gives exactly what the general path gives for such a packet; anything else returns
   * false before touching `out` and takes the general path. Most packets of most captures are
   * like this, and the general path costs about twice as much (calls, scratch copies, checks for
   * cases that cannot arise here).
   */
  private plainTcp4(packet: CapturedPacket, ip: number, out: TcpSegment): boolean {
    const data = packet.data;
    const captured = packet.capturedLength;
    const capturedEnd = packet.offset + captured;
    // IPv4 20 + TCP 20 captured.
    if (capturedEnd - ip < 40 || data[ip] !== 0x45 || data[ip + 9] !== PROTO_TCP) return false;
    // Fragment offset 0 and MF clear (DF may be set).
    if ((data[ip + 6]! & 0x3f) !== 0 || data[ip + 7] !== 0) return false;
    const totalLength = (data[ip + 2]! << 8) | data[ip + 3]!;
    // Where the IP packet ends on the wire: the snaplen may have cut the frame.
    const wireLength = capturedEnd - ip + (packet.originalLength > captured ? packet.originalLength - captured : 0);
    if (totalLength < 40 || totalLength > wireLength) return false;
    const tcp = ip + 20;
    const headerLength = (data[tcp + 12]! >> 4) * 4;
    if (headerLength < 20 || headerLength > totalLength - 20) return false;

    const declaredEnd = ip + totalLength;
    const payloadEnd = declaredEnd < capturedEnd ? declaredEnd : capturedEnd;
    out.frame = packet.frame;
    out.tsSec = packet.tsSec;
    out.tsNsec = packet.tsNsec;
    out.ipVersion = 4;
    out.src4 = ((data[ip + 12]! << 24) | (data[ip + 13]! << 16) | (data[ip + 14]! << 8) | data[ip + 15]!) >>> 0;
    out.dst4 = ((data[ip + 16]! << 24) | (data[ip + 17]! << 16) | (data[ip + 18]! << 8) | data[ip + 19]!) >>> 0;
    out.src6 = '';
    out.dst6 = '';
    out.srcPort = (data[tcp]! << 8) | data[tcp + 1]!;
    out.dstPort = (data[tcp + 2]! << 8) | data[tcp + 3]!;
    out.seq = ((data[tcp + 4]! << 24) | (data[tcp + 5]! << 16) | (data[tcp + 6]! << 8) | data[tcp + 7]!) >>> 0;
    out.ack = ((data[tcp + 8]! << 24) | (data[tcp + 9]! << 16) | (data[tcp + 10]! << 8) | data[tcp + 11]!) >>> 0;
    out.flags = data[tcp + 13]!;
    out.window = (data[tcp + 14]! << 8) | data[tcp + 15]!;
    out.data = data;
    const payloadStart = tcp + headerLength;
    if (payloadStart >= payloadEnd) {
      out.payloadOffset = payloadEnd;
      out.payloadLength = 0;
      out.payloadMissing = declaredEnd - payloadStart;
    } else {
      out.payloadOffset = payloadStart;
      out.payloadLength = payloadEnd - payloadStart;
      out.payloadMissing = declaredEnd - payloadEnd;
    }
    out.quoted = false;
    this.stats.tcp++;
    return true;
  }

  /** Emits the summary warnings (unknown link types, unfinished fragments, problems not listed). Call once at the end. */
  finish(): void {
    for (const [linkType, packets] of this.stats.unknownLinkTypes) {
      this.warn(null, `${formatCount(packets)} ${packets === 1 ? 'packet' : 'packets'} of unknown link type ${linkType} skipped`);
    }
    const abandoned = this.reassembler.finish();
    if (abandoned.datagrams > 0) {
      const frames = abandoned.firstFrames.join(', ') + (abandoned.datagrams > abandoned.firstFrames.length ? ', ...' : '');
      this.warn(null, `${formatCount(abandoned.datagrams)} IP ${abandoned.datagrams === 1 ? 'datagram' : 'datagrams'} never completed from ${formatCount(abandoned.fragments)} ${abandoned.fragments === 1 ? 'fragment' : 'fragments'} (first fragment in frame ${frames})`);
    }
    this.malformedWarnings.finish();
    this.truncatedWarnings.finish();
  }

  /**
   * Decodes the IP layer (and any IP-in-IP or GTP-U tunnel) down to TCP. A tunnel restarts the
   * loop on the inner packet, whose addresses then replace the outer ones in `out`.
   */
  private decodeNetwork(
    frame: number, networkType: number, data: Uint8Array, off: number, capturedEnd: number, wireEnd: number, out: TcpSegment,
  ): boolean {
    const payload = this.payload;
    let type = networkType;
    let bytes = data;
    let start = off;
    let end = capturedEnd;
    let wire = wireEnd;
    for (let depth = 0; ; depth++) {
      let located: boolean;
      if (type === ETHERTYPE_IPV4) located = this.decodeIpv4(frame, bytes, start, end, wire, out);
      else if (type === ETHERTYPE_IPV6) located = this.decodeIpv6(frame, bytes, start, end, wire, out);
      else if (type === NETWORK_BAD_VERSION) return this.malformed(frame, `raw IP packet has IP version ${bytes[start]! >> 4}`);
      else {
        this.stats.nonIp++;
        return false;
      }
      if (!located) return false;

      switch (payload.protocol) {
        case PROTO_TCP: {
          const status = decodeTcpHeader(payload.bytes, payload.start, payload.end, payload.declaredEnd, out, this.tcpProblem);
          if (status !== DECODED) return this.problem(frame, status, this.tcpProblem.text);
          out.quoted = false;
          this.stats.tcp++;
          return true;
        }
        case PROTO_UDP: {
          const inner = depth < MAX_TUNNEL_DEPTH ? gtpInnerPacket(payload.bytes, payload.start, payload.end) : -1;
          if (inner < 0) {
            this.stats.udp++;
            return false;
          }
          type = (payload.bytes[inner]! >> 4) === 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
          start = inner;
          break;
        }
        case PROTO_ICMP:
        case PROTO_ICMPV6:
          this.stats.icmp++;
          return this.quotedTcp(payload.protocol === PROTO_ICMPV6, out);
        case PROTO_IPIP:
        case PROTO_IPV6_IN_IP:
          if (depth >= MAX_TUNNEL_DEPTH) {
            this.stats.otherIp++;
            return false;
          }
          type = payload.protocol === PROTO_IPIP ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
          start = payload.start;
          break;
        default:
          this.stats.otherIp++;
          return false;
      }
      bytes = payload.bytes;
      end = payload.end;
      wire = payload.declaredEnd;
    }
  }

  /**
   * An ICMP error quoting a TCP header fills `out` with the quoted header (see
   * TcpSegment.quoted); any other ICMP message is not TCP.
   */
  private quotedTcp(v6: boolean, out: TcpSegment): boolean {
    const { bytes, start, end } = this.payload;
    const q = this.quote;
    if (!(v6 ? locateQuotedTcp6(bytes, start, end, q) : locateQuotedTcp4(bytes, start, end, q))) return false;
    this.stats.icmpQuotingTcp++;
    out.ipVersion = q.ipVersion;
    if (q.ipVersion === 4) {
      out.src4 = q.src4;
      out.dst4 = q.dst4;
      out.src6 = '';
      out.dst6 = '';
    } else {
      out.src4 = 0;
      out.dst4 = 0;
      out.src6 = this.addresses.text(bytes, q.srcOffset);
      out.dst6 = this.addresses.text(bytes, q.dstOffset);
    }
    const t = q.tcpStart;
    out.srcPort = (bytes[t]! << 8) | bytes[t + 1]!;
    out.dstPort = (bytes[t + 2]! << 8) | bytes[t + 3]!;
    out.seq = ((bytes[t + 4]! << 24) | (bytes[t + 5]! << 16) | (bytes[t + 6]! << 8) | bytes[t + 7]!) >>> 0;
    // RFC 792 guarantees 64 bits of the datagram's data; RFC 1812 routers and ICMPv6 quote more.
    out.ack = t + 12 <= q.end ? ((bytes[t + 8]! << 24) | (bytes[t + 9]! << 16) | (bytes[t + 10]! << 8) | bytes[t + 11]!) >>> 0 : 0;
    out.flags = t + 14 <= q.end ? bytes[t + 13]! : 0;
    out.window = 0;
    out.data = bytes;
    out.payloadOffset = q.end;
    out.payloadLength = 0;
    out.payloadMissing = 0;
    out.quoted = true;
    return true;
  }

  /** IPv4 header, and reassembly when the packet is a fragment; true when `payload` is set. */
  private decodeIpv4(frame: number, data: Uint8Array, off: number, capturedEnd: number, wireEnd: number, out: TcpSegment): boolean {
    const ip = this.ip4;
    const status = decodeIpv4Header(data, off, capturedEnd, wireEnd, ip);
    if (status !== DECODED) return this.problem(frame, status, ip.problem);
    if (ip.lengthProblem !== '') this.lengthRepaired(frame, ip.lengthProblem);
    out.ipVersion = 4;
    out.src4 = ip.src;
    out.dst4 = ip.dst;
    out.src6 = '';
    out.dst6 = '';
    const payload = this.payload;
    payload.protocol = ip.protocol;
    if (!ip.moreFragments && ip.fragmentOffset === 0) {
      payload.bytes = data;
      payload.start = ip.payloadStart;
      payload.end = ip.payloadEnd;
      payload.declaredEnd = ip.declaredEnd;
      return true;
    }
    const datagram = this.reassemble(frame, `4 ${ip.src} ${ip.dst} ${ip.id} ${ip.protocol}`, out.tsSec, ip.fragmentOffset,
      ip.moreFragments, data, ip.payloadStart, ip.payloadEnd, ip.declaredEnd, ip.protocol);
    if (datagram === null) return false;
    payload.bytes = datagram.payload;
    payload.start = 0;
    payload.end = payload.declaredEnd = datagram.payload.length;
    return true;
  }

  /** IPv6 header and extension headers, and reassembly when the packet is a fragment; true when `payload` is set. */
  private decodeIpv6(frame: number, data: Uint8Array, off: number, capturedEnd: number, wireEnd: number, out: TcpSegment): boolean {
    const ip = this.ip6;
    let status = decodeIpv6Header(data, off, capturedEnd, wireEnd, ip);
    if (status !== DECODED) return this.problem(frame, status, ip.problem);
    if (ip.lengthProblem !== '') this.lengthRepaired(frame, ip.lengthProblem);
    out.ipVersion = 6;
    out.src4 = 0;
    out.dst4 = 0;
    out.src6 = this.addresses.text(data, ip.srcOffset);
    out.dst6 = this.addresses.text(data, ip.dstOffset);
    const payload = this.payload;
    payload.bytes = data;
    if (ip.fragment) {
      const datagram = this.reassemble(frame, `6 ${out.src6} ${out.dst6} ${ip.fragmentId}`, out.tsSec, ip.fragmentOffset,
        ip.moreFragments, data, ip.payloadStart, ip.payloadEnd, ip.declaredEnd, ip.fragmentNextHeader);
      if (datagram === null) return false;
      payload.bytes = datagram.payload;
      // The fragmentable part may start with more extension headers (RFC 8200 §4.5).
      ip.payloadEnd = ip.declaredEnd = datagram.payload.length;
      status = walkIpv6Extensions(datagram.payload, 0, datagram.nextHeader, ip);
      if (status !== DECODED) return this.problem(frame, status, ip.problem);
    }
    payload.protocol = ip.protocol;
    payload.start = ip.payloadStart;
    payload.end = ip.payloadEnd;
    payload.declaredEnd = ip.declaredEnd;
    return true;
  }

  /** Hands one fragment to the reassembler; the datagram when this fragment completes it. */
  private reassemble(
    frame: number, key: string, tsSec: number, offset: number, more: boolean, data: Uint8Array,
    start: number, capturedEnd: number, declaredEnd: number, nextHeader: number,
  ): ReassembledDatagram | null {
    this.stats.fragments++;
    if (capturedEnd < declaredEnd) {
      this.truncated(frame, 'IP fragment cut by the capture\'s snapshot length; its datagram cannot be reassembled');
      return null;
    }
    const datagram = this.reassembler.add({ key, frame, tsSec, offset, more, data, start, end: capturedEnd, nextHeader });
    if (datagram !== null) this.stats.reassembledDatagrams++;
    return datagram;
  }

  private problem(frame: number, status: DecodeStatus, text: string): false {
    return status === TRUNCATED ? this.truncated(frame, text) : this.malformed(frame, text);
  }

  private malformed(frame: number, text: string): false {
    this.stats.malformed++;
    this.malformedWarnings.report(frame, text);
    return false;
  }

  /** A length field the packet contradicts: decoded with the bytes present, as Wireshark does. */
  private lengthRepaired(frame: number, text: string): void {
    this.stats.badLength++;
    this.malformedWarnings.report(frame, text);
  }

  private truncated(frame: number, text: string): false {
    this.stats.truncated++;
    this.truncatedWarnings.report(frame, text);
    return false;
  }
}

/**
 * Where an IPv4 header starts in a frame of the most common link layers (Ethernet without VLAN
 * tags, Linux cooked SLL/SLL2, raw IP) when the link header says IPv4; -1 for any other frame,
 * which the general path decodes. Checks only what decodeLinkLayer would check on the way.
 */
function plainIpv4Offset(linkType: number, data: Uint8Array, start: number, captured: number): number {
  switch (linkType) {
    case LinkType.ETHERNET:
      return captured >= 14 && data[start + 12] === 0x08 && data[start + 13] === 0x00 ? start + 14 : -1;
    case LinkType.LINUX_SLL:
      return captured >= 16 && data[start + 14] === 0x08 && data[start + 15] === 0x00 ? start + 16 : -1;
    case LinkType.LINUX_SLL2:
      return captured >= 20 && data[start] === 0x08 && data[start + 1] === 0x00 ? start + 20 : -1;
    case LinkType.RAW:
    case LinkType.IPV4:
      // plainTcp4 checks the version nibble (raw IP may also be IPv6).
      return start;
    default:
      return -1;
  }
}
