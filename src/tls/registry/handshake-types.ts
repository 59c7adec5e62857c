/** HandshakeType names (RFC 8446 §4, RFC 5246 §7.4, IANA "TLS HandshakeType"). */
import { hex8 } from './format.js';
import { IANA_HANDSHAKE_TYPES, OTHER_HANDSHAKE_TYPES } from './handshake-types.data.js';
import { buildNameMap } from './name-map.js';

const names = buildNameMap([IANA_HANDSHAKE_TYPES, OTHER_HANDSHAKE_TYPES], { grease: false });

/** The name of a handshake message type: 1 -> 'client_hello', 254 -> 'message_hash', unnamed -> '0x1f'. */
export function handshakeTypeName(type: number): string {
  return names.get(type) ?? hex8(type);
}
