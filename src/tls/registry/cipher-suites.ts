/**
 * Cipher suite names: IANA "TLS Cipher Suites" (RFC 8447 §8), then code points IANA never assigned
 * but real stacks send (EXPORT1024, pre-RFC ChaCha20, GOST, GM/T SM...), then GREASE, then hex.
 */
import { IANA_CIPHER_SUITES, OPENSSL_CIPHER_SUITES, OTHER_CIPHER_SUITES } from './cipher-suites.data.js';
import { hex16 } from './format.js';
import { buildNameMap } from './name-map.js';

const names = buildNameMap([IANA_CIPHER_SUITES, OTHER_CIPHER_SUITES], { grease: true });
const openSslNames = buildNameMap([OPENSSL_CIPHER_SUITES], { grease: false });

/**
 * The IANA name of a cipher suite, e.g. 0xc02f -> 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'.
 * GREASE -> 'GREASE (0x0a0a)'; a code point nobody names -> its hex form, '0x1234'.
 */
export function cipherSuiteName(code: number): string {
  return names.get(code) ?? hex16(code);
}

/** True when IANA assigns this code point (SCSVs included, GREASE excluded). */
export function isIanaCipherSuite(code: number): boolean {
  return Object.prototype.hasOwnProperty.call(IANA_CIPHER_SUITES, code);
}

/**
 * The name OpenSSL gives this suite (`openssl ciphers`), e.g. 0xc02f -> 'ECDHE-RSA-AES128-GCM-SHA256',
 * 0x1301 -> 'TLS_AES_128_GCM_SHA256'; null when the OpenSSL build the table was made from
 * (see cipher-suites.data.ts) does not implement the suite.
 */
export function cipherSuiteOpenSslName(code: number): string | null {
  return openSslNames.get(code) ?? null;
}
