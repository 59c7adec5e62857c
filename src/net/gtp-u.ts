/** UDP port of GTP-U (3GPP TS 29.281), the user-plane tunnel of mobile networks. */
export const GTP_U_PORT = 2152;

const T_PDU = 0xff;

/**
 * 3GPP TS 29.281 §5.1 GTPv1-U header:
 *   Version:3 PT:1 (spare):1 E:1 S:1 PN:1 | MessageType:8 | Length:16 | TEID:32 |
 *   [SequenceNumber:16 N-PDU:8 NextExtensionHeaderType:8]  (present when E, S or PN is set)
 *   [extension headers: Length:8 (4-octet units) ... NextExtensionHeaderType:8]
 *
 * Returns the absolute offset of the user packet (an IP packet) that a T-PDU carries, or -1
 * when the datagram at `off` is not a GTPv1-U T-PDU or its headers run past `end`.
 */
export function gtpUserPacketOffset(data: Uint8Array, off: number, end: number): number {
  if (end - off < 8) return -1;
  const flags = data[off]!;
  // Version 1, protocol type GTP (not GTP').
  if ((flags & 0xf0) !== 0x30 || data[off + 1] !== T_PDU) return -1;
  let pos = off + 8;
  if ((flags & 0x07) === 0) return pos;
  if (end - pos < 4) return -1;
  let nextExtension = (flags & 0x04) !== 0 ? data[pos + 3]! : 0;
  pos += 4;
  // Each extension header is at least 4 bytes, so the walk is bounded by the datagram.
  while (nextExtension !== 0) {
    if (pos >= end) return -1;
    const length = data[pos]! * 4;
    if (length === 0 || pos + length > end) return -1;
    nextExtension = data[pos + length - 1]!;
    pos += length;
  }
  return pos;
}

/**
 * For a UDP datagram at `off` (header included): the absolute offset of the IPv4/IPv6 packet
 * it carries when it is a GTP-U T-PDU (either port 2152), else -1.
 */
export function gtpInnerPacket(data: Uint8Array, off: number, end: number): number {
  if (end - off < 8) return -1;
  if (((data[off]! << 8) | data[off + 1]!) !== GTP_U_PORT && ((data[off + 2]! << 8) | data[off + 3]!) !== GTP_U_PORT) return -1;
  const inner = gtpUserPacketOffset(data, off + 8, end);
  if (inner < 0 || inner >= end) return -1;
  const version = data[inner]! >> 4;
  return version === 4 || version === 6 ? inner : -1;
}
