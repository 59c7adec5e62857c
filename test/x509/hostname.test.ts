import { matchHostname } from '../../src/x509/hostname.js';
import type { CertificateFacts } from '../../src/x509/types.js';
import { certificateFacts } from '../../src/x509/certificate-facts.js';
import { der } from './fixture-certificates.js';

function cert(sanDns: string[], sanIp: string[] = [], cn: string | null = null): CertificateFacts {
  return {
    sha256: '', subject: cn ? `CN=${cn}` : '', issuer: '', subjectCommonName: cn, serialNumber: '01',
    notBefore: '', notAfter: '', sanDns, sanIp, keyType: 'RSA', keyBits: 2048,
    signatureAlgorithm: 'sha256WithRSAEncryption', isCA: false, pathLength: null, keyUsage: [],
    extendedKeyUsage: [], subjectKeyId: null, authorityKeyId: null, selfIssued: false,
  };
}

describe('matchHostname (RFC 9525, browser wildcard rules)', () => {
  it.each<[string, string, CertificateFacts, boolean, string | null]>([
    ['exact SAN', 'www.example.com', cert(['www.example.com']), true, 'www.example.com'],
    ['case-insensitive', 'WWW.Example.COM', cert(['www.example.com']), true, 'www.example.com'],
    ['SAN in upper case', 'www.example.com', cert(['WWW.EXAMPLE.COM']), true, 'WWW.EXAMPLE.COM'],
    ['trailing dot on the host', 'www.example.com.', cert(['www.example.com']), true, 'www.example.com'],
    ['trailing dot on the SAN', 'www.example.com', cert(['www.example.com.']), true, 'www.example.com.'],
    ['second SAN', 'api.example.com', cert(['www.example.com', 'api.example.com']), true, 'api.example.com'],
    ['different name', 'mail.example.com', cert(['www.example.com']), false, null],
    ['wildcard, one label', 'a.example.com', cert(['*.example.com']), true, '*.example.com'],
    ['wildcard does not span two labels', 'a.b.example.com', cert(['*.example.com']), false, null],
    ['wildcard does not match the bare domain', 'example.com', cert(['*.example.com']), false, null],
    ['partial-label wildcard refused', 'foo.example.com', cert(['f*.example.com']), false, null],
    ['suffix partial wildcard refused', 'foo.example.com', cert(['*o.example.com']), false, null],
    ['wildcard not left-most refused', 'www.a.example.com', cert(['www.*.example.com']), false, null],
    ['wildcard over a TLD refused', 'example.com', cert(['*.com']), false, null],
    ['A-labels compared as-is', 'xn--bcher-kva.example', cert(['xn--bcher-kva.example']), true, 'xn--bcher-kva.example'],
    ['wildcard over an A-label', 'xn--bcher-kva.example.com', cert(['*.example.com']), true, '*.example.com'],
    ['CN used when there is no dNSName SAN', 'legacy.example.com', cert([], [], 'legacy.example.com'), true, 'legacy.example.com'],
    ['CN ignored when a dNSName SAN exists', 'legacy.example.com', cert(['www.example.com'], [], 'legacy.example.com'), false, null],
    ['CN ignored when there is no SAN and no CN', 'x.example.com', cert([]), false, null],
    ['IPv4 host against an IP SAN', '127.0.0.1', cert(['localhost'], ['127.0.0.1']), true, '127.0.0.1'],
    ['IPv4 host never against a dNSName', '10.0.0.1', cert(['10.0.0.1']), false, null],
    ['IPv4 host never against the CN', '10.0.0.1', cert([], [], '10.0.0.1'), false, null],
    ['IPv6 host in another spelling', '0:0:0:0:0:0:0:1', cert([], ['::1']), true, '::1'],
    ['bracketed IPv6 host', '[2001:db8::1]', cert([], ['2001:db8::1']), true, '2001:db8::1'],
    ['IPv6 host not listed', '2001:db8::2', cert([], ['2001:db8::1']), false, null],
    ['empty host', '', cert(['www.example.com']), false, null],
  ])('%s: %s', (_label, host, facts, matches, matchedName) => {
    const result = matchHostname(host, facts);
    expect(result.matches).toBe(matches);
    expect(result.matchedName).toBe(matchedName);
    expect(result.reason.length).toBeGreaterThan(0);
  });

  it('explains a mismatch by listing the names the certificate has', () => {
    const result = matchHostname('mail.example.com', cert(['www.example.com', 'example.com']));
    expect(result.reason).toContain('www.example.com, example.com');
  });

  it('works on a real certificate: wildcard fixture and SAN IPs of the valid leaf', () => {
    const wildcard = certificateFacts(der('leaf-wildcard'));
    const valid = certificateFacts(der('leaf-valid'));
    if (!wildcard.ok || !valid.ok) throw new Error('fixtures do not parse');
    expect(matchHostname('api.wild.example.test', wildcard.value).matches).toBe(true);
    expect(matchHostname('wild.example.test', wildcard.value).matches).toBe(false);
    expect(matchHostname('::1', valid.value).matches).toBe(true);
    expect(matchHostname('127.0.0.2', valid.value).matches).toBe(false);
  });
});
