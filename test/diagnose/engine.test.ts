/**
 * The engine end to end on models: real certificates (test/fixtures/x509, made by openssl) are
 * judged by analyzeChain at the capture time of their Certificate message, not today's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diagnoseConnection, outcomeOf } from '../../src/diagnose/engine.js';
import type { PeerFacts } from '../../src/diagnose/peer-facts.js';
import { certificateUntrustedRule } from '../../src/diagnose/rules/certificate-untrusted.js';
import { analyzeChain } from '../../src/x509/index.js';
import { pemCertificates, TrustStore, CertificateCache } from '../../src/x509/index.js';
import { ModelBuilder } from './model-builder.js';

const fixtures = path.resolve(__dirname, '../fixtures/x509');
const pem = (name: string): Uint8Array => pemCertificates(fs.readFileSync(path.join(fixtures, name), 'utf8'))[0]!;
const trustStore = TrustStore.fromPem(fs.readFileSync(path.join(fixtures, 'trusted-roots.pem'), 'utf8'));

/** TLS 1.2 server flight, then the client's alert; `at` is seconds since the epoch of the capture. */
function rejected(chain: Uint8Array[], alert: number, sni: string | null, at: number) {
  return new ModelBuilder()
    .clientHello(4, 0, { sni })
    .serverHello(6, 0.01)
    .certificate('server', 7, 0.01, chain)
    .message('server', 7, 0.01, 14, 4)
    .alert('client', 9, 0.02, 2, alert)
    .fin('client', 10, 0.02)
    .with((m) => {
      // Shift the whole connection to the wanted capture time.
      const shift = at - m.tcp.firstTsSec;
      for (const s of [m.clientHello!, m.serverHello!, ...m.certificates, ...m.messages, ...m.alerts, ...m.tcp.closes]) s.tsSec += shift;
    })
    .build();
}

const JAN_2025 = Date.UTC(2025, 0, 15) / 1000;
const JAN_2020 = Date.UTC(2020, 0, 15) / 1000;

describe('diagnoseConnection', () => {
  test('an expired leaf with its intermediate, refused with certificate_expired, is certificate-expired (high)', async () => {
    const d = await diagnoseConnection(rejected([pem('leaf-expired.pem'), pem('intermediate.pem')], 45, 'expired.example.test', JAN_2025), { trustStore, cache: new CertificateCache() });
    expect(d).toMatchObject({ cause: 'certificate-expired', confidence: 'high', abortedBy: 'client' });
    expect(d.summary).toMatch(/2021-07-01/);
  });

  test('the same certificate judged in 2020 (inside its window) is not called expired', async () => {
    const d = await diagnoseConnection(rejected([pem('leaf-expired.pem'), pem('intermediate.pem')], 45, 'expired.example.test', Date.UTC(2020, 9, 1) / 1000), { trustStore });
    expect(d.cause).toBe('certificate-expired');
    expect(d.confidence).toBe('medium');
    expect(d.summary).toMatch(/clock/);
  });

  test('a leaf sent without its intermediate and refused with unknown_ca is certificate-chain-incomplete', async () => {
    const d = await diagnoseConnection(rejected([pem('leaf-valid.pem')], 48, 'www.example.test', JAN_2025), { trustStore });
    expect(d).toMatchObject({ cause: 'certificate-chain-incomplete', confidence: 'high' });
    expect(d.remediation.find((r) => r.side === 'server')!.text).toMatch(/intermediate/);
  });

  test('a valid chain refused with bad_certificate for another name is certificate-hostname-mismatch, using --host when there is no SNI', async () => {
    const conn = rejected([pem('leaf-valid.pem'), pem('intermediate.pem')], 42, null, JAN_2025);
    const d = await diagnoseConnection(conn, { trustStore, expectedHost: 'api.example.test' });
    expect(d).toMatchObject({ cause: 'certificate-hostname-mismatch', confidence: 'high' });
    expect(d.summary).toMatch(/api\.example\.test/);
    expect(d.remediation.some((r) => /server_name/.test(r.text))).toBe(true);
  });

  test('a self-signed certificate refused with unknown_ca is certificate-untrusted', async () => {
    const d = await diagnoseConnection(rejected([pem('self-signed.pem')], 48, null, JAN_2025), { trustStore });
    expect(d).toMatchObject({ cause: 'certificate-untrusted', confidence: 'high' });
  });

  test('before its notBefore a leaf is certificate-not-yet-valid', async () => {
    const d = await diagnoseConnection(rejected([pem('leaf-valid.pem'), pem('intermediate.pem')], 42, 'www.example.test', JAN_2020), { trustStore });
    expect(d.cause).toBe('certificate-not-yet-valid');
  });

  test('a self-signed certificate another client used: untrusted one step weaker, its why names that connection', async () => {
    const chain = [pem('self-signed.pem')];
    const conn = rejected(chain, 48, null, JAN_2025);
    const serverChain = await analyzeChain(chain, { at: new Date(JAN_2025 * 1000), trustStore, purpose: 'server' });
    const peer: PeerFacts = {
      id: 41,
      clientIp: '192.0.2.77',
      accepted: { frame: 3, version: 0x0303, suite: 0xc02f },
      sni: null,
      helloFrame: 2,
      serverChain: chain.map((d) => d.slice()),
      serverChainSeen: { frame: 4, tsSec: JAN_2025, tsNsec: 0 },
      clientUsedIt: true,
    };
    const found = certificateUntrustedRule.evaluate({
      conn,
      outcome: outcomeOf(conn),
      serverChain,
      clientChain: null,
      host: null,
      peers: [peer],
      serverChainSource: { connectionId: conn.tcp.id, frame: 7, borrowed: false },
    });
    expect(found.map((h) => [h.cause, h.confidence])).toEqual([
      ['certificate-untrusted', 'medium'],
      ['certificate-untrusted', 'medium'],
    ]);
    for (const h of found) expect(h.why).toMatch(/; another client \(connection 41\) used the same certificate, so the CA may be trusted there$/);
    // The texts are written on demand, and then the same on every read.
    expect(found[0]!.summary).toMatch(/self-signed certificate/);
    expect(found[0]!.evidence.map((e) => e.frame)).toEqual([7, 9]);
    expect(found[0]!.evidence).toBe(found[0]!.evidence);
    expect(found[0]!.remediation.map((r) => r.side)).toEqual(['server', 'client']);
  });
});
