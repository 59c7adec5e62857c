/** Extension names (IANA "TLS ExtensionType Values", RFC 8447 §7, plus code points stacks send unregistered). */
import { IANA_EXTENSION_TYPES, OTHER_EXTENSION_TYPES } from './extension-types.data.js';
import { hex16 } from './format.js';
import { buildNameMap } from './name-map.js';

const names = buildNameMap([IANA_EXTENSION_TYPES, OTHER_EXTENSION_TYPES], { grease: true });

/**
 * The name of an extension type: 0 -> 'server_name', 0xfe0d -> 'encrypted_client_hello',
 * 0x44cd -> 'application_settings', GREASE -> 'GREASE (0x0a0a)', unnamed -> '0x1234'.
 */
export function extensionName(code: number): string {
  return names.get(code) ?? hex16(code);
}
