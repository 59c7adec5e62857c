/**
 * Deciding which end of a connection is the client when the capture holds no SYN or SYN-ACK:
 * first from the first payload (TLS and SSLv2 hellos say who speaks first), then from ports.
 */

/** What a payload says about its sender. */
export type PayloadRole = 'client' | 'server' | null;

/**
 * Looks at the start of a payload for a hello whose sender role is certain:
 *  - TLS record `16 03 0x len:2` carrying handshake type 1 (ClientHello) or 2 (ServerHello)
 *    (RFC 8446 §5.1 TLSPlaintext, §4 Handshake);
 *  - SSLv2 CLIENT-HELLO: 2-byte header with the high bit set, message type 1, then version
 *    0x0002 or 0x03xx (the SSLv2-compatible hello of RFC 6101 Appendix E.1).
 * Anything else gives null: a wrong guess here would swap a connection's directions.
 */
export function roleFromPayload(data: Uint8Array, offset: number, length: number): PayloadRole {
  if (length >= 6 && data[offset] === 0x16 && data[offset + 1] === 0x03 && data[offset + 2]! <= 0x04) {
    const type = data[offset + 5];
    if (type === 1) return 'client';
    if (type === 2) return 'server';
    return null;
  }
  if (length >= 5 && (data[offset]! & 0x80) !== 0 && data[offset + 2] === 0x01) {
    const major = data[offset + 3];
    const minor = data[offset + 4];
    if ((major === 0x00 && minor === 0x02) || major === 0x03) return 'client';
  }
  return null;
}

/**
 * Ports that are servers' by convention: IANA system ports (below 1024) and the usual TLS
 * ports above it (8443 HTTPS alt, 5223 XMPP/APNs, 5061 SIPS, 6697 IRC over TLS, 853 DoT is
 * already a system port, 3269 LDAPS GC, 8883 MQTTS, 5671 AMQPS, 9443, 10443, 4433 s_server).
 */
const TLS_SERVER_PORTS = new Set([8443, 5223, 5061, 6697, 3269, 8883, 5671, 9443, 10443, 4433, 2376, 6443]);

/** True when a port is a server's by convention. */
export function isServerPort(port: number): boolean {
  return port < 1024 || TLS_SERVER_PORTS.has(port);
}

/**
 * Which of two endpoints is the server, by ports only: the one whose port is a server port
 * when only one is; else the lower port (ephemeral ports are high). Returns 'a' or 'b'; on
 * equal ports 'b' (the receiver of the first packet seen).
 */
export function serverByPorts(portA: number, portB: number): 'a' | 'b' {
  const a = isServerPort(portA);
  const b = isServerPort(portB);
  if (a !== b) return a ? 'a' : 'b';
  return portA < portB ? 'a' : 'b';
}
