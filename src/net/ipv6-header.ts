import { DECODED, MALFORMED, TRUNCATED, type DecodeStatus } from './decode-status.js';

/** The fields of one IPv6 header chain the decoder needs; one instance is reused for every packet. */
export interface Ipv6Scratch {
  /** Absolute offsets of the 16-byte source and destination addresses. */
  srcOffset: number;
  dstOffset: number;
  /** The upper-layer protocol (next header after the extension headers), when not a fragment. */
  protocol: number;
  /** Absolute offset of the upper-layer header (or, for a fragment, of the fragment data). */
  payloadStart: number;
  payloadEnd: number;
  declaredEnd: number;
  /** True when a Fragment header with a non-zero offset or the M flag was met. */
  fragment: boolean;
  fragmentId: number;
  fragmentOffset: number;
  moreFragments: boolean;
  /** Next Header field of the Fragment header: the first header of the fragmentable part. */
  fragmentNextHeader: number;
  problem: string;
  /** Set (else '') when the payload length exceeds the packet and the packet's length was used instead. */
  lengthProblem: string;
}

export function newIpv6Scratch(): Ipv6Scratch {
  return {
    srcOffset: 0, dstOffset: 0, protocol: 0, payloadStart: 0, payloadEnd: 0, declaredEnd: 0,
    fragment: false, fragmentId: 0, fragmentOffset: 0, moreFragments: false, fragmentNextHeader: 0, problem: '', lengthProblem: '',
  };
}

const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AUTHENTICATION = 51;
const DESTINATION_OPTIONS = 60;
const MOBILITY = 135;
const HIP = 139;
const SHIM6 = 140;
const NO_NEXT_HEADER = 59;

/**
 * RFC 8200 §3
 *   Version:4 TrafficClass:8 FlowLabel:20 | PayloadLength:16 NextHeader:8 HopLimit:8 |
 *   SourceAddress:128 | DestinationAddress:128
 *
 * Decodes the fixed header at `off` and walks the extension headers after it (see
 * walkIpv6Extensions). `capturedEnd`/`wireEnd` as for IPv4: cut by the snaplen is TRUNCATED.
 */
export function decodeIpv6Header(data: Uint8Array, off: number, capturedEnd: number, wireEnd: number, out: Ipv6Scratch): DecodeStatus {
  const captured = capturedEnd - off;
  if (captured < 40) {
    if (wireEnd - off >= 40) {
      out.problem = `IPv6 header cut by the capture's snapshot length (${captured} of 40 bytes captured)`;
      return TRUNCATED;
    }
    out.problem = `IPv6 header needs 40 bytes, the packet has ${wireEnd - off}`;
    return MALFORMED;
  }
  const version = data[off]! >> 4;
  if (version !== 6) {
    out.problem = `IPv6 packet has IP version ${version}`;
    return MALFORMED;
  }
  let payloadLength = (data[off + 4]! << 8) | data[off + 5]!;
  const nextHeader = data[off + 6]!;
  // Payload length 0 with a payload is a jumbogram or a segmentation-offloaded packet as
  // captured on the sending host: the frame is then the only measure.
  if (payloadLength === 0 && nextHeader !== NO_NEXT_HEADER) payloadLength = wireEnd - off - 40;
  out.lengthProblem = '';
  if (payloadLength > wireEnd - off - 40) {
    out.lengthProblem = `IPv6 payload length ${payloadLength} exceeds the ${wireEnd - off - 40} bytes after the header; decoded with the bytes present`;
    payloadLength = wireEnd - off - 40;
  }
  out.srcOffset = off + 8;
  out.dstOffset = off + 24;
  out.declaredEnd = off + 40 + payloadLength;
  out.payloadEnd = out.declaredEnd < capturedEnd ? out.declaredEnd : capturedEnd;
  out.fragment = false;
  return walkIpv6Extensions(data, off + 40, nextHeader, out);
}

/**
 * Walks the extension header chain starting at `off` with `nextHeader`, within the payload
 * bounds already in `out` (payloadEnd, declaredEnd). Stops at the upper-layer protocol, at ESP
 * (50) or No Next Header (59) — both leave `protocol` set to them — or at a Fragment header of
 * a real fragment (RFC 8200 §4.5), which sets `fragment` and the fragment fields. An atomic
 * fragment (offset 0, M clear; RFC 6946) is walked through like any other header.
 */
export function walkIpv6Extensions(data: Uint8Array, off: number, nextHeader: number, out: Ipv6Scratch): DecodeStatus {
  let pos = off;
  let header = nextHeader;
  // Each header is at least 8 bytes, so the loop is bounded by the payload length.
  for (;;) {
    let length: number;
    switch (header) {
      case HOP_BY_HOP:
      case ROUTING:
      case DESTINATION_OPTIONS:
      case MOBILITY:
      case HIP:
      case SHIM6:
        // Hdr Ext Len: 8-octet units, not counting the first 8 octets.
        if (!(pos + 2 <= out.payloadEnd)) return extensionTooShort(header, pos, 2, out);
        length = (data[pos + 1]! + 1) * 8;
        break;
      case AUTHENTICATION:
        // RFC 4302 §2.2: Payload Len is in 4-octet units, minus 2.
        if (!(pos + 2 <= out.payloadEnd)) return extensionTooShort(header, pos, 2, out);
        length = (data[pos + 1]! + 2) * 4;
        break;
      case FRAGMENT: {
        if (!(pos + 8 <= out.payloadEnd)) return extensionTooShort(header, pos, 8, out);
        const offsetWord = (data[pos + 2]! << 8) | data[pos + 3]!;
        const fragmentOffset = offsetWord & 0xfff8;
        const more = (offsetWord & 1) !== 0;
        if (fragmentOffset !== 0 || more) {
          out.fragment = true;
          out.fragmentOffset = fragmentOffset;
          out.moreFragments = more;
          out.fragmentNextHeader = data[pos]!;
          out.fragmentId = ((data[pos + 4]! << 24) | (data[pos + 5]! << 16) | (data[pos + 6]! << 8) | data[pos + 7]!) >>> 0;
          out.protocol = FRAGMENT;
          out.payloadStart = pos + 8;
          return DECODED;
        }
        length = 8;
        break;
      }
      default:
        out.protocol = header;
        out.payloadStart = pos;
        return DECODED;
    }
    if (pos + length > out.payloadEnd) return extensionTooShort(header, pos, length, out);
    header = data[pos]!;
    pos += length;
  }
}

function extensionTooShort(header: number, pos: number, needed: number, out: Ipv6Scratch): DecodeStatus {
  if (pos + needed <= out.declaredEnd) {
    out.problem = `IPv6 extension header ${header} cut by the capture's snapshot length`;
    return TRUNCATED;
  }
  out.problem = `IPv6 extension header ${header} needs ${needed} bytes, the payload has ${Math.max(0, out.declaredEnd - pos)} left`;
  return MALFORMED;
}
