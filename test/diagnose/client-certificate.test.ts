/**
 * Mutual TLS. Sequences from OpenSSL 3.0 s_server -Verify 1 against s_client on loopback:
 * TLS 1.2: Certificate (empty, 7 bytes), ClientKeyExchange, CCS, Finished in one frame, then the
 * server's handshake_failure and FIN. TLS 1.3 (TLS_AES_256_GCM_SHA384): the client's flight is
 * CCS + 25-byte record (empty Certificate) + 69-byte record (Finished); the server answers with
 * a 19-byte encrypted alert and FIN after the client's data; with a certificate the flight was
 * 415 + 97 + 69 bytes (P-256) or 805 + 281 + 69 (RSA 2048).
 */
import { ModelBuilder, verdict } from './model-builder.js';
import { diagnose } from './context.js';

const CLIENT_CERT = new Uint8Array([9, 9, 9]);

function tls12(clientChain: Uint8Array[], alert: number) {
  return new ModelBuilder({ clientIp: '127.0.0.1', serverIp: '127.0.0.1', serverPort: 14433 })
    .clientHello(53, 1.603865, { sni: null })
    .serverHello(55, 1.604239, { cipherSuite: 0xc02b })
    .certificate('server', 55, 1.604239, [new Uint8Array([1])])
    .message('server', 55, 1.604239, 12, 115)
    .certificateRequest(55, 1.604239)
    .message('server', 55, 1.604239, 14, 4)
    .certificate('client', 57, 1.605349, clientChain)
    .message('client', 57, 1.605349, 16, 37)
    .ccs('client', 57, 1.605349)
    .encryptedHandshake('client', 57, 1.605349, 40)
    .alert('server', 58, 1.605421, 2, alert)
    .fin('server', 59, 1.605492)
    .fin('client', 60, 1.605548)
    .build();
}

function tls13(clientFlight: number[], serverAlert: 'encrypted' | number) {
  const b = new ModelBuilder({ clientIp: '127.0.0.1', serverIp: '127.0.0.1', serverPort: 14433 })
    .clientHello(4, 0.00024, { sni: null })
    .serverHello(6, 0.000702, { selectedVersion: 0x0304, cipherSuite: 0x1302 })
    .ccs('server', 6, 0.000702)
    .encryptedHandshake('server', 6, 0.000702, 23, 89, 415, 96, 69)
    .ccs('client', 8, 0.001563)
    .encryptedHandshake('client', 8, 0.001563, ...clientFlight)
    .complete(8)
    .appData('client', 9, 0.001631, 1);
  if (serverAlert === 'encrypted') b.encryptedAlert('client', 10, 0.001641).fin('client', 11, 0.001647).encryptedAlert('server', 12, 0.001701);
  else b.alert('server', 12, 0.001701, 2, serverAlert);
  return b.fin('server', 13, 0.001742).build();
}

describe('client certificates (mutual TLS)', () => {
  test('TLS 1.2: an empty client Certificate answered with handshake_failure is client-certificate-missing (high)', () => {
    const d = diagnose(tls12([], 40));
    expect(d).toMatchObject({ cause: 'client-certificate-missing', abortedBy: 'server', confidence: 'high', outcome: 'failed' });
    // ClientHello, CertificateRequest, the empty client Certificate, the alert.
    expect(d.evidence.map((e) => e.frame)).toEqual([53, 55, 57, 58]);
  });

  test('TLS 1.2: a client certificate answered with unknown_ca is client-certificate-rejected, with the client chain facts', () => {
    const clientChain = verdict([{ kind: 'untrusted', certIndex: 0, detail: 'no path to a trusted root' }]);
    const d = diagnose(tls12([CLIENT_CERT], 48), { clientChain });
    expect(d).toMatchObject({ cause: 'client-certificate-rejected', abortedBy: 'server', confidence: 'high' });
    expect(d.summary).toMatch(/no path to a trusted root/);
  });

  test('TLS 1.3: an empty Certificate read from record sizes, then an encrypted server alert, is client-certificate-missing (medium)', () => {
    const d = diagnose(tls13([25, 69], 'encrypted'));
    expect(d.outcome).toBe('failed');
    expect(d).toMatchObject({ cause: 'client-certificate-missing', confidence: 'medium', abortedBy: 'server' });
    expect(d.summary).toMatch(/record sizes/);
  });

  test('TLS 1.3: certificate_required in clear is client-certificate-missing (high)', () => {
    expect(diagnose(tls13([25, 69], 116))).toMatchObject({ cause: 'client-certificate-missing', confidence: 'high' });
  });

  test('TLS 1.3: a flight that carries a certificate, then a server alert, is client-certificate-rejected (medium)', () => {
    expect(diagnose(tls13([415, 97, 69], 'encrypted'))).toMatchObject({ cause: 'client-certificate-rejected', confidence: 'medium' });
  });

  test('TLS 1.3: a flight whose size tells nothing gives an honest unknown naming mutual TLS', () => {
    const d = diagnose(tls13([120], 'encrypted'));
    expect(d.cause).toBe('unknown');
    expect(d.summary).toMatch(/mutual TLS/);
    expect(d.alternatives).toContainEqual(expect.objectContaining({ cause: 'client-certificate-missing', confidence: 'low' }));
  });

  test('TLS 1.3: a server that sends its tickets after the client flight accepted the client', () => {
    const conn = new ModelBuilder()
      .clientHello(18, 0)
      .serverHello(20, 0.001, { selectedVersion: 0x0304, cipherSuite: 0x1302 })
      .encryptedHandshake('server', 20, 0.001, 23, 89, 415, 97, 69)
      .encryptedHandshake('client', 22, 0.002, 415, 97, 69)
      .complete(22)
      .appData('client', 23, 0.003, 2)
      .encryptedAlert('client', 24, 0.003)
      .fin('client', 25, 0.003)
      .appData('server', 26, 0.004, 650)
      .encryptedAlert('server', 29, 0.005)
      .fin('server', 30, 0.005)
      .build();
    expect(diagnose(conn)).toMatchObject({ cause: 'none', outcome: 'established' });
  });
});
