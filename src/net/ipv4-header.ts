import { DECODED, MALFORMED, TRUNCATED, type DecodeStatus } from './decode-status.js';

/** The fields of one IPv4 header the decoder needs; one instance is reused for every packet. */
export interface Ipv4Scratch {
  src: number;
  dst: number;
  protocol: number;
  /** Identification field (fragment reassembly key). */
  id: number;
  /** Offset of this fragment's data in the datagram, in bytes. */
  fragmentOffset: number;
  moreFragments: boolean;
  /** Absolute offset of the first byte after the header (options included). */
  payloadStart: number;
  /** Absolute end of the captured payload: the total length, or less when the snaplen cut it. */
  payloadEnd: number;
  /** Absolute end of the payload according to the total length field. */
  declaredEnd: number;
  problem: string;
  /** Set (else '') when the total length exceeds the packet and the packet's length was used instead. */
  lengthProblem: string;
}

export function newIpv4Scratch(): Ipv4Scratch {
  return { src: 0, dst: 0, protocol: 0, id: 0, fragmentOffset: 0, moreFragments: false, payloadStart: 0, payloadEnd: 0, declaredEnd: 0, problem: '', lengthProblem: '' };
}

/**
 * RFC 791 §3.1
 *   Version:4 IHL:4 TypeOfService:8 TotalLength:16 | Identification:16 Flags:3 FragmentOffset:13 |
 *   TTL:8 Protocol:8 HeaderChecksum:16 | SourceAddress:32 | DestinationAddress:32 | Options
 *
 * Decodes the header at `off`. `capturedEnd` is where the captured bytes stop, `wireEnd` where
 * the frame stopped on the wire (they differ when the snaplen cut it): a header the wire had but
 * the capture lost is TRUNCATED, one the wire never had is MALFORMED. A total length beyond the
 * packet is used as the packet's length, with `lengthProblem` set. Bytes past the total
 * length (Ethernet padding and trailers) are left out of the payload.
 */
export function decodeIpv4Header(data: Uint8Array, off: number, capturedEnd: number, wireEnd: number, out: Ipv4Scratch): DecodeStatus {
  const captured = capturedEnd - off;
  if (captured < 20) return tooShort(out, 'IPv4 header', 20, captured, wireEnd - off);
  const versionIhl = data[off]!;
  if (versionIhl >> 4 !== 4) {
    out.problem = `IPv4 packet has IP version ${versionIhl >> 4}`;
    return MALFORMED;
  }
  const ihl = versionIhl & 0x0f;
  if (ihl < 5) {
    out.problem = `IPv4 header length ${ihl} words is below the minimum of 5`;
    return MALFORMED;
  }
  const headerLength = ihl * 4;
  let totalLength = (data[off + 2]! << 8) | data[off + 3]!;
  // Captures taken on a host that offloads segmentation (TSO/LSO) show outgoing packets with a
  // total length of 0; the captured frame is then the only measure of the datagram.
  if (totalLength === 0) totalLength = wireEnd - off;
  if (totalLength < headerLength) {
    out.problem = `IPv4 total length ${totalLength} is below the header length ${headerLength}`;
    return MALFORMED;
  }
  out.lengthProblem = '';
  if (totalLength > wireEnd - off) {
    // Wireshark flags this and dissects the bytes that are there; so do we, and say so.
    out.lengthProblem = `IPv4 total length ${totalLength} exceeds the ${wireEnd - off} bytes of the packet; decoded with the bytes present`;
    totalLength = wireEnd - off;
  }
  if (captured < headerLength) return tooShort(out, `IPv4 header with options (${headerLength} bytes)`, headerLength, captured, wireEnd - off);

  const fragmentWord = (data[off + 6]! << 8) | data[off + 7]!;
  out.id = (data[off + 4]! << 8) | data[off + 5]!;
  out.moreFragments = (fragmentWord & 0x2000) !== 0;
  out.fragmentOffset = (fragmentWord & 0x1fff) * 8;
  out.protocol = data[off + 9]!;
  out.src = ((data[off + 12]! << 24) | (data[off + 13]! << 16) | (data[off + 14]! << 8) | data[off + 15]!) >>> 0;
  out.dst = ((data[off + 16]! << 24) | (data[off + 17]! << 16) | (data[off + 18]! << 8) | data[off + 19]!) >>> 0;
  out.payloadStart = off + headerLength;
  out.declaredEnd = off + totalLength;
  out.payloadEnd = out.declaredEnd < capturedEnd ? out.declaredEnd : capturedEnd;
  return DECODED;
}

function tooShort(out: Ipv4Scratch, what: string, needed: number, captured: number, onWire: number): DecodeStatus {
  if (onWire >= needed) {
    out.problem = `${what} cut by the capture's snapshot length (${captured} of ${needed} bytes captured)`;
    return TRUNCATED;
  }
  out.problem = `${what} needs ${needed} bytes, the packet has ${onWire}`;
  return MALFORMED;
}
