/** Record ContentType names (RFC 8446 §5.1, IANA "TLS ContentType"). */
import { IANA_CONTENT_TYPES, OTHER_CONTENT_TYPES } from './content-types.data.js';
import { hex8 } from './format.js';
import { buildNameMap } from './name-map.js';

const names = buildNameMap([IANA_CONTENT_TYPES, OTHER_CONTENT_TYPES], { grease: false });

/** The name of a record content type: 22 -> 'handshake', 21 -> 'alert', unnamed -> '0x63'. */
export function contentTypeName(type: number): string {
  return names.get(type) ?? hex8(type);
}
