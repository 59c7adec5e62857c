/**
 * ProtocolVersion names (RFC 8446 §4.2.1 and earlier RFCs; drafts of TLS 1.3 used 0x7f00 + draft).
 * Versions have no IANA registry: see versions.data.ts for where each value comes from.
 */
import { hex16 } from './format.js';
import { buildNameMap } from './name-map.js';
import { PROTOCOL_VERSIONS } from './versions.data.js';

const names = buildNameMap([PROTOCOL_VERSIONS], { grease: true });

/** The `version` values of the JSON report. */
export type ReportVersion = 'SSL 3.0' | 'TLS 1.0' | 'TLS 1.1' | 'TLS 1.2' | 'TLS 1.3';

/**
 * The name of a wire version: 0x0303 -> 'TLS 1.2', 0x7f1c -> 'TLS 1.3 (draft 28)',
 * 0xfefd -> 'DTLS 1.2', GREASE -> 'GREASE (0x3a3a)', anything else -> '0x1234'.
 */
export function versionName(code: number): string {
  return names.get(code) ?? hex16(code);
}

/**
 * The report's `version` for a negotiated wire version: SSL 3.0 to TLS 1.3, with the TLS 1.3
 * drafts (0x7f01-0x7f1c, Facebook's 0xfb17 / 0xfb1a) counted as TLS 1.3. Null for SSL 2.0, DTLS,
 * GREASE and unknown values, which the report's enum cannot express.
 */
export function reportVersion(code: number): ReportVersion | null {
  switch (code) {
    case 0x0300:
      return 'SSL 3.0';
    case 0x0301:
      return 'TLS 1.0';
    case 0x0302:
      return 'TLS 1.1';
    case 0x0303:
      return 'TLS 1.2';
    case 0x0304:
    case 0xfb17:
    case 0xfb1a:
      return 'TLS 1.3';
    default:
      return code >= 0x7f01 && code <= 0x7f1c ? 'TLS 1.3' : null;
  }
}
