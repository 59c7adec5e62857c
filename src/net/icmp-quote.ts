import { DECODED } from './decode-status.js';
import { newIpv6Scratch, walkIpv6Extensions, type Ipv6Scratch } from './ipv6-header.js';

/** Where the TCP header quoted by an ICMP error lies; one instance is reused for every packet. */
export interface QuotedTcpScratch {
  ipVersion: 4 | 6;
  /** The quoted packet's IPv4 addresses (ipVersion 4). */
  src4: number;
  dst4: number;
  /** Absolute offsets of the quoted packet's 16-byte IPv6 addresses (ipVersion 6). */
  srcOffset: number;
  dstOffset: number;
  /** Absolute offset of the quoted TCP header and the end of the quoted bytes (at least 8 after it). */
  tcpStart: number;
  end: number;
  /** For the quoted IPv6 extension header walk. */
  readonly ip6: Ipv6Scratch;
}

export function newQuotedTcpScratch(): QuotedTcpScratch {
  return { ipVersion: 4, src4: 0, dst4: 0, srcOffset: 0, dstOffset: 0, tcpStart: 0, end: 0, ip6: newIpv6Scratch() };
}

const PROTO_TCP = 6;
const IPV6_FRAGMENT = 44;
/** Bytes of the quoted TCP header that identify its connection: ports and sequence number. */
const QUOTED_TCP_MIN = 8;

/**
 * ICMPv4 error messages (RFC 792; RFC 1812 §4.3.2.3): Destination Unreachable (3), Source
 * Quench (4), Redirect (5), Time Exceeded (11), Parameter Problem (12). Each is
 *   Type:8 Code:8 Checksum:16 | 32 bits (unused, gateway, pointer, MTU) |
 *   Internet Header + at least 64 bits of the original datagram's data.
 */
const ICMPV4_ERRORS: ReadonlySet<number> = new Set([3, 4, 5, 11, 12]);

/**
 * Locates the TCP header quoted by an ICMPv4 error message in `data[start, end)` (the ICMP
 * message). True when the quoted datagram is IPv4 carrying TCP, is its first fragment (later
 * ones have no TCP header), and at least the ports and sequence number of its header are there.
 */
export function locateQuotedTcp4(data: Uint8Array, start: number, end: number, out: QuotedTcpScratch): boolean {
  if (end - start < 8 + 20 || !ICMPV4_ERRORS.has(data[start]!)) return false;
  const ip = start + 8;
  const versionIhl = data[ip]!;
  const headerLength = (versionIhl & 0x0f) * 4;
  if (versionIhl >> 4 !== 4 || headerLength < 20 || data[ip + 9] !== PROTO_TCP) return false;
  if ((((data[ip + 6]! << 8) | data[ip + 7]!) & 0x1fff) !== 0) return false;
  const tcp = ip + headerLength;
  if (tcp + QUOTED_TCP_MIN > end) return false;
  out.ipVersion = 4;
  out.src4 = ((data[ip + 12]! << 24) | (data[ip + 13]! << 16) | (data[ip + 14]! << 8) | data[ip + 15]!) >>> 0;
  out.dst4 = ((data[ip + 16]! << 24) | (data[ip + 17]! << 16) | (data[ip + 18]! << 8) | data[ip + 19]!) >>> 0;
  out.tcpStart = tcp;
  out.end = end;
  return true;
}

/**
 * ICMPv6 error messages (RFC 4443 §3): Destination Unreachable (1), Packet Too Big (2), Time
 * Exceeded (3), Parameter Problem (4), each
 *   Type:8 Code:8 Checksum:16 | 32 bits | As much of invoking packet as possible.
 * Locates the quoted TCP header as {@link locateQuotedTcp4} does, through the quoted packet's
 * extension headers (a first fragment's included).
 */
export function locateQuotedTcp6(data: Uint8Array, start: number, end: number, out: QuotedTcpScratch): boolean {
  const type = data[start];
  if (end - start < 8 + 40 || type === undefined || type < 1 || type > 4) return false;
  const ip = start + 8;
  if (data[ip]! >> 4 !== 6) return false;
  const walk = out.ip6;
  // The quote is cut wherever the error's size limit fell: its bytes are all there is.
  walk.payloadEnd = walk.declaredEnd = end;
  walk.fragment = false;
  if (walkIpv6Extensions(data, ip + 40, data[ip + 6]!, walk) !== DECODED) return false;
  let tcp: number;
  if (!walk.fragment) {
    if (walk.protocol !== PROTO_TCP) return false;
    tcp = walk.payloadStart;
  } else {
    if (walk.protocol !== IPV6_FRAGMENT || walk.fragmentOffset !== 0 || walk.fragmentNextHeader !== PROTO_TCP) return false;
    tcp = walk.payloadStart;
  }
  if (tcp + QUOTED_TCP_MIN > end) return false;
  out.ipVersion = 6;
  out.srcOffset = ip + 8;
  out.dstOffset = ip + 24;
  out.tcpStart = tcp;
  out.end = end;
  return true;
}
