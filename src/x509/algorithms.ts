/**
 * Algorithm OIDs a certificate can name, with the names OpenSSL prints (so a reader can compare
 * with `openssl x509 -text`) and what the chain checks need to know of them.
 * Sources: RFC 3279, RFC 4055, RFC 5758, RFC 8410.
 */

/** The key family a signature algorithm needs from its issuer's key. */
export type SignatureFamily = 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'unknown';
export type HashName = 'MD2' | 'MD5' | 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512' | null;

export interface SignatureAlgorithmInfo {
  name: string;
  family: SignatureFamily;
  /** null for EdDSA (no separate hash) and for RSA-PSS (the hash is in the parameters). */
  hash: HashName;
}

export const SIGNATURE_ALGORITHMS = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', family: 'RSA', hash: 'MD2' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', family: 'RSA', hash: 'MD5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', family: 'RSA', hash: 'SHA-1' },
  '1.3.14.3.2.29': { name: 'sha1WithRSA', family: 'RSA', hash: 'SHA-1' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', family: 'RSA', hash: 'SHA-224' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', family: 'RSA', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', family: 'RSA', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', family: 'RSA', hash: 'SHA-512' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss', family: 'RSA-PSS', hash: null },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', family: 'EC', hash: 'SHA-1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', family: 'EC', hash: 'SHA-224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', family: 'EC', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', family: 'EC', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', family: 'EC', hash: 'SHA-512' },
  '1.3.101.112': { name: 'ED25519', family: 'Ed25519', hash: null },
  '1.3.101.113': { name: 'ED448', family: 'Ed448', hash: null },
  '1.2.840.10040.4.3': { name: 'dsaWithSHA1', family: 'DSA', hash: 'SHA-1' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa_with_SHA256', family: 'DSA', hash: 'SHA-256' },
} as const satisfies Record<string, SignatureAlgorithmInfo>;

export function signatureAlgorithmInfo(oid: string): SignatureAlgorithmInfo {
  return (SIGNATURE_ALGORITHMS as Record<string, SignatureAlgorithmInfo>)[oid] ?? { name: oid, family: 'unknown', hash: null };
}

export type KeyType = 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'unknown';

/** SubjectPublicKeyInfo algorithm OIDs. RSASSA-PSS keys are RSA keys restricted to PSS. */
export const PUBLIC_KEY_ALGORITHMS: Record<string, { keyType: KeyType; family: SignatureFamily[] }> = {
  '1.2.840.113549.1.1.1': { keyType: 'RSA', family: ['RSA', 'RSA-PSS'] },
  '1.2.840.113549.1.1.10': { keyType: 'RSA', family: ['RSA-PSS'] },
  '1.2.840.10045.2.1': { keyType: 'EC', family: ['EC'] },
  '1.3.101.112': { keyType: 'Ed25519', family: ['Ed25519'] },
  '1.3.101.113': { keyType: 'Ed448', family: ['Ed448'] },
  '1.2.840.10040.4.1': { keyType: 'DSA', family: ['DSA'] },
};

/** Named curves: size in bits and whether WebCrypto can verify with them. */
export const NAMED_CURVES: Record<string, { name: string; bits: number; webCrypto: boolean }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', bits: 256, webCrypto: true },
  '1.3.132.0.34': { name: 'P-384', bits: 384, webCrypto: true },
  '1.3.132.0.35': { name: 'P-521', bits: 521, webCrypto: true },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256, webCrypto: false },
  '1.3.36.3.3.2.8.1.1.7': { name: 'brainpoolP256r1', bits: 256, webCrypto: false },
  '1.3.36.3.3.2.8.1.1.11': { name: 'brainpoolP384r1', bits: 384, webCrypto: false },
  '1.3.36.3.3.2.8.1.1.13': { name: 'brainpoolP512r1', bits: 512, webCrypto: false },
};

/** RFC 5280 §4.2.1.12 and RFC 6960: key purposes, by the names OpenSSL's config uses. */
export const EXTENDED_KEY_USAGES: Record<string, string> = {
  '2.5.29.37.0': 'anyExtendedKeyUsage',
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '1.3.6.1.4.1.311.10.3.3': 'msSGC',
  '2.16.840.1.113730.4.1': 'nsSGC',
};

/** RFC 5280 §4.2.1.3 KeyUsage bits, in bit order (the flag values @peculiar/x509 uses). */
export const KEY_USAGE_BITS: ReadonlyArray<readonly [number, string]> = [
  [1, 'digitalSignature'],
  [2, 'nonRepudiation'],
  [4, 'keyEncipherment'],
  [8, 'dataEncipherment'],
  [16, 'keyAgreement'],
  [32, 'keyCertSign'],
  [64, 'cRLSign'],
  [128, 'encipherOnly'],
  [256, 'decipherOnly'],
];

export const EXTENSION_OIDS = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extendedKeyUsage: '2.5.29.37',
} as const;
