import * as fs from 'node:fs';
import * as path from 'node:path';
import { rootCertificates } from 'node:tls';
import { TrustStore, pemCertificates } from '../../src/x509/trust-store.js';
import { certificateFacts, parseCertificate, type ParsedCertificate } from '../../src/x509/certificate-facts.js';
import { readCertificateStructure } from '../../src/x509/certificate-structure.js';
import { nameKeyOfDer } from '../../src/x509/name-key-der.js';
import { der, pem, FIXTURES } from './fixture-certificates.js';

function parsed(bytes: Uint8Array): ParsedCertificate {
  const p = parseCertificate(bytes);
  if (typeof p === 'string') throw new Error(p);
  return p;
}

/** Every certificate the tests have at hand: Node's roots, the x509 fixtures, the samples' PKI. */
function everyCertificate(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const push = (text: string): void => {
    for (const d of pemCertificates(text)) if (d) out.push(d);
  };
  push(rootCertificates.join('\n'));
  for (const dir of [FIXTURES, path.resolve(__dirname, '../../samples/pki')]) {
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.pem')) push(fs.readFileSync(path.join(dir, f), 'utf8'));
  }
  return out;
}

describe('TrustStore', () => {
  it('loads every CERTIFICATE block of a PEM bundle', () => {
    const store = TrustStore.fromPem(pem('trusted-roots'));
    expect(store.size).toBe(3);
    expect(store.rejected).toEqual([]);
    expect(store.subjects()).toContain('CN=Fixture Root CA,O=TLS Analyzer Fixtures,C=ZZ');
    const root = certificateFacts(der('root'));
    expect(root.ok && store.has(root.value.sha256)).toBe(true);
  });

  it('ignores keys and text between blocks, counts duplicates once, reports broken blocks', () => {
    const text = [
      'some heading', pem('root'), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', pem('root'),
      '-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----',
      '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----',
    ].join('\n');
    const store = TrustStore.fromPem(text);
    expect(store.size).toBe(1);
    expect(store.rejected.map((r) => r.index)).toEqual([2, 3]);
  });

  it('looks anchors up by subject name and key id', () => {
    const store = TrustStore.fromPem(pem('trusted-roots'));
    const root = TrustStore.fromDer([der('root')]);
    expect(root.size).toBe(1);
    const facts = certificateFacts(der('intermediate'));
    if (!facts.ok) throw new Error(facts.error);
    expect(store.withKeyId(facts.value.authorityKeyId!)).toHaveLength(1);
  });

  it('has Node bundled roots by default, parsed once', () => {
    const store = TrustStore.nodeDefault();
    expect(store.size).toBeGreaterThan(100);
    expect(store.rejected).toEqual([]);
    expect(TrustStore.nodeDefault()).toBe(store);
  });

  it('indexes Node roots without parsing any, and parses only the anchors a lookup returns', () => {
    const store = TrustStore.fromPem(rootCertificates.join('\n'));
    expect(store.parsedCount).toBe(0);
    const first = parsed(pemCertificates(rootCertificates[0]!)[0]!);
    const found = store.withSubject(first.subjectKey);
    expect(found.map((a) => a.facts.sha256)).toContain(first.facts.sha256);
    expect(store.parsedCount).toBe(found.length);
    expect(store.withSubject('no such name')).toEqual([]);
    expect(store.parsedCount).toBe(found.length);
  });

  it('files every Node root under the subject and key id keys its full parse gives', () => {
    const store = TrustStore.fromPem(rootCertificates.join('\n'));
    for (const text of rootCertificates) {
      const root = parsed(pemCertificates(text)[0]!);
      expect(store.has(root.facts.sha256)).toBe(true);
      expect(store.withSubject(root.subjectKey).map((a) => a.facts.sha256)).toContain(root.facts.sha256);
      if (root.facts.subjectKeyId) expect(store.withKeyId(root.facts.subjectKeyId).map((a) => a.facts.sha256)).toContain(root.facts.sha256);
      expect(store.anchor(root.facts.sha256)?.facts).toEqual(root.facts);
    }
  });

  it('lists the same anchors, in the same order, for a lazy and an eagerly parsed key', () => {
    // The lazy index and a full parse must agree on every anchor: same subjects, same order.
    const store = TrustStore.fromPem(rootCertificates.join('\n'));
    const eager = rootCertificates.map((t) => parsed(pemCertificates(t)[0]!));
    expect(store.subjects()).toEqual([...new Map(eager.map((e) => [e.facts.sha256, e.facts.subject])).values()]);
  });

  it('reads the same name key from the DER as from @peculiar/x509, or declines', () => {
    let read = 0;
    let declined = 0;
    for (const bytes of everyCertificate()) {
      const structure = readCertificateStructure(bytes);
      if (typeof structure === 'string') throw new Error(structure);
      const p = parsed(bytes);
      for (const [element, key] of [[structure.fields.subject, p.subjectKey], [structure.fields.issuer, p.issuerKey]] as const) {
        const fromDer = nameKeyOfDer(bytes, element);
        if (fromDer === null) declined++;
        else {
          read++;
          expect(fromDer).toBe(key);
        }
      }
    }
    expect(read).toBeGreaterThan(250);
    // Names of BMPString values and the like are left to the full parse; Node's roots have few.
    expect(declined).toBeLessThan(read / 10);
  });

  it('declines names it cannot decode exactly as the library would', () => {
    // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, BMPString "A" } } }
    const bmp = Uint8Array.from([0x30, 0x0d, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x1e, 0x02, 0x00, 0x41]);
    expect(nameKeyOfDer(bmp, { tag: 0x30, start: 0, valueStart: 2, end: bmp.length })).toBeNull();
    // The same with a UTF8String that is not UTF-8.
    const badUtf8 = Uint8Array.from([0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, 0xff]);
    expect(nameKeyOfDer(badUtf8, { tag: 0x30, start: 0, valueStart: 2, end: badUtf8.length })).toBeNull();
    const good = Uint8Array.from([0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x03, 0x20, 0x41, 0x42]);
    expect(nameKeyOfDer(good, { tag: 0x30, start: 0, valueStart: 2, end: good.length })).toBe('[["cn=ab"]]');
  });

  it('can trust nothing', () => {
    expect(TrustStore.empty().size).toBe(0);
  });
});
