/**
 * TLS after a plain preamble, on real captures of the peer corpus (STARTTLS in SMTP, IMAP,
 * POP3, FTP, XMPP and LDAP, MySQL and PostgreSQL SSL requests, SOCKS4/4a/5 and HTTP CONNECT
 * proxies, Gnutella, PCP): where TLS starts on each side, what the preamble is named, and the
 * handshake decoded after it (SNI, message frames as tshark shows them).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runPipeline } from '../../src/pipeline.js';
import type { TlsConnectionModel } from '../../src/tls/model.js';

const corpus = path.resolve(__dirname, '../../../shared/corpus');
const present = fs.existsSync(path.join(corpus, 'CAPINFOS.tsv'));
if (!present) console.warn(`corpus not found at ${corpus}: STARTTLS corpus tests skipped`);
const d = present ? describe : describe.skip;

async function models(rel: string): Promise<Map<number, TlsConnectionModel>> {
  const out = new Map<number, TlsConnectionModel>();
  await runPipeline(path.join(corpus, rel), (m) => out.set(m.tcp.id, m), { warn: () => undefined });
  return out;
}

interface Case {
  rel: string;
  id: number;
  lookedLike: string;
  clientBytes: number;
  serverBytes: number;
  tlsStartFrame: number;
  sni: string | null;
  /** [frame, type] of the first clear messages (tshark's frames, from FILE.tshark.tsv). */
  first: [number, number][];
}

const CASES: Case[] = [
  // EHLO (28) + STARTTLS (10) from the client; 220 banner, 250 EHLO answer, 220 Ready from Google's MX.
  { rel: 'ndpi/smtp-starttls.pcap', id: 0, lookedLike: 'SMTP (STARTTLS)', clientBytes: 38, serverBytes: 235, tlsStartFrame: 11, sni: null, first: [[11, 1], [12, 2], [15, 11]] },
  { rel: 'ndpi/smtp-starttls.pcap', id: 1, lookedLike: 'SMTP (STARTTLS)', clientBytes: 60, serverBytes: 240, tlsStartFrame: 46, sni: 'dovecot.weberlab.de', first: [[46, 1], [47, 2], [47, 11]] },
  { rel: 'ndpi/imap-starttls.pcap', id: 0, lookedLike: 'IMAP (STARTTLS)', clientBytes: 26, serverBytes: 530, tlsStartFrame: 14, sni: null, first: [[14, 1], [15, 2], [19, 11]] },
  { rel: 'ndpi/pop3_stls.pcap', id: 0, lookedLike: 'POP3 (STLS)', clientBytes: 18, serverBytes: 225, tlsStartFrame: 13, sni: 'pop.lavabit.com', first: [[13, 1], [14, 2], [18, 11]] },
  // Every server packet is in the capture twice (frames 10/11, 15-17/18-20): the copies are retransmissions.
  { rel: 'ndpi/ftp-start-tls.pcap', id: 0, lookedLike: 'FTP (AUTH TLS)', clientBytes: 10, serverBytes: 104, tlsStartFrame: 12, sni: null, first: [[12, 1], [15, 2], [17, 11]] },
  { rel: 'wireshark-notes/tls/xmpp-ssl.pcapng', id: 0, lookedLike: 'XMPP (starttls)', clientBytes: 202, serverBytes: 416, tlsStartFrame: 10, sni: null, first: [[10, 1], [11, 2], [16, 11]] },
  { rel: 'suricata-verify/ldap-starttls/input.pcap', id: 0, lookedLike: 'LDAP (StartTLS extended operation)', clientBytes: 31, serverBytes: 14, tlsStartFrame: 8, sni: null, first: [[8, 1], [9, 2], [11, 11]] },
  { rel: 'wireshark-notes/tls/pgsql-ssl.pcapng', id: 0, lookedLike: 'PostgreSQL (SSLRequest)', clientBytes: 8, serverBytes: 1, tlsStartFrame: 8, sni: null, first: [[8, 1], [9, 2], [9, 11]] },
  { rel: 'wireshark-notes/tls/mysql-ssl.pcapng', id: 0, lookedLike: 'MySQL', clientBytes: 36, serverBytes: 103, tlsStartFrame: 8, sni: null, first: [[8, 1], [10, 2], [10, 11]] },
  { rel: 'ja4/https-connect.pcap', id: 0, lookedLike: 'HTTP CONNECT proxy', clientBytes: 84, serverBytes: 134, tlsStartFrame: 8, sni: null, first: [[8, 1], [10, 2], [13, 11]] },
  { rel: 'ja4/socks-https-example.pcap', id: 0, lookedLike: 'SOCKS4 proxy', clientBytes: 9, serverBytes: 8, tlsStartFrame: 8, sni: 'www.example.com', first: [[8, 1], [9, 2], [17, 11]] },
  { rel: 'ja4/socks-https-example.pcap', id: 1, lookedLike: 'SOCKS4a proxy', clientBytes: 25, serverBytes: 8, tlsStartFrame: 38, sni: 'www.example.com', first: [[38, 1], [39, 2], [47, 11]] },
  { rel: 'ja4/socks-https-example.pcap', id: 2, lookedLike: 'SOCKS5 proxy', clientBytes: 14, serverBytes: 12, tlsStartFrame: 71, sni: 'www.example.com', first: [[71, 1], [72, 2], [80, 11]] },
  { rel: 'ndpi/gnutella.pcap', id: 110, lookedLike: 'Gnutella (TLS upgrade)', clientBytes: 670, serverBytes: 659, tlsStartFrame: 899, sni: null, first: [[899, 1], [956, 2], [956, 11]] },
  // PCP: the server (pmcd, port 44321) speaks first; the client's first PDU, then its ClientHello.
  { rel: 'wireshark-wiki/pcp_ssl_creds.pcap', id: 0, lookedLike: 'PCP (Performance Co-Pilot)', clientBytes: 20, serverBytes: 36, tlsStartFrame: 9, sni: 'localhost', first: [[9, 1], [10, 2], [10, 11]] },
];

d('TLS after a plain preamble in corpus captures', () => {
  it.each(CASES.map((c) => [`${c.rel}#${c.id}`, c] as const))('%s', async (_name, c) => {
    const m = (await models(c.rel)).get(c.id)!;
    expect(m.kind).toBe('tls');
    expect(m.notTls).toBeNull();
    expect(m.plaintextPreamble).toEqual({ lookedLike: c.lookedLike, clientBytes: c.clientBytes, serverBytes: c.serverBytes, tlsStartFrame: c.tlsStartFrame });
    expect(m.clientHello?.sni ?? null).toBe(c.sni);
    expect(m.messages.filter((x) => x.type >= 0).slice(0, 3).map((x) => [x.frame, x.type])).toEqual(c.first);
    expect(m.handshakeComplete).toBe(true);
  });

  it('OpenVPN over TCP stays not-tls: its TLS travels inside OpenVPN control packets, never at a chunk start', async () => {
    const m = (await models('ndpi/443-opvn.pcap')).get(0)!;
    expect(m.kind).toBe('not-tls');
    expect(m.plaintextPreamble).toBeNull();
    expect(m.notTls?.lookedLike).toMatch(/^OpenVPN over TCP/);
    expect(m.notTls?.reply?.lookedLike).toMatch(/^OpenVPN over TCP/);
  });

  it('a proxy protocol that is not TLS inside (vmess on port 1234) stays not-tls', async () => {
    const m = (await models('ndpi/tls_heur__vmess-tcp.pcapng')).get(1)!;
    expect(m.kind).toBe('not-tls');
    expect(m.plaintextPreamble).toBeNull();
  });
});
