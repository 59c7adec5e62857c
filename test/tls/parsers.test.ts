/**
 * Byte-vector tests of every wire-structure parser, on records cut from the illustrated-tls12
 * and illustrated-tls13 captures (documented byte by byte at tls12.xargs.org / tls13.xargs.org),
 * with truncated and corrupted variants: truncation is `incomplete` where the parser frames a
 * stream, and every corruption is `malformed` with an offset, never an exception.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Cursor, type ParseResult } from '../../src/util/cursor.js';
import { parseRecordHeader } from '../../src/tls/record-header.js';
import { parseHandshakeHeader } from '../../src/tls/handshake-header.js';
import { parseHandshake, type HandshakeMessage, type HandshakeContext } from '../../src/tls/handshake-message.js';
import { parseClientHello } from '../../src/tls/client-hello.js';
import { parseServerHello, HELLO_RETRY_REQUEST_RANDOM } from '../../src/tls/server-hello.js';
import { parseCertificate } from '../../src/tls/certificate.js';
import { parseServerKeyExchange } from '../../src/tls/server-key-exchange.js';
import { parseAlert } from '../../src/tls/alert.js';
import { parseChangeCipherSpec } from '../../src/tls/change-cipher-spec.js';
import { parseExtensions } from '../../src/tls/extensions.js';
import { parseNewSessionTicket } from '../../src/tls/new-session-ticket.js';
import { parseCertificateVerify } from '../../src/tls/certificate-verify.js';
import { parseEncryptedExtensions } from '../../src/tls/encrypted-extensions.js';
import { parseFinished } from '../../src/tls/finished.js';
import { parseCertificateRequest } from '../../src/tls/certificate-request.js';
import { parseKeyUpdate } from '../../src/tls/key-update.js';
import { parseCertificateStatus } from '../../src/tls/certificate-status.js';
import { parseHelloRequest } from '../../src/tls/hello-request.js';
import { parseServerHelloDone } from '../../src/tls/server-hello-done.js';
import { parseClientKeyExchange } from '../../src/tls/client-key-exchange.js';
import { parseSslv2ClientHello, parseSslv2RecordHeader, parseSslv2ServerHello } from '../../src/tls/sslv2-client-hello.js';

const corpus = path.resolve(__dirname, '../../../shared/corpus');
const d = fs.existsSync(corpus) ? describe : describe.skip;
const cap = (dir: string, name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(corpus, dir, 'caps', name)));
/** A decrypted TLS 1.3 message from the caps: TLSInnerPlaintext ends with the content type byte. */
const inner = (name: string): Cursor => {
  const b = cap('illustrated-tls13', name);
  return new Cursor(b, 4, b.length - 1);
};
const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const tls12: HandshakeContext = { version: 0x0303, cipherSuite: 0xc013, tls13: false };
const tls13: HandshakeContext = { version: 0x0304, cipherSuite: 0x1302, tls13: true };

function value<T>(r: ParseResult<T>): T {
  if (!r.ok) throw new Error(`expected parsed, got ${JSON.stringify(r)}`);
  return r.value;
}

/** The handshake message inside a record (5-byte header skipped). */
function message(record: Uint8Array, ctx: HandshakeContext): HandshakeMessage {
  return value(parseHandshake(new Cursor(record, 5), ctx));
}

/** Every strict prefix of a message must be incomplete and every truncation of its body malformed, never a throw. */
function expectTruncationsSafe(msg: Uint8Array, ctx: HandshakeContext): void {
  for (let n = 0; n < msg.length; n++) {
    const r = parseHandshake(new Cursor(msg.subarray(0, n)), ctx);
    expect(r).toMatchObject({ ok: false, incomplete: true });
  }
  // Lie about the body length: shorter bodies are malformed (or parse when a shorter form is valid).
  for (let n = 0; n < msg.length - 4; n++) {
    const copy = msg.slice(0, n + 4);
    copy[1] = (n >> 16) & 0xff;
    copy[2] = (n >> 8) & 0xff;
    copy[3] = n & 0xff;
    expect(() => parseHandshake(new Cursor(copy), ctx)).not.toThrow();
  }
}

d('record-header', () => {
  it('reads the ClientHello record header', () => {
    expect(value(parseRecordHeader(new Cursor(cap('illustrated-tls12', 'clienthello'))))).toEqual({ contentType: 22, version: 0x0301, length: 0xa5 });
  });
  it('is incomplete below 5 bytes and malformed on bad type, version or length', () => {
    expect(parseRecordHeader(new Cursor(h('160301')))).toMatchObject({ incomplete: true, needed: 5 });
    expect(parseRecordHeader(new Cursor(h('1903010010')))).toMatchObject({ incomplete: false, offset: 0 });
    expect(parseRecordHeader(new Cursor(h('1602010010')))).toMatchObject({ incomplete: false, offset: 1 });
    expect(parseRecordHeader(new Cursor(h('1703034801')))).toMatchObject({ incomplete: false, offset: 3 });
    expect(value(parseRecordHeader(new Cursor(h('1703034800'))))).toEqual({ contentType: 23, version: 0x0303, length: 0x4800 });
  });
});

d('handshake-header', () => {
  it('reads type and uint24 length, incomplete below 4 bytes', () => {
    expect(value(parseHandshakeHeader(new Cursor(h('0b00032e'))))).toEqual({ msgType: 11, length: 0x32e });
    expect(parseHandshakeHeader(new Cursor(h('0b0003')))).toMatchObject({ incomplete: true });
  });
});

d('client-hello', () => {
  const record = (): Uint8Array => cap('illustrated-tls13', 'clienthello');
  it('decodes the TLS 1.3 ClientHello of tls13.xargs.org', () => {
    const m = message(record(), tls13);
    if (m.kind !== 'client_hello') throw new Error(m.kind);
    const v = m.value;
    expect(v.version).toBe(0x0303);
    expect(v.sessionId.length).toBe(32);
    expect(v.cipherSuites).toEqual([0x1302, 0x1303, 0x1301, 0x00ff]);
    expect(v.compressionMethods).toEqual([0]);
    expect(v.extensions).toEqual([0, 11, 10, 35, 22, 23, 13, 43, 45, 51]);
    expect(v.sni).toBe('example.ulfheim.net');
    expect(v.ecPointFormats).toEqual([0, 1, 2]);
    expect(v.supportedGroups).toEqual([0x001d, 0x0017, 0x001e, 0x0019, 0x0018, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104]);
    expect(v.sessionTicket).toBe(true);
    expect(v.sessionTicketLength).toBe(0);
    expect(v.encryptThenMac).toBe(true);
    expect(v.extendedMasterSecret).toBe(true);
    expect(v.signatureAlgorithms).toEqual([0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601]);
    expect(v.supportedVersions).toEqual([0x0304]);
    expect(v.pskKeyExchangeModes).toEqual([1]);
    expect(v.keyShareGroups).toEqual([0x001d]);
    expect(v.length).toBe(0xf4);
    expect(v.extensionProblems).toEqual([]);
  });
  it('is incomplete on every prefix and never throws on corrupted lengths', () => {
    expectTruncationsSafe(record().subarray(5), tls13);
  });
  it('reports a session id over 32 bytes and an odd cipher_suites length as malformed', () => {
    const body = record().slice(9);
    body[34] = 33;
    expect(parseClientHello(new Cursor(body))).toMatchObject({ incomplete: false, offset: 34 });
    const odd = record().slice(9);
    odd[35 + 32 + 1] = 7;
    expect(parseClientHello(new Cursor(odd))).toMatchObject({ incomplete: false });
  });
  it('keeps a malformed extension as opaque and reports it, decoding the rest', () => {
    const body = record().slice(9);
    // server_name is the first extension: corrupt its inner list length.
    const at = 2 + 32 + 1 + 32 + 2 + 8 + 2 + 2 + 2 + 2;
    expect(body[at - 4]).toBe(0); // extension type 0x0000
    body[at] = 0xff;
    const v = value(parseClientHello(new Cursor(body)));
    expect(v.sni).toBeNull();
    expect(v.extensionProblems).toEqual([expect.objectContaining({ type: 0 })]);
    expect(v.supportedVersions).toEqual([0x0304]);
  });
  it('decodes a ClientHello without extensions (SSL 3.0 style)', () => {
    const body = h('0300' + '11'.repeat(32) + '00' + '0004002f0035' + '0100');
    const v = value(parseClientHello(new Cursor(body)));
    expect(v).toMatchObject({ version: 0x0300, cipherSuites: [0x2f, 0x35], extensions: [], sni: null, supportedVersions: [] });
  });
});

d('server-hello', () => {
  it('decodes the TLS 1.3 ServerHello (supported_versions, key_share)', () => {
    const m = message(cap('illustrated-tls13', 'serverhello'), tls13);
    if (m.kind !== 'server_hello') throw new Error(m.kind);
    expect(m.value).toMatchObject({ version: 0x0303, selectedVersion: 0x0304, cipherSuite: 0x1302, keyShareGroup: 0x001d, helloRetryRequest: false, extensions: [43, 51] });
  });
  it('decodes the TLS 1.2 ServerHello', () => {
    const m = message(cap('illustrated-tls12', 'serverhello'), tls12);
    if (m.kind !== 'server_hello') throw new Error(m.kind);
    expect(m.value).toMatchObject({ version: 0x0303, selectedVersion: 0x0303, cipherSuite: 0xc013, compressionMethod: 0, extensions: [0xff01] , renegotiationInfo: true });
  });
  it('recognises a HelloRetryRequest by its random and reads the selected group', () => {
    const body = h('0303' + Buffer.from(HELLO_RETRY_REQUEST_RANDOM).toString('hex') + '00' + '1301' + '00' + '000c' + '002b00020304' + '003300020017');
    const v = value(parseServerHello(new Cursor(body)));
    expect(v).toMatchObject({ helloRetryRequest: true, selectedVersion: 0x0304, keyShareGroup: 0x0017 });
  });
  it('is incomplete on every prefix and never throws', () => {
    expectTruncationsSafe(cap('illustrated-tls13', 'serverhello').subarray(5), tls13);
  });
});

d('certificate', () => {
  it('reads the TLS 1.2 chain', () => {
    const m = message(cap('illustrated-tls12', 'servercert'), tls12);
    if (m.kind !== 'certificate') throw new Error(m.kind);
    expect(m.value.entries).toHaveLength(1);
    expect(m.value.entries[0]!.der.length).toBe(0x325);
  });
  it('reads the TLS 1.3 form (decrypted message from the capture)', () => {
    const v = value(parseCertificate(inner('servercert'), { tls13: true }));
    expect(v.requestContext.length).toBe(0);
    expect(v.entries).toHaveLength(1);
    expect(v.entries[0]!.der.length).toBe(0x325);
    expect(v.entries[0]!.extensions).toEqual([]);
  });
  it('caps the number kept and counts the rest', () => {
    const der = '3003020101';
    const entry = '000005' + der;
    const body = h('00000f' + entry.repeat(3).slice(0, 0) + '00001b'.slice(0, 0) + '');
    expect(parseCertificate(new Cursor(body), { tls13: false })).toMatchObject({ ok: false });
    const list = entry.repeat(3);
    const ok = h((list.length / 2).toString(16).padStart(6, '0') + list);
    expect(value(parseCertificate(new Cursor(ok), { tls13: false, maxCertificates: 2 }))).toMatchObject({ omitted: 1, entries: [{}, {}] });
  });
  it('is malformed when an entry overruns the list', () => {
    expect(parseCertificate(new Cursor(h('000008' + '000009' + '3003020101')), { tls13: false })).toMatchObject({ ok: false, incomplete: false });
  });
});

d('server-key-exchange', () => {
  it('reads the x25519 ECDHE params and the rsa_pkcs1_sha256 scheme', () => {
    const m = message(cap('illustrated-tls12', 'serverkeyexchange'), tls12);
    expect(m).toMatchObject({ kind: 'server_key_exchange', value: { kind: 'ecdhe', group: 0x001d, signatureScheme: 0x0401, dhPrimeBits: null } });
  });
  it('reads a DHE prime size and a TLS 1.0 signature without scheme', () => {
    const p = 'ff'.repeat(256);
    const body = h('0100' + p + '000102' + '0004' + '01020304' + '0003aabbcc');
    expect(value(parseServerKeyExchange(new Cursor(body), { version: 0x0301, cipherSuite: 0x0033 }))).toMatchObject({ kind: 'dhe', dhPrimeBits: 2048, signatureScheme: null });
  });
  it('is malformed when the bytes do not fit the suite, unknown for an unclassified suite', () => {
    const body = cap('illustrated-tls12', 'serverkeyexchange').subarray(9);
    expect(parseServerKeyExchange(new Cursor(body), { version: 0x0303, cipherSuite: 0x0033 })).toMatchObject({ ok: false, incomplete: false });
    expect(value(parseServerKeyExchange(new Cursor(body), { version: 0x0303, cipherSuite: 0x1234 }))).toMatchObject({ kind: 'ecdhe', group: 0x001d });
    expect(value(parseServerKeyExchange(new Cursor(h('0102')), { version: 0x0303, cipherSuite: 0x1234 }))).toMatchObject({ kind: 'unknown' });
  });
});

d('small handshake messages', () => {
  it('ServerHelloDone and HelloRequest are empty', () => {
    expect(message(cap('illustrated-tls12', 'serverhellodone'), tls12)).toMatchObject({ kind: 'server_hello_done', length: 0 });
    expect(parseServerHelloDone(new Cursor(h('00')))).toMatchObject({ ok: false, incomplete: false });
    expect(parseHelloRequest(new Cursor(h('')))).toMatchObject({ ok: true });
    expect(parseHelloRequest(new Cursor(h('01')))).toMatchObject({ ok: false });
  });
  it('ClientKeyExchange: ECDHE public value of 32 bytes', () => {
    expect(message(cap('illustrated-tls12', 'clientkeyexchange'), tls12)).toMatchObject({ kind: 'client_key_exchange', value: { kind: 'ecdhe', publicValueLength: 32 } });
    expect(parseClientKeyExchange(new Cursor(h('2001')), { cipherSuite: 0xc013 })).toMatchObject({ ok: false });
    expect(value(parseClientKeyExchange(new Cursor(h('0102')), { cipherSuite: 0x002f }))).toMatchObject({ kind: 'opaque' });
  });
  it('CertificateVerify (decrypted TLS 1.3 message)', () => {
    expect(value(parseCertificateVerify(inner('servercertverify'), { version: 0x0304 }))).toMatchObject({ signatureScheme: 0x0804, signatureLength: 256 });
    expect(parseCertificateVerify(new Cursor(cap('illustrated-tls13', 'servercertverify'), 4, 100), { version: 0x0304 })).toMatchObject({ ok: false, incomplete: false });
  });
  it('Finished (decrypted messages)', () => {
    expect(value(parseFinished(inner('serverfinished')))).toEqual({ verifyDataLength: 48 });
    expect(value(parseFinished(new Cursor(cap('illustrated-tls12', 'clientfinishedplain'), 4)))).toEqual({ verifyDataLength: 12 });
    expect(parseFinished(new Cursor(h('')))).toMatchObject({ ok: false });
  });
  it('NewSessionTicket, TLS 1.3 form (decrypted)', () => {
    const msg = cap('illustrated-tls13', 'serverticket1');
    const v = value(parseNewSessionTicket(inner('serverticket1'), { tls13: true }));
    expect(v.lifetimeSeconds).toBe(0x1c20);
    expect(v.ticketLength).toBeGreaterThan(100);
    expect(parseNewSessionTicket(new Cursor(msg, 4, 40), { tls13: true })).toMatchObject({ ok: false, incomplete: false });
    expect(value(parseNewSessionTicket(new Cursor(h('0000012c' + '0003aabbcc')), { tls13: false }))).toEqual({ lifetimeSeconds: 300, ticketLength: 3, extensions: [] });
  });
  it('EncryptedExtensions (decrypted, empty list)', () => {
    expect(value(parseEncryptedExtensions(inner('serverextensions')))).toEqual({ extensionList: [], alpn: null });
    expect(parseEncryptedExtensions(new Cursor(h('0005')))).toMatchObject({ ok: false });
  });
  it('CertificateRequest, TLS 1.2 and 1.3 forms', () => {
    const v12 = value(parseCertificateRequest(new Cursor(h('020140' + '0004' + '04010804' + '0007' + '0005' + '3003310100')), { version: 0x0303, tls13: false }));
    expect(v12).toMatchObject({ certificateTypes: [1, 0x40], signatureAlgorithms: [0x0401, 0x0804] });
    expect(v12.certificateAuthorities.map((b) => Buffer.from(b).toString('hex'))).toEqual(['3003310100']);
    const v13 = value(parseCertificateRequest(new Cursor(h('00' + '000a' + '000d0006' + '000404030804')), { version: 0x0304, tls13: true }));
    expect(v13).toMatchObject({ certificateTypes: [], signatureAlgorithms: [0x0403, 0x0804] });
    expect(parseCertificateRequest(new Cursor(h('0201')), { version: 0x0303, tls13: false })).toMatchObject({ ok: false, incomplete: false });
  });
  it('KeyUpdate and CertificateStatus', () => {
    expect(value(parseKeyUpdate(new Cursor(h('01'))))).toEqual({ requestUpdate: 1 });
    expect(parseKeyUpdate(new Cursor(h('0100')))).toMatchObject({ ok: false });
    expect(value(parseCertificateStatus(new Cursor(h('01000003aabbcc')))).response.length).toBe(3);
    expect(parseCertificateStatus(new Cursor(h('01000009aabbcc')))).toMatchObject({ ok: false, incomplete: false });
  });
});

d('alert and change_cipher_spec', () => {
  it('reads level and description', () => {
    // tls12.xargs.org: the decrypted client alert is close_notify (warning).
    expect(value(parseAlert(new Cursor(cap('illustrated-tls12', 'clientalertplain'))))).toEqual({ level: 1, description: 0 });
    expect(parseAlert(new Cursor(h('02')))).toMatchObject({ incomplete: true });
  });
  it('ChangeCipherSpec is the single byte 1', () => {
    expect(parseChangeCipherSpec(new Cursor(cap('illustrated-tls12', 'clientccs'), 5))).toMatchObject({ ok: true });
    expect(parseChangeCipherSpec(new Cursor(h('02')))).toMatchObject({ ok: false, incomplete: false });
    expect(parseChangeCipherSpec(new Cursor(h('')))).toMatchObject({ incomplete: true });
  });
});

describe('extensions', () => {
  it('decodes ALPN, GREASE kept as numbers, unknown types kept opaque', () => {
    const block = h('0018' + '0010000b000908687474702f312e31' + '0a0a0000' + 'fe0d0001ff');
    const v = value(parseExtensions(new Cursor(block), 'client_hello'));
    expect(v.extensions.map((e) => [e.type, e.length, e.value.kind])).toEqual([[16, 11, 'alpn'], [0x0a0a, 0, 'opaque'], [0xfe0d, 1, 'opaque']]);
    expect(v.extensions[0]!.value).toEqual({ kind: 'alpn', protocols: ['http/1.1'] });
  });
  it('decodes the server-side shapes: selected_version, key_share entry, pre_shared_key identity', () => {
    const block = h('0012' + '002b00020304' + '0033000600170002aabb' + '0029' + '0002' + '0000'.slice(0, 0));
    expect(parseExtensions(new Cursor(block), 'server_hello')).toMatchObject({ ok: false, incomplete: false });
    const good = h('0016' + '002b00020304' + '0033000600170002aabb' + '002900020000');
    const v = value(parseExtensions(new Cursor(good), 'server_hello'));
    expect(v.extensions.map((e) => e.value)).toEqual([
      { kind: 'selected_version', version: 0x0304 },
      { kind: 'key_share', groups: [0x17] },
      { kind: 'pre_shared_key_selected', selectedIdentity: 0 },
    ]);
  });
  it('decodes record_size_limit, compress_certificate, psk offer, status_request, signature_algorithms_cert', () => {
    const block = h('001e' + '001c00024001' + '001b0003' + '030002' + '00050005' + '0100000000' + '0032000400020403');
    const v = value(parseExtensions(new Cursor(block), 'client_hello'));
    expect(v.extensions.find((e) => e.type === 28)!.value).toEqual({ kind: 'record_size_limit', limit: 0x4001 });
    expect(v.extensions.find((e) => e.type === 5)!.value).toEqual({ kind: 'status_request', statusType: 1 });
    expect(v.extensions.find((e) => e.type === 50)!.value).toEqual({ kind: 'signature_algorithms_cert', schemes: [0x0403] });
    expect(v.problems).toEqual([expect.objectContaining({ type: 27 })]);
    const psk = h('0017' + '00290013' + '0009' + '0003010203' + '00000000' + '0006' + '05' + '0102030405');
    expect(value(parseExtensions(new Cursor(psk), 'client_hello')).extensions[0]!.value).toEqual({ kind: 'pre_shared_key_offered', identities: 1 });
  });
  it('is malformed when an extension overruns the block', () => {
    expect(parseExtensions(new Cursor(h('0006' + '00000004aabb')), 'client_hello')).toMatchObject({ ok: false, incomplete: false, offset: 2 });
    expect(parseExtensions(new Cursor(h('0009' + '0000')), 'client_hello')).toMatchObject({ ok: false, incomplete: false });
  });
});

describe('sslv2-client-hello', () => {
  // First bytes of frame 4 of wireshark-notes/ssl3/sslv2.pcapng (a pure SSL 2.0 CLIENT-HELLO).
  const record = h('80220100020009000000100500800300800700c07a16c3dc4a8bcc5b161d1d10883e225e');
  it('reads the 2-byte header and the hello', () => {
    const c = new Cursor(record);
    expect(value(parseSslv2RecordHeader(c))).toEqual({ headerLength: 2, length: 0x22, padding: 0 });
    const v = value(parseSslv2ClientHello(c));
    expect(v.version).toBe(0x0002);
    expect(v.cipherSpecs).toEqual([0x050080, 0x030080, 0x0700c0]);
    expect(v.challenge.length).toBe(16);
  });
  it('reads a 3-byte header with padding', () => {
    expect(value(parseSslv2RecordHeader(new Cursor(h('002807'))))).toEqual({ headerLength: 3, length: 0x28, padding: 7 });
    expect(parseSslv2RecordHeader(new Cursor(h('0028')))).toMatchObject({ incomplete: true });
  });
  it('is malformed on bad lengths, incomplete on a short record', () => {
    const bad = record.slice(2);
    bad[4] = 0x0a; // cipher_spec_length 10, not a multiple of 3
    expect(parseSslv2ClientHello(new Cursor(bad))).toMatchObject({ ok: false, incomplete: false, offset: 3 });
    expect(parseSslv2ClientHello(new Cursor(record, 2, 8))).toMatchObject({ incomplete: true });
    expect(parseSslv2ClientHello(new Cursor(record, 2, 20))).toMatchObject({ ok: false, incomplete: false });
  });
  it('reads a SERVER-HELLO with its certificate', () => {
    const body = h('04' + '00' + '01' + '0002' + '0003' + '0003' + '0010' + '300100' + '010080' + '00'.repeat(16));
    expect(value(parseSslv2ServerHello(new Cursor(body)))).toMatchObject({ version: 2, certificateType: 1, cipherSpecs: [0x010080], sessionIdHit: false });
    expect(parseSslv2ServerHello(new Cursor(body.subarray(0, 20)))).toMatchObject({ ok: false, incomplete: false });
  });
});
