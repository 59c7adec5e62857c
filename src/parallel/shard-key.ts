/**
 * Which shard a TCP segment belongs to, when one capture is split over worker threads by flow.
 *
 * The key is the endpoint with the lower port (equal ports: the lower address): the server in
 * nearly every capture (443, 8443 against an ephemeral port). Every connection to one server so
 * lands in one shard, where the diagnosis compares it with the others (src/diagnose/peer-selection.ts).
 * Both directions of a connection, a new SYN on its 4-tuple and an ICMP error quoting it give
 * the same key, so a connection never straddles two shards.
 */
import type { TcpSegment } from '../net/tcp-segment.js';

/** A 32-bit integer mix (the finalizer of MurmurHash3): nearby addresses and ports spread evenly. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the characters of an IPv6 address text (its RFC 5952 form is canonical). */
function hashText(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Hash of an IPv4 endpoint (address as an unsigned 32-bit number). */
export function endpointHash4(address: number, port: number): number {
  return mix(mix(address >>> 0) ^ Math.imul(port + 1, 0x9e3779b1));
}

/** Hash of an IPv6 endpoint (address in RFC 5952 text). */
export function endpointHash6(address: string, port: number): number {
  return mix(hashText(address) ^ Math.imul(port + 1, 0x9e3779b1));
}

/** Hash of the segment's server-side endpoint: the lower port, or on equal ports the lower address. */
export function flowHash(seg: TcpSegment): number {
  const srcFirst = seg.srcPort !== seg.dstPort
    ? seg.srcPort < seg.dstPort
    : seg.ipVersion === 4 ? seg.src4 >>> 0 <= seg.dst4 >>> 0 : seg.src6 <= seg.dst6;
  if (seg.ipVersion === 4) return srcFirst ? endpointHash4(seg.src4, seg.srcPort) : endpointHash4(seg.dst4, seg.dstPort);
  return srcFirst ? endpointHash6(seg.src6, seg.srcPort) : endpointHash6(seg.dst6, seg.dstPort);
}

/** The shard (0 .. count-1) of a segment. */
export function shardOf(seg: TcpSegment, count: number): number {
  return flowHash(seg) % count;
}
