/**
 * What a cipher suite's name says about it, for the diagnosis ("the only suite both sides share is
 * RC4") and the text report. Parsed from the names, which follow one grammar:
 *   TLS 1.2 and earlier: TLS_<kx>[_<auth>][_EXPORT[1024]]_WITH_<cipher>_<mac>   (RFC 5246 App. A.5)
 *   TLS 1.3:             TLS_<AEAD>_<HKDF hash>                                  (RFC 8446 §B.4)
 */
import { IANA_CIPHER_SUITES, OTHER_CIPHER_SUITES } from './cipher-suites.data.js';

/** The parts of a cipher suite, as named in its IANA name. */
export interface CipherSuiteInfo {
  /** 'ECDHE', 'DHE', 'RSA', 'PSK', 'ECDHE_PSK', 'ECDH', 'DH', 'SRP', 'KRB5', ...; 'any' for TLS 1.3 (key_share decides). */
  keyExchange: string;
  /** 'RSA', 'ECDSA', 'DSS', 'PSK', 'anon', ...; 'any' for TLS 1.3 (the certificate decides). */
  authentication: string;
  /** Bulk cipher as in the name: 'AES_128_GCM', '3DES_EDE_CBC', 'CHACHA20_POLY1305', 'NULL', ... */
  encryption: string;
  /** 'SHA', 'SHA256', 'MD5', ...; 'AEAD' when the cipher authenticates (GCM, CCM, ChaCha20-Poly1305, MGM). */
  mac: string;
  /** True for suites that only TLS 1.3 negotiates. */
  tls13: boolean;
  /** Why the suite must not be used (NULL, anonymous, EXPORT, RC4, DES, 3DES/64-bit blocks...), or null. */
  insecure: string | null;
}

const TLS13_AEAD = /^TLS_(AES_128_GCM|AES_256_GCM|CHACHA20_POLY1305|AES_128_CCM|AES_128_CCM_8|AEGIS_256|AEGIS_128L|SM4_GCM|SM4_CCM)_(SHA256|SHA384|SHA512|SM3)$/;
// RFC 9150: TLS 1.3 integrity-only suites, TLS_SHA256_SHA256 / TLS_SHA384_SHA384.
const TLS13_INTEGRITY_ONLY = /^TLS_(SHA256|SHA384)_\1$/;
// RFC 9367: the GOST TLS 1.3 suites keep a _WITH_ but have no key exchange of their own.
const TLS13_GOST = /^TLS_GOSTR341112_256_WITH_(KUZNYECHIK|MAGMA)_MGM_[LS]$/;
const MAC_TOKENS = new Set(['NULL', 'MD5', 'SHA', 'SHA1', 'SHA256', 'SHA384', 'SHA512', 'SM3', 'IMIT', 'OMAC', 'GOSTR3411']);
const AEAD = /(GCM|CCM|CCM_8|POLY1305|MGM_[LS])$/;

// Key exchange part (before _WITH_, EXPORT marker removed) -> [key exchange, authentication].
const KX: Readonly<Record<string, readonly [string, string]>> = {
  NULL: ['NULL', 'NULL'],
  RSA: ['RSA', 'RSA'],
  RSA_FIPS: ['RSA', 'RSA'],
  DH_DSS: ['DH', 'DSS'],
  DH_RSA: ['DH', 'RSA'],
  DHE_DSS: ['DHE', 'DSS'],
  DHE_RSA: ['DHE', 'RSA'],
  DH_anon: ['DH', 'anon'],
  ECDH_ECDSA: ['ECDH', 'ECDSA'],
  ECDH_RSA: ['ECDH', 'RSA'],
  ECDHE_ECDSA: ['ECDHE', 'ECDSA'],
  ECDHE_RSA: ['ECDHE', 'RSA'],
  ECDH_anon: ['ECDH', 'anon'],
  PSK: ['PSK', 'PSK'],
  // RFC 4279 §3-4 / RFC 5489: the PSK is mixed with a (EC)DHE share or an RSA-encrypted secret; with
  // RSA_PSK the server also authenticates with its RSA certificate.
  DHE_PSK: ['DHE_PSK', 'PSK'],
  PSK_DHE: ['DHE_PSK', 'PSK'],
  RSA_PSK: ['RSA_PSK', 'RSA'],
  ECDHE_PSK: ['ECDHE_PSK', 'PSK'],
  KRB5: ['KRB5', 'KRB5'],
  SRP_SHA: ['SRP', 'SRP'],
  SRP_SHA_RSA: ['SRP', 'RSA'],
  SRP_SHA_DSS: ['SRP', 'DSS'],
  ECCPWD: ['ECCPWD', 'ECCPWD'],
  ECJPAKE: ['ECJPAKE', 'ECJPAKE'],
  FORTEZZA_KEA: ['FORTEZZA_KEA', 'FORTEZZA_KEA'],
  GOSTR341112_256: ['GOSTR341112_256', 'GOSTR341112_256'],
  GOSTR341094: ['GOSTR341094', 'GOSTR341094'],
  GOSTR341001: ['GOSTR341001', 'GOSTR341001'],
};

/** Parses one suite name; null for SCSVs and names outside the grammar (e.g. GM/T 'ECC_SM4_CBC_SM3'). */
export function parseCipherSuiteName(name: string): CipherSuiteInfo | null {
  const aead13 = TLS13_AEAD.exec(name);
  if (aead13) {
    return { keyExchange: 'any', authentication: 'any', encryption: aead13[1]!, mac: 'AEAD', tls13: true, insecure: null };
  }
  const integrityOnly = TLS13_INTEGRITY_ONLY.exec(name);
  if (integrityOnly) {
    return {
      keyExchange: 'any',
      authentication: 'any',
      encryption: 'NULL',
      mac: integrityOnly[1]!,
      tls13: true,
      insecure: 'no encryption: integrity-only suite (RFC 9150)',
    };
  }
  // Pre-RFC 7905 ChaCha20 code points carry the RFC name plus '_OLD' (BoringSSL's naming).
  const m = /^(?:TLS|SSL)_(.+?)_WITH_(.+?)(?:_OLD)?$/.exec(name);
  if (!m) return null;
  let kxPart = m[1]!;
  const export_ = /_EXPORT(1024)?$/.exec(kxPart);
  if (export_) kxPart = kxPart.slice(0, export_.index);
  const kx = KX[kxPart];
  if (!kx) return null;

  const rest = m[2]!;
  let encryption: string;
  let mac: string;
  const tokens = rest.split('_');
  const last = tokens[tokens.length - 1]!;
  if (AEAD.test(rest)) {
    encryption = rest;
    mac = 'AEAD';
  } else if (MAC_TOKENS.has(last) && tokens.length > 1) {
    encryption = tokens.slice(0, -1).join('_');
    // AEAD suites of TLS 1.2 end in the PRF hash (…_GCM_SHA256): the AEAD authenticates.
    mac = AEAD.test(encryption) ? 'AEAD' : last;
  } else {
    return null;
  }
  // Names like TLS_GOSTR341112_256_WITH_28147_CNT_IMIT put the MAC in the last token alone.
  const tls13 = TLS13_GOST.test(name);
  return {
    keyExchange: tls13 ? 'any' : kx[0],
    authentication: tls13 ? 'any' : kx[1],
    encryption,
    mac,
    tls13,
    insecure: insecurity(kx, export_ !== null, encryption),
  };
}

/** Reasons from RFC 7525 / RFC 9325 §4.1 (NULL, anon, EXPORT, RC4 per RFC 7465, DES, 64-bit blocks). */
function insecurity(kx: readonly [string, string], exportGrade: boolean, encryption: string): string | null {
  const reasons: string[] = [];
  if (encryption === 'NULL') reasons.push('no encryption (NULL cipher)');
  if (kx[1] === 'anon') reasons.push('no authentication (anonymous key exchange)');
  if (kx[0] === 'NULL') reasons.push('no key exchange');
  if (exportGrade || /(^|_)(DES40|RC4_40|RC2_CBC_40|DES_CBC_40|RC4_56|RC2_CBC_56)(_|$)/.test(encryption)) {
    reasons.push('export-grade key length (40/56-bit)');
  }
  if (/^RC4_/.test(encryption)) reasons.push('RC4 is prohibited (RFC 7465)');
  if (/^(DES|DES40)_CBC/.test(encryption)) reasons.push('single DES (56-bit key)');
  if (/^(3DES_EDE_CBC|IDEA_CBC|RC2_CBC)/.test(encryption)) reasons.push('64-bit block cipher (Sweet32)');
  return reasons.length > 0 ? reasons.join('; ') : null;
}

let infoByCode: Map<number, CipherSuiteInfo | null> | undefined;

/**
 * The key exchange, authentication, cipher, MAC and weakness of a cipher suite, parsed from its name
 * (IANA, or the deployed name for non-IANA code points). Null for SCSVs, GREASE and unknown codes.
 */
export function cipherSuiteInfo(code: number): CipherSuiteInfo | null {
  if (!infoByCode) {
    // Parsed once for all ~420 named suites on first use: later calls are a map lookup.
    infoByCode = new Map();
    for (const table of [OTHER_CIPHER_SUITES, IANA_CIPHER_SUITES] as const) {
      for (const [key, name] of Object.entries(table)) {
        const info = parseCipherSuiteName(name);
        infoByCode.set(Number(key), info ? Object.freeze(info) : null);
      }
    }
  }
  return infoByCode.get(code) ?? null;
}
