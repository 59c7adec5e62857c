/**
 * TLS 1.3 hides the server certificate: when the client turns the server's encrypted flight
 * down, the honest answer is "unknown" with every certificate check the evidence allows as an
 * alternative, unless a clear alert names the check. Sequences and sizes are those of the real
 * captures in samples/ (TLS_AES_256_GCM_SHA384, OpenSSL/Node/GnuTLS/curl on loopback).
 */
import { ModelBuilder, facts, verdict } from './model-builder.js';
import { diagnose } from './context.js';

const ALL_CHECKS = ['certificate-chain-incomplete', 'certificate-chain-invalid', 'certificate-expired', 'certificate-hostname-mismatch', 'certificate-not-yet-valid', 'certificate-untrusted'];
const lowAlternatives = (d: ReturnType<typeof diagnose>): string[] => d.alternatives.filter((a) => a.confidence === 'low' && a.cause.startsWith('certificate-')).map((a) => a.cause).sort();

/** ClientHello, then the server's TLS 1.3 flight: ServerHello + records of 23, 1571 bytes, then 96 + 69 (Node's server, samples/captures/tls13-hostname-mismatch-node.pcap). */
function tls13ServerFlight(o: { psk?: boolean } = {}) {
  return new ModelBuilder({ clientIp: '127.0.0.1', serverIp: '127.0.0.1' })
    .clientHello(4, 0, { sni: 'server.test' })
    .serverHello(6, 0.0091, { selectedVersion: 0x0304, cipherSuite: 0x1302, pskSelected: o.psk ?? false })
    .encryptedHandshake('server', 6, 0.0091, 23, 1571)
    .ccs('server', 6, 0.0091)
    .encryptedHandshake('server', 8, 0.0092, 96, 69);
}

describe('TLS 1.3: the client turns down a certificate it alone can read', () => {
  test('a bare client FIN right after the encrypted flight (Node name check) is unknown, not connection-reset, with every certificate check as an alternative', () => {
    const d = diagnose(tls13ServerFlight().fin('client', 10, 0.0147).fin('server', 11, 0.0151).build());
    expect(d).toMatchObject({ cause: 'unknown', abortedBy: 'client', confidence: 'medium', outcome: 'failed' });
    expect(lowAlternatives(d)).toEqual(ALL_CHECKS);
    expect(d.alternatives).toContainEqual(expect.objectContaining({ cause: 'connection-reset', confidence: 'low' }));
    expect(d.evidence.map((e) => e.frame)).toEqual([4, 8, 10]);
    expect(d.evidence[1]!.text).toBe('frame 8: server -> client encrypted handshake flight (4 records, 1759 bytes; holds its Certificate (and a CertificateRequest when it asks for one), unreadable without keys)');
  });

  test('a clear certificate_expired (OpenSSL clients) names expiry: certificate-expired, with not-yet-valid as the only other check', () => {
    const d = diagnose(tls13ServerFlight().alert('client', 10, 0.01, 2, 45).fin('client', 11, 0.011).build());
    expect(d).toMatchObject({ cause: 'certificate-expired', abortedBy: 'client', confidence: 'medium' });
    expect(lowAlternatives(d)).toEqual(['certificate-not-yet-valid']);
  });

  test('a clear unknown_ca stays unknown: missing intermediate, untrusted root and a broken chain remain, expiry and name do not', () => {
    const d = diagnose(tls13ServerFlight().alert('client', 10, 0.01, 2, 48).fin('client', 11, 0.011).build());
    expect(d.cause).toBe('unknown');
    expect(lowAlternatives(d)).toEqual(['certificate-chain-incomplete', 'certificate-chain-invalid', 'certificate-untrusted']);
  });

  test('a completed handshake the client leaves at once without data (curl) is failed/unknown with the certificate checks as alternatives', () => {
    const conn = tls13ServerFlight()
      .ccs('client', 10, 0.0095)
      .encryptedHandshake('client', 10, 0.0095, 69)
      .complete(10)
      .encryptedAlert('client', 14, 0.015)
      .rst('client', 15, 0.0151)
      .build();
    const d = diagnose(conn);
    expect(d).toMatchObject({ cause: 'unknown', abortedBy: 'client', outcome: 'failed' });
    expect(lowAlternatives(d)).toEqual(ALL_CHECKS);
  });

  test('a resumed handshake (PSK) carries no certificate: no certificate check is offered', () => {
    const d = diagnose(tls13ServerFlight({ psk: true }).fin('client', 10, 0.0147).build());
    expect(lowAlternatives(d)).toEqual([]);
    expect(d.cause).toBe('connection-reset');
  });
});

describe('TLS 1.2: a silent client close right after the Certificate', () => {
  function tls12(chainProblem: boolean) {
    const conn = new ModelBuilder()
      .clientHello(4, 0, { sni: 'www.example.test' })
      .serverHello(6, 0.001)
      .certificate('server', 8, 0.001, [new Uint8Array([1])])
      .message('server', 8, 0.001, 14, 4)
      .fin('client', 10, 0.004)
      .build();
    const chain = chainProblem
      ? verdict([{ kind: 'expired', certIndex: 0, detail: 'notAfter 2021-01-01T00:00:00Z is before the capture time' }], [facts({ notAfter: '2021-01-01T00:00:00.000Z' })])
      : verdict([]);
    return diagnose(conn, { serverChain: chain });
  }

  test('with a sound chain it is unknown (the client applies its own policy), connection-reset only an alternative', () => {
    const d = tls12(false);
    expect(d).toMatchObject({ cause: 'unknown', abortedBy: 'client', confidence: 'medium' });
    expect(d.summary).toMatch(/own policy/);
    expect(d.alternatives).toContainEqual(expect.objectContaining({ cause: 'connection-reset', confidence: 'low' }));
    expect(d.evidence.map((e) => e.frame)).toEqual([4, 8, 10]);
  });

  test('with an expired leaf the certificate fact explains it (medium)', () => {
    expect(tls12(true)).toMatchObject({ cause: 'certificate-expired', abortedBy: 'client', confidence: 'medium' });
  });
});

describe('evidence context', () => {
  test('TLS 1.3 mutual TLS: ClientHello, the server flight holding the CertificateRequest, the client flight, the encrypted alert', () => {
    const conn = new ModelBuilder({ clientIp: '127.0.0.1', serverIp: '127.0.0.1' })
      .clientHello(4, 0)
      .serverHello(6, 0.001, { selectedVersion: 0x0304, cipherSuite: 0x1302 })
      .encryptedHandshake('server', 6, 0.001, 23, 124, 1817)
      .encryptedHandshake('server', 8, 0.001, 281, 69)
      .ccs('client', 10, 0.002)
      .encryptedHandshake('client', 10, 0.002, 25, 69)
      .complete(10)
      .encryptedAlert('server', 12, 0.0022)
      .fin('server', 13, 0.0023)
      .build();
    const d = diagnose(conn);
    expect(d).toMatchObject({ cause: 'client-certificate-missing', abortedBy: 'server' });
    expect(d.evidence.map((e) => e.frame)).toEqual([4, 8, 10, 12]);
  });

  test('a hello refusal cites the ClientHello then the alert, nothing else', () => {
    const d = diagnose(new ModelBuilder().clientHello(4, 0).alert('server', 6, 0.001, 2, 70).build());
    expect(d.cause).toBe('protocol-version-mismatch');
    expect(d.evidence.map((e) => e.frame)).toEqual([4, 6]);
  });

  test('an established handshake gets no failure context', () => {
    const conn = new ModelBuilder().clientHello(4, 0).serverHello(6, 0.001).ccs('client', 8, 0.002).encryptedHandshake('client', 8, 0.002).complete(9).appData('client', 10, 0.003).build();
    expect(diagnose(conn).evidence.map((e) => e.frame)).toEqual([9]);
  });
});

describe('not-tls: the other side reaction', () => {
  test("a plain HTTP request answered by the TLS port's HTTP error page cites both frames", () => {
    const conn = new ModelBuilder()
      .notTls('client', 4, 'HTTP/1.1 request')
      .with((m) => (m.notTls!.reply = { lookedLike: 'HTTP/1.x response', direction: 1, frame: 6 }))
      .fin('server', 8, 0.002)
      .build();
    const d = diagnose(conn);
    expect(d).toMatchObject({ cause: 'not-tls', abortedBy: 'server' });
    expect(d.evidence.map((e) => e.frame)).toEqual([4, 6]);
    expect(d.summary).toBe('The client sent HTTP/1.1 request instead of TLS on port 443; the server answered with HTTP/1.x response.');
  });

  test('a plain HTTP request the server closes on without answering cites the FIN', () => {
    const conn = new ModelBuilder().notTls('client', 4, 'HTTP/1.1 request').fin('server', 6, 0.001).fin('client', 7, 0.002).build();
    const d = diagnose(conn);
    expect(d.evidence.map((e) => e.frame)).toEqual([4, 6]);
    expect(d.evidence[1]!.text).toBe('frame 6: server -> client TCP FIN without answering');
  });

  test('a bare HTML page answering a ClientHello is fixed with plain HTTP, not "plain HTML"', () => {
    const conn = new ModelBuilder().clientHello(4, 0).notTls('server', 6, 'HTML page (HTTP response without status line)').build();
    const d = diagnose(conn);
    expect(d.remediation[0]!.text).toMatch(/plain HTTP on port 443/);
  });
});
