/**
 * The client turning the server certificate down. Sequences mirror ja4/badcurveball.pcap
 * (TLS 1.2: Certificate, ServerKeyExchange, ServerHelloDone in frame 7; the client answers
 * certificate_unknown in frame 9, 229 ms later, then FIN) and OpenSSL/GnuTLS TLS 1.3 clients.
 */
import { ModelBuilder, facts, verdict } from './model-builder.js';
import { diagnose } from './context.js';

const LEAF = new Uint8Array([1, 2, 3]);
/** The six server-certificate causes, sorted: what a hidden TLS 1.3 certificate may have failed. */
const HIDDEN_CHECKS = ['certificate-chain-incomplete', 'certificate-chain-invalid', 'certificate-expired', 'certificate-hostname-mismatch', 'certificate-not-yet-valid', 'certificate-untrusted'];

function badCurveball(alert: number) {
  return new ModelBuilder({ clientIp: '172.130.128.76', serverIp: '54.226.182.138' })
    .clientHello(4, 0.005925, { sni: 'bad.curveballtest.com' })
    .serverHello(6, 0.024009, { cipherSuite: 0xc02b })
    .certificate('server', 7, 0.02414, [LEAF])
    .message('server', 7, 0.02414, 12, 147)
    .message('server', 7, 0.02414, 14, 4)
    .alert('client', 9, 0.253604, 2, alert)
    .fin('client', 10, 0.253611)
    .fin('server', 11, 0.254754)
    .build();
}

const expired = verdict([{ kind: 'expired', certIndex: 0, detail: 'notAfter 2021-01-01T00:00:00Z is before the capture time 2024-05-01T10:00:00Z' }], [facts({ notAfter: '2021-01-01T00:00:00.000Z' })]);
const mismatch = verdict([{ kind: 'hostname-mismatch', certIndex: 0, detail: 'bad.curveballtest.com is not in the certificate names' }], [facts({ sanDns: ['other.example.test'] })]);

describe('server certificate causes', () => {
  test('certificate_unknown after the Certificate with one expired certificate is certificate-expired (high)', () => {
    const d = diagnose(badCurveball(46), { serverChain: expired });
    expect(d).toMatchObject({ cause: 'certificate-expired', abortedBy: 'client', confidence: 'high', outcome: 'failed' });
    expect(d.evidence.map((e) => e.frame)).toEqual([4, 7, 9]);
    expect(d.evidence[0]!.text).toBe('frame 4: client -> server ClientHello offers TLS 1.3 and TLS 1.2, 15 cipher suites, server_name bad.curveballtest.com');
    expect(d.evidence[2]!.text).toBe('frame 9: client -> server Alert (fatal, certificate_unknown), 229 ms after the ServerHelloDone in frame 7');
    expect(d.remediation[0]!.side).toBe('server');
  });

  test('the alert decides between two facts: bad_certificate picks the name mismatch, certificate_expired the expiry', () => {
    const both = verdict([...expired.problems, ...mismatch.problems], [facts({ notAfter: '2021-01-01T00:00:00.000Z', sanDns: ['other.example.test'] })]);
    const a = diagnose(badCurveball(42), { serverChain: both });
    expect(a.cause).toBe('certificate-hostname-mismatch');
    expect(a.confidence).toBe('high');
    expect(a.alternatives).toContainEqual(expect.objectContaining({ cause: 'certificate-expired', confidence: 'medium' }));
    const b = diagnose(badCurveball(45), { serverChain: both });
    expect(b.cause).toBe('certificate-expired');
    expect(b.alternatives).toContainEqual(expect.objectContaining({ cause: 'certificate-hostname-mismatch', confidence: 'low' }));
  });

  test('unknown_ca on a complete chain the analyzer trusts means the client lacks the root', () => {
    const d = diagnose(badCurveball(48), { serverChain: verdict([], [facts()], 'CN=Example Root') });
    expect(d).toMatchObject({ cause: 'certificate-untrusted', confidence: 'medium' });
    expect(d.summary).toMatch(/client's trust store lacks that root/);
  });

  test('unknown_ca with a missing intermediate is certificate-chain-incomplete (high)', () => {
    const v = verdict([{ kind: 'chain-incomplete', certIndex: 0, detail: 'no certificate for issuer CN=Example Intermediate CA' }]);
    expect(diagnose(badCurveball(48), { serverChain: v })).toMatchObject({ cause: 'certificate-chain-incomplete', confidence: 'high' });
  });

  test('an untrusted chain that the same client used elsewhere is not called untrusted', () => {
    const v = verdict([{ kind: 'self-signed', certIndex: 0, detail: 'the leaf is self-signed' }], [facts({ selfIssued: true })]);
    const conn = badCurveball(46);
    const peer = new ModelBuilder({ id: 7, clientIp: '172.130.128.76', serverIp: '54.226.182.138' })
      .clientHello(40, 5).serverHello(42, 5.1).certificate('server', 43, 5.1, [LEAF]).complete(46).appData('client', 47, 5.2).build();
    expect(diagnose(conn, { serverChain: v }).cause).toBe('certificate-untrusted');
    const d = diagnose(conn, { serverChain: v, peers: [peer] });
    expect(d.cause).not.toBe('certificate-untrusted');
    expect(d.cause).toBe('unknown');
  });

  test('a silent close after the server flight with a name mismatch is medium', () => {
    const conn = new ModelBuilder().clientHello(4, 0).serverHello(6, 0.01).certificate('server', 6, 0.01, [LEAF]).message('server', 6, 0.01, 14, 4).fin('client', 8, 0.02).build();
    expect(diagnose(conn, { serverChain: mismatch })).toMatchObject({ cause: 'certificate-hostname-mismatch', confidence: 'medium', abortedBy: 'client' });
  });

  test('a completed handshake dropped at once by the client without data is failed when a certificate fact explains it', () => {
    const build = () =>
      new ModelBuilder()
        .clientHello(4, 0)
        .serverHello(6, 0.001)
        .certificate('server', 6, 0.001, [LEAF])
        .message('server', 6, 0.001, 14, 4)
        .message('client', 8, 0.002, 16, 70)
        .ccs('client', 8, 0.002)
        .encryptedHandshake('client', 8, 0.002, 40)
        .ccs('server', 9, 0.003)
        .encryptedHandshake('server', 9, 0.003, 40)
        .complete(9)
        .encryptedAlert('client', 10, 0.004, 26)
        .fin('client', 11, 0.004);
    const d = diagnose(build().build(), { serverChain: mismatch });
    expect(d).toMatchObject({ cause: 'certificate-hostname-mismatch', confidence: 'medium', outcome: 'failed', abortedBy: 'client' });
    expect(d.alternatives).toContainEqual(expect.objectContaining({ cause: 'none', confidence: 'low' }));
    const ok = diagnose(build().build(), { serverChain: verdict([]) });
    expect(ok).toMatchObject({ cause: 'none', confidence: 'high', outcome: 'established' });
  });

  test('TLS 1.3: a clear certificate_expired from an OpenSSL client names the cause though the chain is hidden', () => {
    const conn = new ModelBuilder()
      .clientHello(4, 0)
      .serverHello(6, 0.001, { selectedVersion: 0x0304, cipherSuite: 0x1302 })
      .ccs('server', 6, 0.001)
      .encryptedHandshake('server', 6, 0.001, 23, 89, 415, 96, 69)
      .alert('client', 8, 0.002, 2, 45, 0x0303)
      .fin('client', 9, 0.002)
      .build();
    const d = diagnose(conn);
    expect(d).toMatchObject({ cause: 'certificate-expired', confidence: 'medium', abortedBy: 'client' });
    expect(d.summary).toMatch(/TLS 1\.3/);
  });

  test('TLS 1.3: unknown_ca with the chain hidden is an honest unknown, listing both trust causes as alternatives', () => {
    const conn = new ModelBuilder()
      .clientHello(4, 0)
      .serverHello(6, 0.001, { selectedVersion: 0x0304, cipherSuite: 0x1301 })
      .encryptedHandshake('server', 6, 0.001, 23, 900, 96, 53)
      .alert('client', 8, 0.002, 2, 48)
      .fin('client', 9, 0.002)
      .build();
    const d = diagnose(conn);
    expect(d.cause).toBe('unknown');
    expect(d.summary).toMatch(/no path from the server certificate to a root it trusts .*missing intermediate/);
    expect(d.alternatives.map((a) => a.cause)).toEqual(expect.arrayContaining(['certificate-untrusted', 'certificate-chain-incomplete']));
  });

  test('TLS 1.3: an encrypted alert from the client (GnuTLS) after the server flight is unknown (medium), every certificate check a low alternative', () => {
    const conn = new ModelBuilder()
      .clientHello(4, 0)
      .serverHello(6, 0.001, { selectedVersion: 0x0304, cipherSuite: 0x1301 })
      .encryptedHandshake('server', 6, 0.001, 23, 900, 96, 53)
      .encryptedAlert('client', 8, 0.002)
      .fin('client', 9, 0.002)
      .build();
    const d = diagnose(conn);
    expect(d).toMatchObject({ cause: 'unknown', confidence: 'medium', abortedBy: 'client', outcome: 'failed' });
    expect(d.summary).toMatch(/most likely it rejected the server certificate/);
    expect(d.alternatives.filter((a) => a.confidence === 'low').map((a) => a.cause).sort()).toEqual(HIDDEN_CHECKS);
    // What the client offered, the encrypted flight it judged, its alert.
    expect(d.evidence.map((e) => e.frame)).toEqual([4, 6, 8]);
    expect(d.evidence[1]!.text).toMatch(/encrypted handshake flight \(4 records, 1072 bytes/);
  });

  test('a borrowed chain (TLS 1.3, same server and name in another connection) lowers confidence one step', () => {
    const conn = new ModelBuilder()
      .clientHello(4, 0)
      .serverHello(6, 0.001, { selectedVersion: 0x0304 })
      .encryptedHandshake('server', 6, 0.001, 23, 900, 96, 53)
      .alert('client', 8, 0.002, 2, 45)
      .build();
    const d = diagnose(conn, { serverChain: expired, serverChainSource: { connectionId: 3, frame: 30, borrowed: true } });
    expect(d).toMatchObject({ cause: 'certificate-expired', confidence: 'medium' });
    expect(d.evidence[0]!.text).toMatch(/seen in connection 3/);
  });
});
