import { DECODED, MALFORMED, type DecodeStatus } from './decode-status.js';

/**
 * pcap LINKTYPE_* values the decoder understands (https://www.tcpdump.org/linktypes.html).
 * Values 12 and 14 are the DLT_RAW numbers some BSDs write into files instead of 101.
 */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  PPP: 9,
  RAW_BSD_12: 12,
  RAW_BSD_14: 14,
  PPP_HDLC: 50,
  PPP_ETHER: 51,
  RAW: 101,
  C_HDLC: 104,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_QINQ_OLD = 0x9100;
const ETHERTYPE_PPPOE_SESSION = 0x8864;

/** `networkType` of a frame whose payload is known not to be IP (e.g. an unknown NULL family). */
export const NETWORK_NOT_IP = -1;
/** `networkType` of a raw-IP frame whose version nibble is neither 4 nor 6. */
export const NETWORK_BAD_VERSION = -2;

/** Where the link layer put the network layer; reused for every packet. */
export interface LinkLayerScratch {
  /** An EtherType (0x0800 IPv4, 0x86dd IPv6, or another protocol), or NETWORK_* above. */
  networkType: number;
  /** Absolute offset of the network-layer header in the packet bytes. */
  offset: number;
  /** Why the frame is malformed, when decodeLinkLayer returns MALFORMED. */
  problem: string;
}

export function newLinkLayerScratch(): LinkLayerScratch {
  return { networkType: 0, offset: 0, problem: '' };
}

/** True when the link type is one decodeLinkLayer understands. */
export function isKnownLinkType(linkType: number): boolean {
  switch (linkType) {
    case LinkType.NULL: case LinkType.ETHERNET: case LinkType.PPP: case LinkType.RAW_BSD_12:
    case LinkType.RAW_BSD_14: case LinkType.PPP_HDLC: case LinkType.PPP_ETHER: case LinkType.RAW:
    case LinkType.C_HDLC: case LinkType.LOOP: case LinkType.LINUX_SLL: case LinkType.IPV4:
    case LinkType.IPV6: case LinkType.LINUX_SLL2:
      return true;
    default:
      return false;
  }
}

/**
 * Finds the network layer inside one frame of a known link type (check isKnownLinkType first).
 * Writes its type and offset into `out`; returns MALFORMED when the frame is too short for its
 * link header. VLAN tags (stacked), LLC/SNAP and PPPoE are walked through.
 */
export function decodeLinkLayer(linkType: number, data: Uint8Array, off: number, end: number, out: LinkLayerScratch): DecodeStatus {
  switch (linkType) {
    case LinkType.ETHERNET:
      return decodeEthernet(data, off, end, out);
    case LinkType.LINUX_SLL:
      // struct sll_header { u16 pkttype; u16 hatype; u16 halen; u8 addr[8]; u16 protocol; }
      if (end - off < 16) return short(out, 'Linux cooked (SLL) header', 16, end - off);
      return followEtherType(data, off + 16, end, (data[off + 14]! << 8) | data[off + 15]!, out);
    case LinkType.LINUX_SLL2:
      // struct sll2_header { u16 protocol; u16 reserved; u32 if_index; u16 hatype; u8 pkttype; u8 halen; u8 addr[8]; }
      if (end - off < 20) return short(out, 'Linux cooked v2 (SLL2) header', 20, end - off);
      return followEtherType(data, off + 20, end, (data[off]! << 8) | data[off + 1]!, out);
    case LinkType.NULL:
    case LinkType.LOOP:
      return decodeLoopback(linkType, data, off, end, out);
    case LinkType.RAW:
    case LinkType.RAW_BSD_12:
    case LinkType.RAW_BSD_14:
      if (end - off < 1) return short(out, 'raw IP packet', 1, 0);
      out.offset = off;
      out.networkType = versionToNetworkType(data[off]! >> 4);
      return DECODED;
    case LinkType.IPV4:
      out.offset = off;
      out.networkType = ETHERTYPE_IPV4;
      return DECODED;
    case LinkType.IPV6:
      out.offset = off;
      out.networkType = ETHERTYPE_IPV6;
      return DECODED;
    case LinkType.PPP:
    case LinkType.PPP_HDLC:
      return decodePpp(data, off, end, out);
    case LinkType.PPP_ETHER:
      return decodePppoeSession(data, off, end, out);
    case LinkType.C_HDLC:
      // Cisco HDLC: address, control, then an EtherType.
      if (end - off < 4) return short(out, 'Cisco HDLC header', 4, end - off);
      return followEtherType(data, off + 4, end, (data[off + 2]! << 8) | data[off + 3]!, out);
    default:
      out.problem = `unknown link type ${linkType}`;
      return MALFORMED;
  }
}

function decodeEthernet(data: Uint8Array, off: number, end: number, out: LinkLayerScratch): DecodeStatus {
  if (end - off < 14) return short(out, 'Ethernet header', 14, end - off);
  const typeOrLength = (data[off + 12]! << 8) | data[off + 13]!;
  if (typeOrLength > 1500) return followEtherType(data, off + 14, end, typeOrLength, out);
  return decodeLlc(data, off + 14, end, out);
}

/** IEEE 802.3 frame (length instead of EtherType): only LLC/SNAP can carry IP. */
function decodeLlc(data: Uint8Array, off: number, end: number, out: LinkLayerScratch): DecodeStatus {
  if (end - off >= 8 && data[off] === 0xaa && data[off + 1] === 0xaa && data[off + 2] === 0x03) {
    return followEtherType(data, off + 8, end, (data[off + 6]! << 8) | data[off + 7]!, out);
  }
  out.offset = off;
  out.networkType = NETWORK_NOT_IP;
  return DECODED;
}

/**
 * Walks VLAN tags (802.1Q, 802.1ad and the pre-standard 0x9100, stacked in any order) and a
 * PPPoE session header until the EtherType of the network layer is reached.
 */
function followEtherType(data: Uint8Array, off: number, end: number, etherType: number, out: LinkLayerScratch): DecodeStatus {
  let type = etherType;
  let pos = off;
  // Bounded so that a frame made of tags cannot loop long; 8 stacked tags is far beyond practice.
  for (let tags = 0; tags < 8; tags++) {
    if (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD) {
      // Tag: u16 TCI, then the EtherType it wraps.
      if (end - pos < 4) return short(out, 'VLAN tag', 4, end - pos);
      type = (data[pos + 2]! << 8) | data[pos + 3]!;
      pos += 4;
      continue;
    }
    if (type === ETHERTYPE_PPPOE_SESSION) return decodePppoeSession(data, pos, end, out);
    if (type <= 1500) return decodeLlc(data, pos, end, out);
    break;
  }
  out.offset = pos;
  out.networkType = type;
  return DECODED;
}

/**
 * RFC 2516 PPPoE session header: u8 ver_type (0x11), u8 code, u16 session_id, u16 length,
 * followed by a 2-byte PPP protocol number.
 */
function decodePppoeSession(data: Uint8Array, off: number, end: number, out: LinkLayerScratch): DecodeStatus {
  if (end - off < 8) return short(out, 'PPPoE session header', 8, end - off);
  out.offset = off + 8;
  out.networkType = pppProtocolToNetworkType((data[off + 6]! << 8) | data[off + 7]!);
  return DECODED;
}

/**
 * PPP (RFC 1661) with optional HDLC address/control bytes 0xff 0x03 (RFC 1662); the protocol
 * field is one byte when compressed (RFC 1661 §6.5: an odd first byte ends the field).
 */
function decodePpp(data: Uint8Array, off: number, end: number, out: LinkLayerScratch): DecodeStatus {
  let pos = off;
  if (end - pos >= 2 && data[pos] === 0xff && data[pos + 1] === 0x03) pos += 2;
  if (end - pos < 1) return short(out, 'PPP header', 1, 0);
  let protocol = data[pos]!;
  if ((protocol & 1) === 0) {
    if (end - pos < 2) return short(out, 'PPP protocol field', 2, end - pos);
    protocol = (protocol << 8) | data[pos + 1]!;
    pos += 2;
  } else {
    pos += 1;
  }
  out.offset = pos;
  out.networkType = pppProtocolToNetworkType(protocol);
  return DECODED;
}

function pppProtocolToNetworkType(protocol: number): number {
  if (protocol === 0x0021) return ETHERTYPE_IPV4;
  if (protocol === 0x0057) return ETHERTYPE_IPV6;
  return NETWORK_NOT_IP;
}

/**
 * BSD loopback: a 4-byte address family before the IP packet. NULL (0) writes it in the byte
 * order of the capturing host, LOOP (108) in network order. Families are small numbers, so a
 * value that does not fit in 16 bits means the other byte order.
 */
function decodeLoopback(linkType: number, data: Uint8Array, off: number, end: number, out: LinkLayerScratch): DecodeStatus {
  if (end - off < 4) return short(out, 'loopback header', 4, end - off);
  const bigEndian = ((data[off]! << 24) | (data[off + 1]! << 16) | (data[off + 2]! << 8) | data[off + 3]!) >>> 0;
  let family = bigEndian;
  if (linkType === LinkType.NULL && bigEndian > 0xffff) {
    family = ((data[off + 3]! << 24) | (data[off + 2]! << 16) | (data[off + 1]! << 8) | data[off]!) >>> 0;
  }
  out.offset = off + 4;
  out.networkType = loopbackFamilyToNetworkType(family);
  return DECODED;
}

/** AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS). */
function loopbackFamilyToNetworkType(family: number): number {
  if (family === 2) return ETHERTYPE_IPV4;
  if (family === 24 || family === 28 || family === 30) return ETHERTYPE_IPV6;
  return NETWORK_NOT_IP;
}

function versionToNetworkType(version: number): number {
  if (version === 4) return ETHERTYPE_IPV4;
  if (version === 6) return ETHERTYPE_IPV6;
  return NETWORK_BAD_VERSION;
}

function short(out: LinkLayerScratch, what: string, needed: number, have: number): DecodeStatus {
  out.problem = `${what} needs ${needed} bytes, only ${have} captured`;
  return MALFORMED;
}
