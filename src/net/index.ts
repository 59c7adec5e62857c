/** The net layer: captured frames down to TCP segments. */
export { PacketDecoder, type DecoderOptions, type DecoderStats } from './packet-decoder.js';
export { LinkType, isKnownLinkType } from './link-layer.js';
export { formatIpv6 } from './ipv6-address.js';
export {
  type TcpSegment, newTcpSegment, ipv4ToString, TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK,
} from './tcp-segment.js';
