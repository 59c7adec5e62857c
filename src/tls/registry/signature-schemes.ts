/**
 * SignatureScheme names (RFC 8446 §4.2.3, IANA "TLS SignatureScheme"). In TLS 1.2 the same two bytes
 * are a SignatureAndHashAlgorithm (RFC 5246 §7.4.1.4.1: hash byte, then signature byte); the pairs the
 * SignatureScheme registry only marks "Reserved for backward compatibility" are named
 * `<signature>_<hash>` from the HashAlgorithm / SignatureAlgorithm registries, the way IANA itself
 * named 0x0201 rsa_pkcs1_sha1 and 0x0203 ecdsa_sha1: 0x0101 -> 'rsa_pkcs1_md5', 0x0402 -> 'dsa_sha256'.
 */
import { hex16 } from './format.js';
import { buildNameMap } from './name-map.js';
import {
  HASH_ALGORITHMS,
  IANA_SIGNATURE_SCHEMES,
  OTHER_SIGNATURE_SCHEMES,
  SIGNATURE_ALGORITHMS,
} from './signature-schemes.data.js';

function legacyPairs(): Record<number, string> {
  const pairs: Record<number, string> = {};
  for (const [hashKey, hash] of Object.entries(HASH_ALGORITHMS)) {
    for (const [sigKey, sig] of Object.entries(SIGNATURE_ALGORITHMS)) {
      const code = (Number(hashKey) << 8) | Number(sigKey);
      const signature = sig === 'rsa' ? 'rsa_pkcs1' : sig;
      // "intrinsic" (8): the signature algorithm hashes by itself (Ed25519, GOST R 34.10-2012).
      pairs[code] = hash === 'intrinsic' ? signature : `${signature}_${hash}`;
    }
  }
  return pairs;
}

const names = buildNameMap([IANA_SIGNATURE_SCHEMES, OTHER_SIGNATURE_SCHEMES, legacyPairs()], { grease: true });

/**
 * The name of a SignatureScheme / TLS 1.2 SignatureAndHashAlgorithm: 0x0804 -> 'rsa_pss_rsae_sha256',
 * 0x0201 -> 'rsa_pkcs1_sha1', 0x0101 -> 'rsa_pkcs1_md5', GREASE -> 'GREASE (0x0a0a)', unnamed -> '0x1234'.
 */
export function signatureSchemeName(code: number): string {
  return names.get(code) ?? hex16(code);
}
