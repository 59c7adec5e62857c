/** Named group names (IANA "TLS Supported Groups", RFC 8422 / RFC 7919 / RFC 8446, ML-KEM hybrids). */
import { hex16 } from './format.js';
import { buildNameMap } from './name-map.js';
import { IANA_SUPPORTED_GROUPS, OTHER_SUPPORTED_GROUPS } from './supported-groups.data.js';

const names = buildNameMap([IANA_SUPPORTED_GROUPS, OTHER_SUPPORTED_GROUPS], { grease: true });

/**
 * The name of a supported group / key_share group: 29 -> 'x25519', 0x11ec -> 'X25519MLKEM768',
 * GREASE -> 'GREASE (0x2a2a)', unnamed -> '0x1234'.
 */
export function groupName(code: number): string {
  return names.get(code) ?? hex16(code);
}
