import {
  IANA_CIPHER_SUITES,
  OTHER_CIPHER_SUITES,
  cipherSuiteInfo,
  cipherSuiteName,
  cipherSuiteOpenSslName,
  isIanaCipherSuite,
  parseCipherSuiteName,
} from '../../../src/tls/registry/index.js';

describe('cipherSuiteName', () => {
  it('gives the IANA names (RFC 5246, 5289, 7905, 8446 values)', () => {
    expect(cipherSuiteName(0x0000)).toBe('TLS_NULL_WITH_NULL_NULL');
    expect(cipherSuiteName(0x002f)).toBe('TLS_RSA_WITH_AES_128_CBC_SHA');
    expect(cipherSuiteName(0x009c)).toBe('TLS_RSA_WITH_AES_128_GCM_SHA256');
    expect(cipherSuiteName(0x00ff)).toBe('TLS_EMPTY_RENEGOTIATION_INFO_SCSV');
    expect(cipherSuiteName(0x1301)).toBe('TLS_AES_128_GCM_SHA256');
    expect(cipherSuiteName(0x1303)).toBe('TLS_CHACHA20_POLY1305_SHA256');
    expect(cipherSuiteName(0x1306)).toBe('TLS_AEGIS_256_SHA512');
    expect(cipherSuiteName(0x5600)).toBe('TLS_FALLBACK_SCSV');
    expect(cipherSuiteName(0xc02f)).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    expect(cipherSuiteName(0xc0aa)).toBe('TLS_PSK_DHE_WITH_AES_128_CCM_8');
    expect(cipherSuiteName(0xcca8)).toBe('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256');
    expect(cipherSuiteName(0xd005)).toBe('TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256');
  });

  it('covers the whole IANA registry (352 assigned code points)', () => {
    expect(Object.keys(IANA_CIPHER_SUITES)).toHaveLength(352);
    expect(isIanaCipherSuite(0xc02f)).toBe(true);
    expect(isIanaCipherSuite(0x0a0a)).toBe(false);
  });

  it('names unregistered code points real stacks send, and never overrides IANA with them', () => {
    expect(cipherSuiteName(0x0060)).toBe('TLS_RSA_EXPORT1024_WITH_RC4_56_MD5');
    expect(cipherSuiteName(0xcc13)).toBe('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD');
    expect(cipherSuiteName(0xfeff)).toBe('SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA');
    for (const key of Object.keys(OTHER_CIPHER_SUITES)) expect(isIanaCipherSuite(Number(key))).toBe(false);
  });

  it('shows unassigned and reserved values as hex', () => {
    expect(cipherSuiteName(0x1234)).toBe('0x1234');
    expect(cipherSuiteName(0x1300)).toBe('0x1300');
    expect(cipherSuiteName(0xff00)).toBe('0xff00');
    expect(cipherSuiteName(0x0a0b)).toBe('0x0a0b');
  });
});

describe('cipherSuiteOpenSslName', () => {
  it("gives OpenSSL's names, TLS 1.3 suites under their RFC names", () => {
    expect(cipherSuiteOpenSslName(0xc02f)).toBe('ECDHE-RSA-AES128-GCM-SHA256');
    expect(cipherSuiteOpenSslName(0x009e)).toBe('DHE-RSA-AES128-GCM-SHA256');
    expect(cipherSuiteOpenSslName(0x002f)).toBe('AES128-SHA');
    expect(cipherSuiteOpenSslName(0xcca9)).toBe('ECDHE-ECDSA-CHACHA20-POLY1305');
    expect(cipherSuiteOpenSslName(0x1301)).toBe('TLS_AES_128_GCM_SHA256');
  });

  it('is null for suites OpenSSL does not implement, GREASE and unknown codes', () => {
    expect(cipherSuiteOpenSslName(0xc0b4)).toBeNull();
    expect(cipherSuiteOpenSslName(0x0a0a)).toBeNull();
    expect(cipherSuiteOpenSslName(0x1234)).toBeNull();
  });
});

describe('cipherSuiteInfo', () => {
  it('splits a TLS 1.2 ECDHE suite', () => {
    expect(cipherSuiteInfo(0xc02f)).toEqual({
      keyExchange: 'ECDHE', authentication: 'RSA', encryption: 'AES_128_GCM', mac: 'AEAD', tls13: false, insecure: null,
    });
    expect(cipherSuiteInfo(0xc013)).toMatchObject({ keyExchange: 'ECDHE', authentication: 'RSA', encryption: 'AES_128_CBC', mac: 'SHA' });
    expect(cipherSuiteInfo(0x0067)).toMatchObject({ keyExchange: 'DHE', authentication: 'RSA', mac: 'SHA256' });
    expect(cipherSuiteInfo(0xc09c)).toMatchObject({ keyExchange: 'RSA', encryption: 'AES_128_CCM', mac: 'AEAD' });
    expect(cipherSuiteInfo(0x00aa)).toMatchObject({ keyExchange: 'DHE_PSK', authentication: 'PSK' });
  });

  it('marks TLS 1.3 suites, whose key exchange and authentication the suite does not fix', () => {
    expect(cipherSuiteInfo(0x1302)).toEqual({
      keyExchange: 'any', authentication: 'any', encryption: 'AES_256_GCM', mac: 'AEAD', tls13: true, insecure: null,
    });
    expect(cipherSuiteInfo(0x00c6)).toMatchObject({ tls13: true, encryption: 'SM4_GCM' });
    expect(cipherSuiteInfo(0xc103)).toMatchObject({ tls13: true, encryption: 'KUZNYECHIK_MGM_L' });
    expect(cipherSuiteInfo(0xc0b4)).toMatchObject({ tls13: true, encryption: 'NULL', insecure: expect.stringContaining('integrity-only') });
  });

  it('says why weak suites are insecure', () => {
    expect(cipherSuiteInfo(0x0000)!.insecure).toMatch(/NULL cipher/);
    expect(cipherSuiteInfo(0x0002)!.insecure).toBe('no encryption (NULL cipher)');
    expect(cipherSuiteInfo(0x0005)!.insecure).toBe('RC4 is prohibited (RFC 7465)');
    expect(cipherSuiteInfo(0x0003)!.insecure).toBe('export-grade key length (40/56-bit); RC4 is prohibited (RFC 7465)');
    expect(cipherSuiteInfo(0x0009)!.insecure).toBe('single DES (56-bit key)');
    expect(cipherSuiteInfo(0x000a)!.insecure).toBe('64-bit block cipher (Sweet32)');
    expect(cipherSuiteInfo(0x0034)!.insecure).toBe('no authentication (anonymous key exchange)');
    expect(cipherSuiteInfo(0xc018)!.insecure).toBe('no authentication (anonymous key exchange)');
    expect(cipherSuiteInfo(0x0062)!.insecure).toMatch(/^export-grade/);
    expect(cipherSuiteInfo(0x002f)!.insecure).toBeNull();
    expect(cipherSuiteInfo(0xcca8)!.insecure).toBeNull();
  });

  it('parses every IANA suite except the two signalling values', () => {
    const unparsed = Object.entries(IANA_CIPHER_SUITES).filter(([, name]) => parseCipherSuiteName(name) === null);
    expect(unparsed.map(([, name]) => name).sort()).toEqual(['TLS_EMPTY_RENEGOTIATION_INFO_SCSV', 'TLS_FALLBACK_SCSV']);
  });

  it('is null for SCSVs, GREASE and unknown codes, and returns the same object each time', () => {
    expect(cipherSuiteInfo(0x00ff)).toBeNull();
    expect(cipherSuiteInfo(0x5600)).toBeNull();
    expect(cipherSuiteInfo(0x0a0a)).toBeNull();
    expect(cipherSuiteInfo(0x1234)).toBeNull();
    expect(cipherSuiteInfo(0xc02f)).toBe(cipherSuiteInfo(0xc02f));
    expect(Object.isFrozen(cipherSuiteInfo(0xc02f))).toBe(true);
  });

  it('parses the pre-RFC ChaCha20 code points like their RFC 7905 successors', () => {
    expect(cipherSuiteInfo(0xcc13)).toEqual(cipherSuiteInfo(0xcca8));
  });
});
