/**
 * STARTTLS handshakes that fail, on real captures (test/tls/fixtures/starttls/make-captures.sh:
 * Python's ssl module as an SMTP server, openssl s_client as the client, on loopback): the TLS
 * after the preamble is diagnosed by the ordinary rules, and a ClientHello answered in plain
 * text is not-tls.
 */
import * as path from 'node:path';
import { analyze } from '../../src/analyze.js';

const fixtures = path.resolve(__dirname, 'fixtures/starttls');

describe('STARTTLS failures (real captures)', () => {
  it('TLS 1.2-only client after STARTTLS, TLS 1.3-only server: protocol_version, diagnosed as a version mismatch', async () => {
    const report = await analyze(path.join(fixtures, 'smtp-starttls-version-mismatch.pcap'));
    const c = report.connections[0]!;
    expect(c.plaintextPreamble).toEqual({ lookedLike: 'SMTP (STARTTLS)', clientBytes: 33, serverBytes: 104, tlsStartFrame: 11 });
    expect(c.notTls).toBeNull();
    expect(c.sni).toBe('mail.test');
    expect(c.clientHello?.frame).toBe(11);
    expect(c.alerts.map((a) => [a.frame, a.sentBy, a.description])).toEqual([[12, 'server', 'protocol_version']]);
    expect(c.outcome).toBe('failed');
    expect(c.diagnosis.cause).toBe('protocol-version-mismatch');
    expect(c.diagnosis.abortedBy).toBe('server');
  });

  it('ClientHello right after the banner (no STARTTLS): the server answers 500 in plain text, not-tls', async () => {
    const report = await analyze(path.join(fixtures, 'smtp-tls-without-starttls.pcap'));
    const c = report.connections[0]!;
    expect(c.plaintextPreamble).toEqual({ lookedLike: 'SMTP banner', clientBytes: 0, serverBytes: 29 + 41, tlsStartFrame: 6 });
    expect(c.clientHello?.sni).toBe('mail.test');
    expect(c.notTls).toMatchObject({ lookedLike: 'text line "500 5.5.2 Error: command not recognized"', sentBy: 'server', frame: 9 });
    expect(c.outcome).toBe('not-tls');
    expect(c.diagnosis.cause).toBe('not-tls');
  });
});
