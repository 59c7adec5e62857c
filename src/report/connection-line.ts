/**
 * The ndjson line of a connection written straight from its TLS model and diagnosis, without
 * building the report object first: exactly `connectionJson(connectionReport(model, diagnosis,
 * cache, warn), file)`, with the same warnings in the same order.
 *
 * Why not JSON.stringify of the report (connection-json.ts)? Most of a line repeats from
 * connection to connection by object identity: a certificate's facts are one object per distinct
 * DER in the CertificateCache, the hello lists are shared by the TLS layer's ListInterner, cipher
 * suites, handshake messages and alerts take few values. Their text is made once here and
 * reused; only frames, times, addresses and the diagnosis texts are written per connection. The
 * report object (~70 objects per TLS connection) is never made, which is most of what the
 * earlier hand-written serializer of report objects could not save (docs/decisions.md,
 * "connectionJson: V8's JSON.stringify, not a hand-written serializer").
 */
import type { AlertModel, ClientHelloModel, MessageModel, ServerHelloModel, TlsConnectionModel } from '../tls/model.js';
import type { CloseEvent, Direction } from '../tcp/stream-types.js';
import type { CertificateCache, CertificateFacts } from '../x509/index.js';
import type { Diagnosis } from '../diagnose/types.js';
import {
  alertDescriptionName,
  alertLevelName,
  cipherSuiteName,
  cipherSuiteOpenSslName,
  handshakeTypeName,
  reportVersion,
} from '../tls/registry/index.js';
import { certificateFields } from './connection-report.js';
import { isoText } from './time.js';
import type { WarningSink } from './warning.js';

/** JSON text of a string. */
const str = (s: string): string => JSON.stringify(s);

/** JSON text of a number (JSON writes non-finite numbers as null; -0 as 0, like String). */
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

const side = (d: Direction): string => (d === 0 ? '"client"' : '"server"');

/** Text of a list of numbers. */
function numberList(list: readonly number[]): string {
  let s = '[';
  for (let i = 0; i < list.length; i++) s += i === 0 ? num(list[i]!) : `,${num(list[i]!)}`;
  return `${s}]`;
}

/** Text of a list of strings. */
function stringList(list: readonly string[]): string {
  let s = '[';
  for (let i = 0; i < list.length; i++) s += i === 0 ? str(list[i]!) : `,${str(list[i]!)}`;
  return `${s}]`;
}

/**
 * Past this many entries a text table starts over: a capture whose values never repeat must not
 * keep each one's text for the whole run.
 */
const MAX_ENTRIES = 4096;

/** Text by a key (string, alert kind), starting over when full. */
class TextTable<K> {
  private readonly map = new Map<K, string>();

  /** The text kept for `key`, or undefined. */
  get(key: K): string | undefined {
    return this.map.get(key);
  }

  /** Keeps `text` for `key`, and returns it. */
  set(key: K, text: string): string {
    if (this.map.size >= MAX_ENTRIES) this.map.clear();
    this.map.set(key, text);
    return text;
  }
}

/**
 * Writes ndjson lines of connections, keeping the text of what repeats between them. One per
 * stream of connections (it holds texts of the hello lists and certificates it has seen, weakly:
 * a list or certificate nobody else keeps takes its text along).
 */
export class ConnectionLineWriter {
  /** Hello lists shared by the ListInterner: their text, by identity. */
  private readonly lists = new WeakMap<readonly unknown[], string>();
  /** Certificate text after `"index":N`, by facts object (one per distinct DER in the cache). */
  private readonly certificates = new WeakMap<CertificateFacts, string>();
  private readonly suites = new TextTable<number>();
  private readonly versions = new TextTable<number>();
  /** Message text after its frame, by `(type + 1) * 2 + direction` (types are -1 to 255). */
  private readonly messages: (string | undefined)[] = new Array<string | undefined>(514).fill(undefined);
  private readonly alerts = new TextTable<number>();
  private readonly strings = new TextTable<string>();

  /**
   * The line (without its newline) of one connection: `connectionJson(connectionReport(model,
   * diagnosis, cache, warn), file)`.
   * @param warn receives the warnings connectionReport gives, in its order.
   * @param file the capture's name, put first in the object when several captures are analysed.
   */
  line(model: TlsConnectionModel, diagnosis: Diagnosis, cache: CertificateCache, warn?: WarningSink, file?: string): string {
    const tcp = model.tcp;
    // Certificates first, as connectionReport reads them (its warnings come before anything else).
    const certificates = this.certificateList(model, cache, warn);
    const start = isoText(tcp.firstTsSec, tcp.firstTsNsec);
    const end = tcp.lastTsSec === tcp.firstTsSec && tcp.lastTsNsec === tcp.firstTsNsec ? start : isoText(tcp.lastTsSec, tcp.lastTsNsec);
    const suite = model.cipherSuite;
    const ch = model.clientHello;
    let s = file !== undefined ? `{"file":${str(file)},"id":` : '{"id":';
    s += `${num(tcp.id)},"client":{"ip":${str(tcp.clientIp)},"port":${num(tcp.clientPort)}},"server":{"ip":${this.text(tcp.serverIp)},"port":${num(tcp.serverPort)}},"roleSource":"${tcp.roleSource}","firstFrame":${num(tcp.firstFrame)},"lastFrame":${num(tcp.lastFrame)},"start":"${start}","end":"${end}","outcome":"${diagnosis.outcome}","version":${model.version === null ? 'null' : this.versionText(model.version)},"cipherSuite":${suite === null ? 'null' : this.suiteText(suite)},"sni":${ch === null || ch.sni === null ? 'null' : this.text(ch.sni)},"clientHello":${ch === null ? 'null' : this.clientHello(ch)},"serverHello":${model.serverHello === null ? 'null' : this.serverHello(model.serverHello)},"helloRetryRequest":${model.helloRetryRequest === null ? 'null' : this.serverHello(model.helloRetryRequest)},"certificates":${certificates},"alerts":${this.alertList(model.alerts)},"messages":${this.messageList(model.messages)},"recordVersions":{"client":${numberList(model.recordVersions[0])},"server":${numberList(model.recordVersions[1])}},"closes":${closeList(tcp.closes)},"handshakeComplete":${model.handshakeComplete},"resumption":${model.resumption === null ? 'null' : `"${model.resumption}"`},"notTls":${this.notTls(model)},"plaintextPreamble":${this.preamble(model)},"diagnosis":${this.diagnosis(diagnosis)}}`;
    return s;
  }

  /** The text of a string that repeats from connection to connection (server address, server name). */
  private text(s: string): string {
    return this.strings.get(s) ?? this.strings.set(s, str(s));
  }

  private list(list: readonly number[]): string {
    return this.listText(list, numberList);
  }

  private names(list: readonly string[]): string {
    return this.listText(list, stringList);
  }

  /** The text of a hello list, kept by the list's identity (`write` makes it the first time). */
  private listText<T>(list: readonly T[], write: (list: readonly T[]) => string): string {
    let text = this.lists.get(list);
    if (text === undefined) {
      text = write(list);
      this.lists.set(list, text);
    }
    return text;
  }

  private versionText(version: number): string {
    return this.versions.get(version) ?? this.versions.set(version, JSON.stringify(reportVersion(version)));
  }

  private suiteText(code: number): string {
    return (
      this.suites.get(code) ?? this.suites.set(code, JSON.stringify({ code, name: cipherSuiteName(code), openssl: cipherSuiteOpenSslName(code) }))
    );
  }

  private clientHello(h: ClientHelloModel): string {
    return `{"frame":${num(h.frame)},"recordVersion":${num(h.recordVersion)},"version":${num(h.version)},"supportedVersions":${this.list(h.supportedVersions)},"cipherSuites":${this.list(h.cipherSuites)},"extensions":${this.list(h.extensions)},"sni":${h.sni === null ? 'null' : this.text(h.sni)},"alpn":${this.names(h.alpn)},"sslv2Format":${h.sslv2Format},"compressionMethods":${this.list(h.compressionMethods)},"supportedGroups":${this.list(h.supportedGroups)},"signatureAlgorithms":${this.list(h.signatureAlgorithms)},"keyShareGroups":${this.list(h.keyShareGroups)},"sessionIdLength":${num(h.sessionId.length)},"sessionTicket":${h.sessionTicket},"preSharedKey":${h.preSharedKey}}`;
  }

  private serverHello(h: ServerHelloModel): string {
    return `{"frame":${num(h.frame)},"recordVersion":${num(h.recordVersion)},"version":${num(h.version)},"selectedVersion":${num(h.selectedVersion)},"cipherSuite":${num(h.cipherSuite)},"extensions":${this.list(h.extensions)},"helloRetryRequest":${h.helloRetryRequest},"alpn":${h.alpn === null ? 'null' : this.text(h.alpn)},"keyShareGroup":${h.keyShareGroup === null ? 'null' : num(h.keyShareGroup)},"compressionMethod":${num(h.compressionMethod)}}`;
  }

  private certificateList(model: TlsConnectionModel, cache: CertificateCache, warn: WarningSink | undefined): string {
    let s = '';
    for (const msg of model.certificates) {
      const chain = msg.chain;
      for (let index = 0; index < chain.length; index++) {
        const der = chain[index]!;
        const facts = cache.facts(der);
        if (!facts.ok || facts.value.problem !== undefined) {
          const which = `connection ${model.tcp.id}: ${msg.direction === 0 ? 'client' : 'server'} certificate ${index} (${der.length} bytes) of the Certificate message in frame ${msg.frame}`;
          if (!facts.ok) {
            warn?.(msg.frame, `${which} cannot be read: ${facts.error}; it is left out of the report's certificates`);
            continue;
          }
          warn?.(msg.frame, `${which} (${facts.value.subject}) was read only in part: ${facts.value.problem}`);
        }
        s += `${s === '' ? '' : ','}{"frame":${num(msg.frame)},"sentBy":${side(msg.direction)},"index":${index}${this.certificateTail(facts.value)}`;
      }
    }
    return `[${s}]`;
  }

  /** The certificate's text after its index, as connectionReport lays it out. */
  private certificateTail(f: CertificateFacts): string {
    let text = this.certificates.get(f);
    if (text === undefined) {
      const body = JSON.stringify(certificateFields(f));
      text = `,${body.slice(1)}`;
      this.certificates.set(f, text);
    }
    return text;
  }

  private alertList(alerts: readonly AlertModel[]): string {
    if (alerts.length === 0) return '[]';
    let s = '[';
    for (let i = 0; i < alerts.length; i++) {
      const a = alerts[i]!;
      // Level and description are bytes or null (256): one key per combination. Other values
      // (a model built by hand) are written without being kept.
      const key = isByte(a.level) && isByte(a.description) ? (((a.level ?? 256) * 257 + (a.description ?? 256)) * 2 + a.direction) * 2 + (a.encrypted ? 1 : 0) : -1;
      let tail = key < 0 ? undefined : this.alerts.get(key);
      if (tail === undefined) {
        tail = JSON.stringify({
          sentBy: a.direction === 0 ? 'client' : 'server',
          level: a.level === null ? null : alertLevelName(a.level),
          description: a.description === null ? null : alertDescriptionName(a.description),
          code: a.description,
          encrypted: a.encrypted,
        }).slice(1);
        if (key >= 0) this.alerts.set(key, tail);
      }
      s += `${i === 0 ? '' : ','}{"frame":${num(a.frame)},${tail}`;
    }
    return `${s}]`;
  }

  private messageList(messages: readonly MessageModel[]): string {
    if (messages.length === 0) return '[]';
    let s = '[';
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      const key = Number.isInteger(m.type) ? (m.type + 1) * 2 + m.direction : -1;
      let tail = key >= 0 ? this.messages[key] : undefined;
      if (tail === undefined) {
        tail = JSON.stringify({
          sentBy: m.direction === 0 ? 'client' : 'server',
          type: m.type,
          name: m.type < 0 ? 'encrypted handshake' : handshakeTypeName(m.type),
        }).slice(1);
        // Types come from one byte (or -1); anything else is written but not kept.
        if (key >= 0 && key < this.messages.length) this.messages[key] = tail;
      }
      s += `${i === 0 ? '' : ','}{"frame":${num(m.frame)},${tail}`;
    }
    return `${s}]`;
  }

  private notTls(model: TlsConnectionModel): string {
    const n = model.notTls;
    if (!n) return 'null';
    const reply = n.reply ? `{"lookedLike":${this.text(n.reply.lookedLike)},"sentBy":${side(n.reply.direction)},"frame":${num(n.reply.frame)}}` : 'null';
    return `{"lookedLike":${this.text(n.lookedLike)},"sentBy":${side(n.direction)},"frame":${num(n.frame)},"reply":${reply}}`;
  }

  private preamble(model: TlsConnectionModel): string {
    const p = model.plaintextPreamble;
    if (!p) return 'null';
    return `{"lookedLike":${this.text(p.lookedLike)},"clientBytes":${num(p.clientBytes)},"serverBytes":${num(p.serverBytes)},"tlsStartFrame":${num(p.tlsStartFrame)}}`;
  }

  private diagnosis(d: Diagnosis): string {
    let evidence = '[';
    for (let i = 0; i < d.evidence.length; i++) {
      const e = d.evidence[i]!;
      evidence += `${i === 0 ? '' : ','}{"frame":${num(e.frame)},"text":${str(e.text)}}`;
    }
    let remediation = '[';
    for (let i = 0; i < d.remediation.length; i++) {
      const r = d.remediation[i]!;
      remediation += `${i === 0 ? '' : ','}{"side":"${r.side}","text":${str(r.text)}}`;
    }
    let alternatives = '[';
    for (let i = 0; i < d.alternatives.length; i++) {
      const a = d.alternatives[i]!;
      alternatives += `${i === 0 ? '' : ','}{"cause":"${a.cause}","confidence":"${a.confidence}","why":${str(a.why)}}`;
    }
    return `{"cause":"${d.cause}","abortedBy":${d.abortedBy === null ? 'null' : `"${d.abortedBy}"`},"confidence":"${d.confidence}","summary":${str(d.summary)},"evidence":${evidence}],"remediation":${remediation}],"alternatives":${alternatives}]}`;
  }
}

/** Null or an integer 0-255. */
function isByte(n: number | null): boolean {
  return n === null || (Number.isInteger(n) && n >= 0 && n <= 255);
}

function closeList(closes: readonly CloseEvent[]): string {
  if (closes.length === 0) return '[]';
  let s = '[';
  for (let i = 0; i < closes.length; i++) {
    const c = closes[i]!;
    s += `${i === 0 ? '' : ','}{"frame":${num(c.frame)},"by":${side(c.direction)},"kind":"${c.kind}","time":"${isoText(c.tsSec, c.tsNsec)}"}`;
  }
  return `${s}]`;
}
