import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { certificateFacts } from '../../src/x509/certificate-facts.js';
import { pemCertificates } from '../../src/x509/trust-store.js';
import type { CertificateFacts } from '../../src/x509/types.js';
import { der, FIXTURES } from './fixture-certificates.js';

function facts(name: string): CertificateFacts {
  const result = certificateFacts(der(name));
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
})();

describe('certificateFacts on the fixture hierarchy', () => {
  it('reads names, serial, validity, SANs and extensions of the RSA server leaf', () => {
    const f = facts('leaf-valid');
    expect(f.subject).toBe('CN=www.example.test,O=TLS Analyzer Fixtures');
    expect(f.issuer).toBe('CN=Fixture Intermediate CA,O=TLS Analyzer Fixtures,C=ZZ');
    expect(f.subjectCommonName).toBe('www.example.test');
    expect(f.notBefore).toBe('2024-01-01T00:00:00.000Z');
    expect(f.notAfter).toBe('2027-01-01T00:00:00.000Z');
    expect(f.sanDns).toEqual(['www.example.test', 'example.test']);
    expect(f.sanIp).toEqual(['127.0.0.1', '::1']);
    expect(f.keyType).toBe('RSA');
    expect(f.keyBits).toBe(2048);
    expect(f.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    expect(f.isCA).toBe(false);
    expect(f.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(f.extendedKeyUsage).toEqual(['serverAuth']);
    expect(f.selfIssued).toBe(false);
    expect(f.authorityKeyId).toBe(facts('intermediate').subjectKeyId);
    expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads CA facts: CA flag, path length, keyCertSign, self-issued root', () => {
    const intermediate = facts('intermediate');
    expect(intermediate.isCA).toBe(true);
    expect(intermediate.pathLength).toBe(0);
    expect(intermediate.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    const root = facts('root');
    expect(root.selfIssued).toBe(true);
    expect(root.pathLength).toBeNull();
    expect(root.authorityKeyId).toBeNull();
  });

  it.each([
    ['leaf-ec', 'EC', 256, 'sha256WithRSAEncryption'],
    ['ec-leaf', 'EC', 256, 'ecdsa-with-SHA384'],
    ['ec-root', 'EC', 384, 'ecdsa-with-SHA384'],
    ['ed-leaf', 'Ed25519', 256, 'ED25519'],
    ['leaf-weak', 'RSA', 1024, 'sha1WithRSAEncryption'],
    ['leaf-pss', 'RSA', 2048, 'rsassaPss'],
  ])('%s has a %s %i-bit key signed with %s', (name, keyType, bits, algorithm) => {
    const f = facts(name);
    expect(f.keyType).toBe(keyType);
    expect(f.keyBits).toBe(bits);
    expect(f.signatureAlgorithm).toBe(algorithm);
  });

  it('has empty SAN lists for a CN-only certificate; names the EKU of a client certificate', () => {
    const f = facts('leaf-cn-only');
    expect(f.sanDns).toEqual([]);
    expect(f.sanIp).toEqual([]);
    expect(f.subjectCommonName).toBe('legacy.example.test');
    expect(facts('leaf-client').extendedKeyUsage).toEqual(['clientAuth']);
  });

  (hasOpenssl ? it : it.skip)('agrees with `openssl x509` on every fixture', () => {
    for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.pem') && f !== 'trusted-roots.pem')) {
      const name = file.replace(/\.pem$/, '');
      const out = execFileSync('openssl', [
        'x509', '-in', path.join(FIXTURES, file), '-noout', '-nameopt', 'RFC2253', '-subject', '-issuer', '-serial',
        '-fingerprint', '-sha256', '-text',
      ]).toString();
      const f = facts(name);
      expect(`subject=${f.subject}`).toBe(/^subject=.*$/m.exec(out)![0]);
      expect(`issuer=${f.issuer}`).toBe(/^issuer=.*$/m.exec(out)![0]);
      expect(f.serialNumber).toBe(/^serial=(.*)$/m.exec(out)![1]!.toLowerCase());
      expect(f.sha256).toBe(/Fingerprint=(.*)$/m.exec(out)![1]!.replace(/:/g, '').toLowerCase());
      expect(f.signatureAlgorithm).toBe(/Signature Algorithm: (\S+)/.exec(out)![1]);
    }
  });
});

describe('certificateFacts on bad input', () => {
  it.each([
    ['empty', new Uint8Array(0)],
    ['random bytes', Uint8Array.from({ length: 300 }, (_, i) => (i * 73 + 11) & 0xff)],
    ['a SEQUENCE of nothing', Uint8Array.from([0x30, 0x00])],
    ['a truncated certificate', der('leaf-valid').subarray(0, 500)],
    ['a certificate with a trailing byte', Uint8Array.from([...der('leaf-valid'), 0])],
    ['a length claiming more bytes than exist', Uint8Array.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x30])],
  ])('answers an error, never throws, for %s', (_label, bytes) => {
    const result = certificateFacts(bytes);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.length).toBeGreaterThan(0);
  });

  it('still parses a certificate whose signature bytes were altered (analyzeChain judges signatures)', () => {
    const tampered = der('leaf-valid').slice();
    tampered[tampered.length - 5] ^= 0xff;
    expect(certificateFacts(tampered).ok).toBe(true);
  });
});

const corpusPem = path.resolve(__dirname, '../../../shared/corpus/wireshark-wiki/rdp-ssl.pcap.gz.cert.pem');
(fs.existsSync(corpusPem) ? describe : describe.skip)('corpus certificate (skipped without /work/shared/corpus)', () => {
  it('parses the RDP server certificate of rdp-ssl.pcap.gz', () => {
    const [first] = pemCertificates(fs.readFileSync(corpusPem, 'utf8'));
    const result = certificateFacts(first!);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.subjectCommonName).toBe('WIN-08Q9KQFPPO6');
    expect(result.value.selfIssued).toBe(true);
    expect(result.value.signatureAlgorithm).toBe('sha1WithRSAEncryption');
    expect(result.value.notBefore).toBe('2010-03-11T23:15:22.000Z');
  });
});
