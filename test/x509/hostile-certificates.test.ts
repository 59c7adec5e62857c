/**
 * Certificates that attack the parser's limits: 10,000 SAN entries (over asn1js's default node
 * budget), DER nested 30,000 levels deep, and certificates @peculiar/x509 refuses whose facts
 * must still come from the project's own DER reader. The hostile certificates are made by
 * openssl through scripts/make-adversarial.ts, as the robustness captures use them.
 */
import { execFileSync } from 'node:child_process';
import { analyzeChain } from '../../src/x509/chain.js';
import { certificateFacts, MAX_SAN_NAMES, parseCertificate, type ParsedCertificate } from '../../src/x509/certificate-facts.js';
import { MAX_CERTIFICATE_DEPTH } from '../../src/x509/certificate-structure.js';
import { decodeTime, offsetBeyondDepth } from '../../src/x509/der.js';
import { TrustStore } from '../../src/x509/trust-store.js';
import { certificateWithManySans, certificateWithNestedExtension, nestedSequences } from '../../scripts/make-adversarial.js';
import { der, pem } from './fixture-certificates.js';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
})();
const withOpenssl = hasOpenssl ? describe : describe.skip;
if (!hasOpenssl) console.warn('hostile certificate tests skipped: openssl is needed to make them');

function parsed(bytes: Uint8Array, maxNodes?: number): ParsedCertificate {
  const p = parseCertificate(bytes, undefined, maxNodes);
  if (typeof p === 'string') throw new Error(p);
  return p;
}

withOpenssl('a certificate with 10,000 subjectAltName entries', () => {
  let manySans: Uint8Array;
  beforeAll(() => {
    manySans = certificateWithManySans(10_000);
  }, 30_000);

  it('is fully parsed: no problem, first names kept in order up to the cap, the rest counted', () => {
    const result = certificateFacts(manySans);
    if (!result.ok) throw new Error(result.error);
    const f = result.value;
    expect(f.problem).toBeUndefined();
    expect(f.subject).toBe('CN=many-sans.test');
    expect(f.keyType).toBe('EC');
    expect(f.keyBits).toBe(256);
    expect(f.sanDns).toHaveLength(MAX_SAN_NAMES);
    expect(f.sanDns.slice(0, 3)).toEqual(['n0.t', 'n1.t', 'n2.t']);
    expect(f.sanDns[MAX_SAN_NAMES - 1]).toBe(`n${MAX_SAN_NAMES - 1}.t`);
    expect(f.sanTruncated).toBe(true);
    expect(f.sanTotal).toBe(10_000);
  });

  it('still matches a host named past the cap, and still refuses one it does not name', async () => {
    const store = TrustStore.fromPem(pem('root'));
    const at = new Date();
    const last = await analyzeChain([manySans], { at, host: 'n9999.t', trustStore: store, purpose: 'server' });
    expect(last.problems.map((p) => p.kind)).not.toContain('hostname-mismatch');
    const other = await analyzeChain([manySans], { at, host: 'victim.test', trustStore: store, purpose: 'server' });
    expect(other.problems.map((p) => p.kind)).toContain('hostname-mismatch');
    // Self-signed and fully parsed: its own signature was checked.
    expect(other.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['self-signed', 'untrusted']));
    expect(other.findings.map((f) => f.kind)).not.toContain('signature-not-verified');
  });
});

withOpenssl('deeply nested DER', () => {
  it('refuses 30,000 nested SEQUENCEs fast with the depth cap as the reason, without recursion', () => {
    const bytes = nestedSequences(30_000);
    const t0 = performance.now();
    const result = certificateFacts(bytes);
    const ms = performance.now() - t0;
    expect(result.ok).toBe(false);
    // The outer levels have 5-byte headers (tag, 0x83, three length bytes).
    if (!result.ok) expect(result.error).toBe(`DER nested more than ${MAX_CERTIFICATE_DEPTH} levels deep (offset ${MAX_CERTIFICATE_DEPTH * 5}): not a certificate`);
    expect(ms).toBeLessThan(200);
  });

  it('parses a signed certificate whose extension value holds 2,000 nested SEQUENCEs (extension values are not walked)', () => {
    const result = certificateFacts(certificateWithNestedExtension(2000));
    if (!result.ok) throw new Error(result.error);
    expect(result.value.subject).toBe('CN=nested.test');
    expect(result.value.sanDns).toEqual(['nested.test']);
    expect(result.value.problem).toBeUndefined();
  });
});

describe('facts of a certificate @peculiar/x509 refuses', () => {
  const names = ['leaf-valid', 'intermediate', 'root', 'leaf-ec', 'ec-root', 'ed-leaf', 'leaf-pss', 'leaf-weak', 'leaf-cn-only', 'leaf-client', 'self-signed'];

  it.each(names)('%s: the DER reader gives the same facts as the full parse, with a problem saying why', (name) => {
    const full = parsed(der(name));
    // A node budget of 50 makes asn1js refuse every real certificate.
    const partial = parsed(der(name), 50);
    expect(full.certificate).not.toBeNull();
    expect(partial.certificate).toBeNull();
    expect(partial.facts.problem).toMatch(/^@peculiar\/x509 refused it \(Maximum ASN\.1 node count exceeded\): facts read by the project's DER reader/);
    const { problem, ...rest } = partial.facts;
    expect(problem).toBeDefined();
    expect(rest).toEqual(full.facts);
    expect([partial.notBefore, partial.notAfter]).toEqual([full.notBefore, full.notAfter]);
    expect([partial.subjectKey, partial.issuerKey]).toEqual([full.subjectKey, full.issuerKey]);
  });
});

describe('DER helpers for hostile input', () => {
  it('offsetBeyondDepth finds the first constructed element past the limit, and skips primitive contents', () => {
    // SEQUENCE { SEQUENCE { SEQUENCE { } } }: depth 3.
    const three = Uint8Array.from([0x30, 0x04, 0x30, 0x02, 0x30, 0x00]);
    expect(offsetBeyondDepth(three, 3)).toBe(-1);
    expect(offsetBeyondDepth(three, 2)).toBe(4);
    // An OCTET STRING holding the same nesting is not entered.
    const wrapped = Uint8Array.from([0x30, 0x08, 0x04, 0x06, ...three]);
    expect(offsetBeyondDepth(wrapped, 1)).toBe(-1);
    // Siblings after a deep branch are back at depth 2.
    const siblings = Uint8Array.from([0x30, 0x06, 0x30, 0x02, 0x30, 0x00, 0x02, 0x00]);
    expect(offsetBeyondDepth(siblings, 3)).toBe(-1);
    expect(offsetBeyondDepth(siblings, 2)).toBe(4);
  });

  it.each([
    [0x17, '240101000000Z', '2024-01-01T00:00:00.000Z'],
    [0x17, '500101000000Z', '1950-01-01T00:00:00.000Z'],
    [0x17, '491231235959Z', '2049-12-31T23:59:59.000Z'],
    [0x18, '20500101000000Z', '2050-01-01T00:00:00.000Z'],
    [0x18, '20240229120000.5Z', '2024-02-29T12:00:00.000Z'],
    [0x17, '2401010000+0100', '2023-12-31T23:00:00.000Z'],
  ])('decodeTime(tag %i, %s) is %s', (tag, text, iso) => {
    expect(decodeTime(tag, new TextEncoder().encode(text))?.toISOString()).toBe(iso);
  });

  it.each([
    [0x17, '241301000000Z'],
    [0x17, '2401010000Z0'],
    [0x18, '240101000000Z'],
    [0x04, '240101000000Z'],
  ])('decodeTime(tag %i, %s) is null', (tag, text) => {
    expect(decodeTime(tag, new TextEncoder().encode(text))).toBeNull();
  });
});
