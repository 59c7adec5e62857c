/**
 * Server refusals of the ClientHello: version, cipher suites, SNI. Sequences mirror real
 * captures: ndpi/tls_alert.pcap (protocol_version to a TLS 1.0 hello),
 * suricata-verify/tls-extra-alert (handshake_failure to a hello without server_name).
 */
import { ModelBuilder } from './model-builder.js';
import { diagnose } from './context.js';

/** ndpi/tls_alert.pcap stream 0: TLS 1.0 hello with FALLBACK_SCSV, server alert 70, FINs. */
function tlsAlertPcap() {
  return new ModelBuilder({ clientIp: '192.168.1.192', serverIp: '192.168.1.20' })
    .clientHello(4, 0.001005, { version: 0x0301, supportedVersions: [], sni: 'www.google-analytics.com', cipherSuites: [0x002f, 0x0033, 0x0035, 0x0039, 0xc009, 0xc00a, 0xc013, 0xc014, 0x5600] })
    .alert('server', 6, 0.001542, 2, 70, 0x0301)
    .fin('server', 8, 0.001669)
    .fin('client', 10, 0.002434);
}

describe('protocol-version-mismatch', () => {
  test('a protocol_version alert right after a TLS 1.0 hello is a version mismatch, aborted by the server', () => {
    const d = diagnose(tlsAlertPcap().build());
    expect(d.outcome).toBe('failed');
    expect(d.cause).toBe('protocol-version-mismatch');
    expect(d.abortedBy).toBe('server');
    expect(d.confidence).toBe('high');
    expect(d.summary).toMatch(/TLS 1\.0/);
    expect(d.summary).toMatch(/FALLBACK_SCSV/);
    expect(d.evidence.map((e) => e.frame)).toEqual([4, 6]);
    expect(d.evidence[1]!.text).toBe('frame 6: server -> client Alert (fatal, protocol_version), 0.537 ms after the ClientHello in frame 4');
    expect(d.remediation.find((r) => r.side === 'client')!.text).toMatch(/Enable TLS 1\.2/);
  });

  test('a server that resets a TLS 1.0-only hello is a version mismatch only at medium when it negotiated TLS 1.2 elsewhere', () => {
    const peer = new ModelBuilder({ id: 1 }).clientHello(4, 0).serverHello(6, 0.01, { version: 0x0303 }).build();
    const conn = new ModelBuilder({ id: 2 }).clientHello(14, 1, { version: 0x0301, supportedVersions: [] }).rst('server', 15, 1.001).build();
    const alone = diagnose(conn);
    expect(alone.cause).toBe('connection-reset');
    expect(alone.alternatives.map((a) => a.cause)).toContain('protocol-version-mismatch');
    const withPeer = diagnose(conn, { peers: [peer] });
    expect(withPeer.cause).toBe('protocol-version-mismatch');
    expect(withPeer.confidence).toBe('medium');
    expect(withPeer.evidence.some((e) => /negotiated TLS 1\.2/.test(e.text))).toBe(true);
  });

  test('a ServerHello below the client minimum answered with protocol_version blames the server version, aborted by the client', () => {
    const conn = new ModelBuilder()
      .clientHello(4, 0, { supportedVersions: [0x0304, 0x0303] })
      .serverHello(6, 0.001, { version: 0x0302 })
      .message('server', 6, 0.001, 14, 4)
      .alert('client', 8, 0.002, 2, 70)
      .fin('client', 9, 0.002)
      .build();
    const d = diagnose(conn);
    expect(d.cause).toBe('protocol-version-mismatch');
    expect(d.abortedBy).toBe('client');
    expect(d.confidence).toBe('high');
    expect(d.summary).toMatch(/TLS 1\.1/);
  });
});

describe('sni-required and cipher-suite-mismatch', () => {
  /** suricata-verify/tls-extra-alert: 32-suite TLS 1.2 hello without server_name, server alert 40 then FIN. */
  const extraAlert = () =>
    new ModelBuilder({ clientIp: '192.168.10.220', serverIp: '3.168.86.127' })
      .clientHello(4, 0.228355, { sni: null, supportedVersions: [], cipherSuites: [0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc02b, 0xc02f, 0x009d, 0x009c, 0x0035, 0x002f, 0x00ff] })
      .alert('server', 6, 0.45363, 2, 40, 0x0301)
      .fin('server', 7, 0.45363)
      .fin('client', 9, 0.454175);

  test('handshake_failure to a hello without server_name is sni-required, cipher mismatch only a low alternative', () => {
    const d = diagnose(extraAlert().build());
    expect(d.cause).toBe('sni-required');
    expect(d.confidence).toBe('medium');
    expect(d.abortedBy).toBe('server');
    expect(d.alternatives).toContainEqual(expect.objectContaining({ cause: 'cipher-suite-mismatch', confidence: 'low' }));
  });

  test('the same server accepting a hello with server_name raises sni-required to high', () => {
    const peer = new ModelBuilder({ id: 3 }).clientHello(20, 2, { sni: 'shop.example.test' }).serverHello(22, 2.2).build();
    const d = diagnose(extraAlert().build(), { peers: [peer] });
    expect(d.cause).toBe('sni-required');
    expect(d.confidence).toBe('high');
    expect(d.evidence.some((e) => e.frame === 22 && /shop\.example\.test/.test(e.text))).toBe(true);
  });

  test('unrecognized_name with a server_name says the server does not serve that name', () => {
    const conn = new ModelBuilder().clientHello(4, 0, { sni: 'old.example.test' }).alert('server', 6, 0.001, 2, 112).fin('server', 7, 0.001).build();
    const d = diagnose(conn);
    expect(d.cause).toBe('sni-required');
    expect(d.confidence).toBe('medium');
    expect(d.summary).toMatch(/does not serve the name old\.example\.test/);
  });

  test('handshake_failure to a hello with server_name is a cipher-suite mismatch (medium)', () => {
    const conn = new ModelBuilder().clientHello(4, 0).alert('server', 6, 0.001, 2, 40).fin('server', 7, 0.001).build();
    const d = diagnose(conn);
    expect(d.cause).toBe('cipher-suite-mismatch');
    expect(d.confidence).toBe('medium');
  });

  test('no overlap with the suites the same server chose elsewhere makes the cipher mismatch high', () => {
    const peer = new ModelBuilder({ id: 5 }).clientHello(30, 3).serverHello(32, 3.1, { cipherSuite: 0xc02f }).build();
    const conn = new ModelBuilder().clientHello(4, 0, { cipherSuites: [0x000a, 0x0005], supportedVersions: [] }).alert('server', 6, 0.001, 2, 40).build();
    const d = diagnose(conn, { peers: [peer] });
    expect(d.cause).toBe('cipher-suite-mismatch');
    expect(d.confidence).toBe('high');
    expect(d.summary).toMatch(/all of them weak/);
  });

  test('a suite the server chose elsewhere that this client offers lowers the cipher hypothesis', () => {
    const peer = new ModelBuilder({ id: 5 }).clientHello(30, 3).serverHello(32, 3.1, { cipherSuite: 0xc02f }).build();
    const conn = new ModelBuilder().clientHello(4, 0).alert('server', 6, 0.001, 2, 40).build();
    const d = diagnose(conn, { peers: [peer] });
    expect(d.cause).not.toBe('cipher-suite-mismatch');
    expect(d.alternatives).toContainEqual(expect.objectContaining({ cause: 'cipher-suite-mismatch', confidence: 'low' }));
  });

  test('insufficient_security is a cipher mismatch with high confidence', () => {
    const conn = new ModelBuilder().clientHello(4, 0).alert('server', 6, 0.001, 2, 71).build();
    expect(diagnose(conn)).toMatchObject({ cause: 'cipher-suite-mismatch', confidence: 'high' });
  });
});
