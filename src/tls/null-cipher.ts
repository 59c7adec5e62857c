/**
 * Records protected by a NULL-encryption cipher suite (TLS_RSA_WITH_NULL_SHA256 and the like):
 * after ChangeCipherSpec their content is in clear, followed by the record MAC.
 *
 * RFC 5246 §6.2.3.1 (the NULL cipher is a stream cipher, RFC 5246 App. C):
 * ```
 *   stream-ciphered struct {
 *       opaque content[TLSCompressed.length];
 *       opaque MAC[SecurityParameters.mac_length];
 *   } GenericStreamCipher;
 * ```
 * No explicit IV and no padding (those belong to block ciphers, §6.2.3.2), and encrypt-then-MAC
 * (RFC 7366) does not apply to stream ciphers, so the layout is the same from SSL 3.0 to TLS 1.2.
 */
import { cipherSuiteInfo } from './registry/index.js';

/** HMAC output length of each MAC of the TLS <= 1.2 suite names (RFC 5246 §6.2.3.1, RFC 5289, RFC 5487). */
const MAC_LENGTH: Readonly<Record<string, number>> = { MD5: 16, SHA: 20, SHA256: 32, SHA384: 48 };

/** RFC 6066 §7: with truncated_hmac negotiated, the MAC is the first 80 bits of the HMAC. */
export const TRUNCATED_HMAC_LENGTH = 10;

/** The negotiated parameters that decide how records after ChangeCipherSpec are laid out. */
export interface NegotiatedProtection {
  /** ServerHello.server_version (0x0300..0x0303 qualify). */
  version: number;
  cipherSuite: number;
  /** ServerHello.compression_method: a compressed plaintext is not readable as is. */
  compressionMethod: number;
  /** The server accepted truncated_hmac (extension 4 in its ServerHello). */
  truncatedHmac: boolean;
}

/**
 * The MAC length that trails every record after ChangeCipherSpec when the negotiated suite does
 * not encrypt, or null when records are really encrypted or their layout is not known for sure:
 * TLS 1.3 (its integrity-only suites still wrap records as TLSInnerPlaintext), SSL 2.0,
 * TLS_NULL_WITH_NULL_NULL, export or GOST suites, MACs other than MD5 / SHA-1 / SHA-2, and a
 * compressed record layer.
 */
export function nullCipherMacLength(p: NegotiatedProtection): number | null {
  if (p.version < 0x0300 || p.version > 0x0303) return null;
  if (p.compressionMethod !== 0) return null;
  const info = cipherSuiteInfo(p.cipherSuite);
  if (!info || info.tls13 || info.encryption !== 'NULL' || info.keyExchange === 'NULL') return null;
  if (info.insecure !== null && /export/i.test(info.insecure)) return null;
  const mac = MAC_LENGTH[info.mac];
  if (mac === undefined) return null;
  return p.truncatedHmac ? TRUNCATED_HMAC_LENGTH : mac;
}
