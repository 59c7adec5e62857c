/**
 * TLS 1.3: where the client's encrypted flight ends. Clients (Node, OpenSSL) send their first
 * request in the same segment as their Finished; a record the size of a lone Finished (RFC 8446
 * §4.4.4: 4 + hash + 1 + tag bytes) ends the flight. Real captures of samples/ (made by
 * samples/generate.sh), TLS_AES_256_GCM_SHA384: Finished record 69 bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTlsConsumer } from '../../src/tls/connection-decoder.js';
import type { TlsConnectionModel } from '../../src/tls/model.js';
import { tcpStreams } from './support/pcap-streams.js';
import { feed, infoFor, RecordingControl } from './support/feed.js';

const captures = path.resolve(__dirname, '../../samples/captures');
const s = fs.existsSync(captures) ? describe : describe.skip;

function sample(name: string): TlsConnectionModel {
  const f = tcpStreams(path.join(captures, name))[0]!;
  let model: TlsConnectionModel | null = null;
  const control = new RecordingControl();
  feed(createTlsConsumer(infoFor(f), control, { onEnd: (m) => (model = m) }), control, f, 1 << 20);
  return model!;
}

const clientEncrypted = (m: TlsConnectionModel): number[] => m.messages.filter((x) => x.direction === 0 && x.type === -1).map((x) => x.length);

s('TLS 1.3 client flight', () => {
  it('Node: Finished (69) then the request (35) in frame 10: the request is application data', () => {
    const m = sample('tls13-ok-node.pcap');
    expect(clientEncrypted(m)).toEqual([69]);
    expect(m.encrypted[0]).toMatchObject({ handshake: 1, applicationData: 1, firstApplicationDataFrame: 10, applicationDataBytes: 35 });
    expect(m.completedFrame).toBe(10);
  });

  it('Node without a client certificate: empty Certificate (25) and Finished (69) are the flight, the request (35) is data', () => {
    const m = sample('tls13-client-cert-missing-node.pcap');
    expect(clientEncrypted(m)).toEqual([25, 69]);
    expect(m.encrypted[0]).toMatchObject({ applicationData: 1, firstApplicationDataFrame: 10 });
  });

  it('with a certificate (716, 96 CertificateVerify, 69 Finished) every record before the Finished stays in the flight', () => {
    const m = sample('tls13-client-cert-untrusted-node.pcap');
    expect(clientEncrypted(m)).toEqual([716, 96, 69]);
  });

  it('GnuTLS: a flight record spanning two segments (1573 bytes, frames 12-13) keeps the records after it (96, 69) in the flight', () => {
    const m = sample('tls13-client-cert-expired-gnutls.pcap');
    expect(clientEncrypted(m)).toEqual([1573, 96, 69]);
    expect(m.encrypted[0]).toMatchObject({ handshake: 3, applicationData: 0 });
  });
});

s('TLS 1.3 trailing alert-size records', () => {
  it("GnuTLS server: two 19-byte records after the client's flight, answered by the client's FIN and RST, are alerts, not data", () => {
    const m = sample('tls13-client-cert-expired-gnutls.pcap');
    expect(m.alerts.map((a) => [a.direction, a.frame, a.recordLength, a.encrypted])).toEqual([[1, 15, 19, true], [1, 17, 19, true]]);
    expect(m.encrypted[1]).toMatchObject({ applicationData: 0, alerts: 2, firstApplicationDataFrame: null });
  });

  it('a 19-byte record the other side answers with data stays data (Node ok: tickets, then the close)', () => {
    const m = sample('tls13-ok-node.pcap');
    // The server's 19-byte record right before its FIN is its close_notify; the client's data is untouched.
    expect(m.encrypted[0]).toMatchObject({ applicationData: 1, applicationDataBytes: 35 });
    expect(m.alerts.map((a) => [a.direction, a.frame])).toEqual([[1, 12], [0, 15]]);
  });
});
