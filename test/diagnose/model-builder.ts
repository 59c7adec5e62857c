/**
 * Builds connection models the way the TLS decoder fills them, message by message in wire
 * order, so that a test reads like the capture it mirrors (frame numbers and times as in the
 * capture). Times are seconds from the start of the connection.
 */
import type {
  AlertModel,
  CertificateMessageModel,
  ClientHelloModel,
  ServerHelloModel,
  TlsConnectionModel,
} from '../../src/tls/model.js';
import { newConnectionModel } from '../../src/tls/model.js';
import type { ChainVerdict } from '../../src/x509/index.js';
import type { CertificateFacts } from '../../src/x509/types.js';
import type { Direction } from '../../src/tcp/stream-types.js';

type Who = 'client' | 'server';
const BASE_SEC = 1_700_000_000;
const dirOf = (w: Who): Direction => (w === 'client' ? 0 : 1);

function seen(w: Who, frame: number, t: number) {
  const whole = Math.floor(t);
  return { direction: dirOf(w), frame, tsSec: BASE_SEC + whole, tsNsec: Math.round((t - whole) * 1e9) };
}

/** A modern browser-like offer, as in ja4/badcurveball.pcap. */
export const MODERN_SUITES = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035];

export class ModelBuilder {
  private readonly m: TlsConnectionModel;
  private lastT = 0;

  constructor(opts: { id?: number; clientIp?: string; serverIp?: string; serverPort?: number } = {}) {
    this.m = newConnectionModel({
      id: opts.id ?? 0,
      ipVersion: 4,
      clientIp: opts.clientIp ?? '192.0.2.10',
      clientPort: 50000 + (opts.id ?? 0),
      serverIp: opts.serverIp ?? '198.51.100.20',
      serverPort: opts.serverPort ?? 443,
      roleSource: 'syn',
      firstFrame: 1,
      lastFrame: 3,
      firstTsSec: BASE_SEC,
      firstTsNsec: 0,
      lastTsSec: BASE_SEC,
      lastTsNsec: 0,
      packets: 3,
      closes: [],
    });
  }

  private touch(frame: number, t: number): void {
    this.m.tcp.lastFrame = Math.max(this.m.tcp.lastFrame, frame);
    this.lastT = Math.max(this.lastT, t);
    this.m.tcp.packets++;
  }

  private record(w: Who, version: number): void {
    const list = this.m.recordVersions[dirOf(w)];
    if (!list.includes(version)) list.push(version);
    if (this.m.kind === 'no-payload') this.m.kind = 'tls';
  }

  clientHello(frame: number, t: number, o: Partial<ClientHelloModel> = {}): this {
    const h: ClientHelloModel = {
      ...seen('client', frame, t),
      recordVersion: 0x0301,
      sslv2Format: false,
      version: 0x0303,
      random: new Uint8Array(32),
      sessionId: new Uint8Array(0),
      cipherSuites: MODERN_SUITES,
      compressionMethods: [0],
      extensions: [0, 10, 11, 13, 43, 51],
      sni: 'www.example.test',
      supportedVersions: [0x0304, 0x0303],
      alpn: ['h2', 'http/1.1'],
      supportedGroups: [0x001d, 0x0017],
      ecPointFormats: [0],
      signatureAlgorithms: [0x0403, 0x0804],
      signatureAlgorithmsCert: [],
      keyShareGroups: [0x001d],
      pskKeyExchangeModes: [1],
      preSharedKey: false,
      statusRequest: false,
      renegotiationInfo: false,
      extendedMasterSecret: true,
      encryptThenMac: false,
      sessionTicket: false,
      sessionTicketLength: 0,
      recordSizeLimit: null,
      compressCertificate: [],
      length: 512,
      ...o,
    };
    if (this.m.clientHello && this.m.helloRetryRequest) this.m.secondClientHello = h;
    else this.m.clientHello = h;
    this.m.messages.push({ ...seen('client', frame, t), type: 1, length: h.length });
    this.record('client', h.recordVersion);
    this.touch(frame, t);
    return this;
  }

  serverHello(frame: number, t: number, o: Partial<ServerHelloModel> = {}): this {
    const h: ServerHelloModel = {
      ...seen('server', frame, t),
      recordVersion: 0x0303,
      version: 0x0303,
      selectedVersion: o.selectedVersion ?? o.version ?? 0x0303,
      random: new Uint8Array(32),
      sessionId: new Uint8Array(0),
      cipherSuite: 0xc02f,
      compressionMethod: 0,
      extensions: [],
      helloRetryRequest: false,
      alpn: null,
      keyShareGroup: null,
      pskSelected: false,
      extendedMasterSecret: true,
      renegotiationInfo: false,
      sessionTicket: false,
      length: 80,
      ...o,
    };
    if (h.helloRetryRequest) this.m.helloRetryRequest = h;
    else {
      this.m.serverHello = h;
      this.m.version = h.selectedVersion;
      this.m.cipherSuite = h.cipherSuite;
    }
    this.m.messages.push({ ...seen('server', frame, t), type: 2, length: h.length });
    this.record('server', h.recordVersion);
    this.touch(frame, t);
    return this;
  }

  /** A clear handshake message (Certificate is `certificate`). */
  message(w: Who, frame: number, t: number, type: number, length = 100): this {
    this.m.messages.push({ ...seen(w, frame, t), type, length });
    this.touch(frame, t);
    return this;
  }

  /** Encrypted handshake records (TLS 1.3 flights, TLS 1.2 Finished), each of `length` bytes. */
  encryptedHandshake(w: Who, frame: number, t: number, ...lengths: number[]): this {
    for (const length of lengths.length ? lengths : [53]) {
      this.m.messages.push({ ...seen(w, frame, t), type: -1, length });
      this.m.encrypted[dirOf(w)].handshake++;
    }
    this.touch(frame, t);
    return this;
  }

  certificate(w: Who, frame: number, t: number, chain: Uint8Array[], tls13 = false): this {
    const msg: CertificateMessageModel = { ...seen(w, frame, t), tls13, chain };
    this.m.certificates.push(msg);
    return this.message(w, frame, t, 11, 7 + chain.reduce((n, c) => n + 3 + c.length, 0));
  }

  certificateRequest(frame: number, t: number): this {
    this.m.certificateRequest = { ...seen('server', frame, t), certificateTypes: [1, 64], signatureAlgorithms: [0x0403], certificateAuthorities: [] };
    return this.message('server', frame, t, 13, 40);
  }

  alert(w: Who, frame: number, t: number, level: number, description: number, recordVersion = 0x0303): this {
    const a: AlertModel = { ...seen(w, frame, t), level, description, encrypted: false, inferredFrom: null, recordLength: 2 };
    this.m.alerts.push(a);
    this.record(w, recordVersion);
    this.touch(frame, t);
    return this;
  }

  encryptedAlert(w: Who, frame: number, t: number, recordLength = 19): this {
    this.m.alerts.push({ ...seen(w, frame, t), level: null, description: null, encrypted: true, inferredFrom: 'size-and-position', recordLength });
    this.m.encrypted[dirOf(w)].alerts++;
    this.touch(frame, t);
    return this;
  }

  ccs(w: Who, frame: number, t: number): this {
    this.m.changeCipherSpec.push(seen(w, frame, t));
    this.touch(frame, t);
    return this;
  }

  appData(w: Who, frame: number, t: number, bytes = 100): this {
    const c = this.m.encrypted[dirOf(w)];
    c.applicationData++;
    c.applicationDataBytes += bytes;
    if (c.firstApplicationDataFrame === null) c.firstApplicationDataFrame = frame;
    this.touch(frame, t);
    return this;
  }

  complete(frame: number): this {
    this.m.handshakeComplete = true;
    this.m.completedFrame = frame;
    return this;
  }

  fin(w: Who, frame: number, t: number): this {
    this.m.tcp.closes.push({ ...seen(w, frame, t), kind: 'fin' });
    this.touch(frame, t);
    return this;
  }

  rst(w: Who, frame: number, t: number): this {
    this.m.tcp.closes.push({ ...seen(w, frame, t), kind: 'rst' });
    this.touch(frame, t);
    return this;
  }

  notTls(w: Who, frame: number, lookedLike: string): this {
    this.m.kind = 'not-tls';
    this.m.notTls = { direction: dirOf(w), frame, lookedLike };
    return this;
  }

  gap(w: Who, frame: number, bytes: number): this {
    this.m.gaps.push({ direction: dirOf(w), frame, bytes });
    return this;
  }

  snaplenCut(): this {
    this.m.snaplenCut = true;
    return this;
  }

  /** Marks that the hello frames were captured but not the SYN (roleSource) etc. */
  with(mutate: (m: TlsConnectionModel) => void): this {
    mutate(this.m);
    return this;
  }

  build(): TlsConnectionModel {
    const whole = Math.floor(this.lastT);
    this.m.tcp.lastTsSec = BASE_SEC + whole;
    this.m.tcp.lastTsNsec = Math.round((this.lastT - whole) * 1e9);
    return this.m;
  }
}

/** Minimal facts of one certificate, for verdicts built by hand. */
export function facts(o: Partial<CertificateFacts> = {}): CertificateFacts {
  return {
    sha256: '00',
    subject: 'CN=www.example.test',
    issuer: 'CN=Example Intermediate CA',
    subjectCommonName: 'www.example.test',
    serialNumber: '01',
    notBefore: '2023-01-01T00:00:00.000Z',
    notAfter: '2030-01-01T00:00:00.000Z',
    sanDns: ['www.example.test'],
    sanIp: [],
    keyType: 'EC',
    keyBits: 256,
    signatureAlgorithm: 'ecdsa-with-SHA256',
    isCA: false,
    pathLength: null,
    keyUsage: [],
    extendedKeyUsage: ['serverAuth'],
    subjectKeyId: null,
    authorityKeyId: null,
    selfIssued: false,
    ...o,
  };
}

/** A verdict built by hand: the rules only read it. */
export function verdict(problems: ChainVerdict['problems'], certs: CertificateFacts[] = [facts()], anchor: string | null = null): ChainVerdict {
  return { certs, sentIndexes: certs.map((_, i) => i), path: certs.map((_, i) => i), problems, findings: [], anchor, host: 'www.example.test' };
}
