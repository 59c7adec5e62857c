/** What we know of one certificate, parsed once per distinct DER. */
export interface CertificateFacts {
  /** SHA-256 of the DER, lowercase hex. */
  sha256: string;
  /** RFC 4514-style names, most significant last as OpenSSL prints them reversed: we use "CN=..,O=..,C=.." (leaf RDN first). */
  subject: string;
  issuer: string;
  subjectCommonName: string | null;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** subjectAltName dNSName entries, in order (with sanIp, at most MAX_SAN_NAMES: see sanTruncated). */
  sanDns: string[];
  /** subjectAltName iPAddress entries as text. */
  sanIp: string[];
  /**
   * Present (true) when the certificate has more dNSName + iPAddress entries than the facts keep
   * (MAX_SAN_NAMES, 1,000): sanDns and sanIp hold the first ones in order, sanTotal counts all.
   * Added after the first contract: optional, absent means the lists are complete.
   */
  sanTruncated?: true;
  sanTotal?: number;
  keyType: 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'unknown';
  /** RSA modulus bits, EC curve bits, ... */
  keyBits: number | null;
  /** e.g. "sha256WithRSAEncryption", "ecdsa-with-SHA256". */
  signatureAlgorithm: string;
  isCA: boolean | null;
  pathLength: number | null;
  keyUsage: string[];
  extendedKeyUsage: string[];
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  selfIssued: boolean;
  /**
   * OIDs of extensions present but not decodable (their facts above are then absent/empty, not
   * guessed). Added after the first contract: optional, absent means none.
   */
  unreadableExtensions?: string[];
  /**
   * Present when the facts are partial: @peculiar/x509 refused the certificate, the project's
   * own DER reader gave the fields above, and its signature cannot be checked. Says why.
   * Added after the first contract: optional, absent means a full parse.
   */
  problem?: string;
}
