/**
 * One decoded TCP segment, as the net layer hands it to the connection table. The decoder
 * reuses a single instance: the table copies what it keeps (payload bytes it must hold).
 */
export interface TcpSegment {
  frame: number;
  tsSec: number;
  tsNsec: number;
  ipVersion: 4 | 6;
  /** IPv4 source/destination as unsigned 32-bit numbers (only when ipVersion is 4). */
  src4: number;
  dst4: number;
  /** IPv6 source/destination in RFC 5952 text (only when ipVersion is 6, else ''). */
  src6: string;
  dst6: string;
  srcPort: number;
  dstPort: number;
  /** Unsigned 32-bit sequence and acknowledgement numbers. */
  seq: number;
  ack: number;
  /** TCP flag bits (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80). */
  flags: number;
  window: number;
  /** Captured payload: data[payloadOffset, payloadOffset + payloadLength). */
  data: Uint8Array;
  payloadOffset: number;
  payloadLength: number;
  /** Payload bytes that were on the wire but not captured (snaplen cut); 0 normally. */
  payloadMissing: number;
  /**
   * True when the header is not a segment of the packet but the one an ICMP or ICMPv6 error
   * quotes (RFC 792, RFC 4443): addresses and ports are the quoted packet's, seq is its, ack
   * and flags are 0 unless quoted too, and there is no payload. Wireshark gives such a packet
   * the tcp.stream of the quoted 4-tuple (see ConnectionTable.quoted). False for a real segment.
   * Added after the first contract.
   */
  quoted: boolean;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/** A fresh, zeroed segment to be filled by the decoder. */
export function newTcpSegment(): TcpSegment {
  return {
    frame: 0, tsSec: 0, tsNsec: 0, ipVersion: 4, src4: 0, dst4: 0, src6: '', dst6: '',
    srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0,
    data: new Uint8Array(0), payloadOffset: 0, payloadLength: 0, payloadMissing: 0, quoted: false,
  };
}

/** Slots of the address text cache (a power of two). */
const IPV4_TEXT_SLOTS = 4096;
const ipv4TextKeys = new Int32Array(IPV4_TEXT_SLOTS);
const ipv4Texts: (string | undefined)[] = new Array<string | undefined>(IPV4_TEXT_SLOTS).fill(undefined);

/**
 * IPv4 address number to dotted text. Every connection keeps its two addresses as text, and a
 * capture's connections mostly share a few: the texts come from a small direct-mapped cache,
 * so that tens of thousands of connections to one server hold one string, where each had
 * its own rope of 3 to 4 strings (about 100 bytes a connection that stayed in the heap as
 * long as the connection's tombstone; docs/decisions.md, "Peak RSS growing with the capture").
 */
export function ipv4ToString(a: number): string {
  const key = a | 0;
  const slot = Math.imul(key, 0x9e3779b1) >>> 20;
  const known = ipv4Texts[slot];
  if (known !== undefined && ipv4TextKeys[slot] === key) return known;
  const text = `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
  ipv4TextKeys[slot] = key;
  ipv4Texts[slot] = text;
  return text;
}
