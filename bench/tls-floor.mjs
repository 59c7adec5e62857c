// An experiment, not the analyzer: the least a TLS layer can do on top of bench/reassembly.mjs,
// to measure the floor of what TLS decoding costs over reassembly in Node on this machine
// (docs/decisions.md, "The floor of a TLS layer in Node"). Per connection it frames records,
// gathers plaintext handshake bodies (and only those: other records and everything after
// ChangeCipherSpec or a TLS 1.3 ServerHello are skipped unseen) and parses ClientHello (version,
// random, session id, suites, compression, extension codes, SNI, supported_versions, ALPN,
// groups, signature algorithms, key_share groups), ServerHello (version, suite, extensions,
// selected version), Certificate (each DER interned by its bytes) and plaintext alerts, and lists
// the handshake messages. No registries, no warnings, no checks of lengths, no other message
// decoded, no connection model beyond those fields.
//
//   node bench/tls-floor.mjs FILE [--stage frame|deliver|gather|server|full] [--lines] > /dev/null
//
// --stage stops the work part way, to see what each part costs:
//   frame    records framed, every body skipped: what bench/reassembly.mjs does
//   deliver  + plaintext handshake and alert bodies handed over by the TCP layer, not kept
//   gather   + handshake bodies cut into messages (those split over records or segments
//            gathered into pooled 16 KiB buffers first)
//   server   + ServerHello, Certificate and alerts parsed
//   full     + ClientHello parsed, and the handshake messages (type, sender, frame) listed
//            (the default)
// --lines: also writes one JSON line per connection (its TCP facts, both hellos, alerts, the
// cached text of each certificate, handshake messages, closes, a fixed text of the size of a
// diagnosis) to stdout: the floor of an ndjson report, with no diagnosis worked out.
// Figures go to stderr as one JSON line. Run after `npm run build`.
import { reassembleCapture } from './reassemble-capture.mjs';
import { statSync, writeSync } from 'node:fs';

const file = process.argv[2];
const lines = process.argv.includes('--lines');
const STAGES = ['frame', 'deliver', 'gather', 'server', 'full'];
const stageArg = process.argv.indexOf('--stage');
const stage = STAGES.indexOf(stageArg > 0 ? process.argv[stageArg + 1] : 'full');
if (stage < 0) throw new Error(`--stage: one of ${STAGES.join(', ')}`);
const DELIVER = 1, GATHER = 2, SERVER = 3, FULL = 4;
let connections = 0;
let tls = 0;
let hellos = 0;
const warnings = [];
const warn = (frame, text) => { if (warnings.length < 5) warnings.push({ frame, text }); };

// Certificates interned by DER: bucket by length, compare bytes.
const certBuckets = new Map();
const certTexts = [];
function internCertificate(bytes, start, end) {
  const len = end - start;
  let bucket = certBuckets.get(len);
  if (bucket === undefined) { bucket = []; certBuckets.set(len, bucket); }
  const view = Buffer.from(bytes.buffer, bytes.byteOffset + start, len);
  for (let i = 0; i < bucket.length; i++) if (Buffer.compare(bucket[i].der, view) === 0) return bucket[i].id;
  const id = certTexts.length;
  bucket.push({ der: Buffer.from(view), id });
  // Stands for the report's per-certificate fields, written once per distinct DER.
  certTexts.push(JSON.stringify({ id, length: len, text: 'x'.repeat(560) }));
  return id;
}

function latin1(b, start, end) {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(b[i]);
  return text;
}

function copy32(b, p) {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = b[p + i];
  return out;
}

function u16list(b, p, end) {
  const out = [];
  for (; p + 1 < end; p += 2) out.push((b[p] << 8) | b[p + 1]);
  return out;
}

function parseClientHello(b, p, end) {
  const h = {
    version: (b[p] << 8) | b[p + 1], random: copy32(b, p + 2), sessionIdLength: 0,
    cipherSuites: null, compression: null, extensions: [], sni: null, supportedVersions: null,
    alpn: null, groups: null, signatureAlgorithms: null, keyShareGroups: null,
  };
  p += 34;
  h.sessionIdLength = b[p]; p += 1 + b[p];
  const cs = (b[p] << 8) | b[p + 1]; p += 2;
  h.cipherSuites = u16list(b, p, p + cs); p += cs;
  const cm = b[p]; p += 1;
  h.compression = Array.from(b.subarray(p, p + cm)); p += cm;
  if (p + 2 > end) return h;
  const extEnd = Math.min(end, p + 2 + ((b[p] << 8) | b[p + 1])); p += 2;
  while (p + 4 <= extEnd) {
    const type = (b[p] << 8) | b[p + 1];
    const len = (b[p + 2] << 8) | b[p + 3];
    const s = p + 4;
    const e = Math.min(extEnd, s + len);
    h.extensions.push(type);
    switch (type) {
      case 0: { // server_name: list length, type, name length, name
        if (e - s >= 5 && b[s + 2] === 0) {
          const n = (b[s + 3] << 8) | b[s + 4];
          h.sni = latin1(b, s + 5, s + 5 + Math.min(n, e - s - 5));
        }
        break;
      }
      case 43: h.supportedVersions = u16list(b, s + 1, Math.min(e, s + 1 + b[s])); break;
      case 16: {
        const names = [];
        for (let q = s + 2; q < e; q += 1 + b[q]) names.push(latin1(b, q + 1, q + 1 + b[q]));
        h.alpn = names;
        break;
      }
      case 10: h.groups = u16list(b, s + 2, e); break;
      case 13: h.signatureAlgorithms = u16list(b, s + 2, e); break;
      case 51: {
        const groups = [];
        for (let q = s + 2; q + 4 <= e; q += 4 + ((b[q + 2] << 8) | b[q + 3])) groups.push((b[q] << 8) | b[q + 1]);
        h.keyShareGroups = groups;
        break;
      }
      default: break;
    }
    p = s + len;
  }
  return h;
}

function parseServerHello(b, p, end) {
  const h = { version: (b[p] << 8) | b[p + 1], random: copy32(b, p + 2), cipherSuite: 0, compression: 0, extensions: [], selectedVersion: 0 };
  p += 34;
  p += 1 + b[p];
  h.cipherSuite = (b[p] << 8) | b[p + 1];
  h.compression = b[p + 2];
  p += 3;
  if (p + 2 > end) return h;
  const extEnd = Math.min(end, p + 2 + ((b[p] << 8) | b[p + 1])); p += 2;
  while (p + 4 <= extEnd) {
    const type = (b[p] << 8) | b[p + 1];
    const len = (b[p + 2] << 8) | b[p + 3];
    h.extensions.push(type);
    if (type === 43 && len === 2) h.selectedVersion = (b[p + 4] << 8) | b[p + 5];
    p += 4 + len;
  }
  return h;
}

class Side {
  constructor() {
    this.have = 0;
    this.h0 = 0; this.h3 = 0; this.h4 = 0;
    this.recordType = 0;
    this.bodyLeft = 0;
    this.encrypted = false;
    this.hs = null;
    this.hsLen = 0;
  }
}

// Handshake bytes are gathered in 16 KiB buffers taken from here and given back at the end of
// the connection (a fresh ArrayBuffer per connection costs more than the parsing).
const POOLED = 16384;
const MESSAGE_NAMES = { 1: 'client_hello', 2: 'server_hello', 4: 'new_session_ticket', 8: 'encrypted_extensions', 11: 'certificate', 12: 'server_key_exchange', 13: 'certificate_request', 14: 'server_hello_done', 15: 'certificate_verify', 16: 'client_key_exchange', 20: 'finished' };
// Stands for what the floor does not work out: the diagnosis (385 bytes a line on average in
// the real report of the 1 GB bench capture) and the named fields (cipher suite and version
// names, record versions, outcome...). Sized so that the lines average the real report's
// 2,923 bytes on that capture, as if all of it were text cached per cause or per value.
const DIAGNOSIS = JSON.stringify({ cause: 'none', text: 'd'.repeat(1077) });
const pool = [];

/** Whether bytes[i, stop) holds only whole handshake messages. */
function wholeMessagesIn(bytes, i, stop) {
  while (stop - i >= 4) {
    const len = (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3];
    if (stop - i - 4 < len) return false;
    i += 4 + len;
  }
  return i === stop;
}

class FloorConsumer {
  constructor(control) {
    this.control = control;
    this.sides = [new Side(), new Side()];
    this.notTls = false;
    this.clientHello = null;
    this.serverHello = null;
    this.certificates = null;
    this.alerts = null;
    this.messages = null;
    this.frame = 0;
  }

  data(direction, bytes, offset, length, frame) {
    if (this.notTls) return;
    this.frame = frame;
    const s = this.sides[direction];
    for (let i = offset, end = offset + length; i < end;) {
      if (s.bodyLeft > 0) {
        // Only plaintext handshake and alert bodies get here.
        const n = Math.min(s.bodyLeft, end - i);
        if (stage >= GATHER) this.take(direction, s, bytes, i, n);
        s.bodyLeft -= n;
        i += n;
        continue;
      }
      const byte = bytes[i++];
      if (s.have === 0) {
        if (byte < 20 || byte > 24) { this.notTls = true; return; }
        s.h0 = byte;
      } else if (s.have === 3) s.h3 = byte;
      else if (s.have === 4) s.h4 = byte;
      if (++s.have < 5) continue;
      s.have = 0;
      const body = (s.h3 << 8) | s.h4;
      if (s.h0 === 20) s.encrypted = true;
      if (stage >= DELIVER && !s.encrypted && (s.h0 === 22 || s.h0 === 21) && body > 0) {
        s.recordType = s.h0;
        s.bodyLeft = body;
        continue;
      }
      const here = Math.min(body, end - i);
      i += here;
      if (body > here) {
        this.control.skip(direction, body - here);
        return;
      }
    }
  }

  take(direction, s, bytes, i, n) {
    if (s.recordType === 21) {
      if (stage < SERVER) return;
      if (this.alerts === null) this.alerts = [];
      if (n >= 2) this.alerts.push({ direction, level: bytes[i], description: bytes[i + 1] });
      return;
    }
    let b = bytes;
    let p = i;
    let stop = i + n;
    if (s.hsLen > 0 || !wholeMessagesIn(bytes, i, stop)) {
      // Only messages split over records or segments are copied; whole ones are read in place.
      if (s.hs === null) s.hs = pool.length > 0 && n <= POOLED ? pool.pop() : new Uint8Array(Math.max(n, POOLED));
      else if (s.hsLen + n > s.hs.length) {
        const grown = new Uint8Array(Math.max(s.hs.length * 2, s.hsLen + n));
        grown.set(s.hs.subarray(0, s.hsLen));
        s.hs = grown;
      }
      s.hs.set(bytes.subarray(i, i + n), s.hsLen);
      s.hsLen += n;
      b = s.hs;
      p = 0;
      stop = s.hsLen;
    }
    while (stop - p >= 4) {
      const len = (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
      if (stop - p - 4 < len) break;
      const type = b[p];
      const start = p + 4;
      const end = start + len;
      p = end;
      // Without the parse a TLS 1.3 server side is never marked encrypted: no matter here, as
      // its encrypted records all travel as application data (type 23), skipped anyway.
      if (stage < SERVER) continue;
      // Two numbers a message, no object: the cheapest list there is.
      if (stage >= FULL) (this.messages ??= []).push(this.frame, (direction << 8) | type);
      if (type === 1) {
        if (stage >= FULL) { this.clientHello = parseClientHello(b, start, end); hellos++; }
      } else if (type === 2) {
        const sh = parseServerHello(b, start, end);
        this.serverHello = sh;
        if (sh.selectedVersion === 0x0304) s.encrypted = true;
      } else if (type === 11) {
        const ids = [];
        let q = start + 3;
        while (q + 3 <= end) {
          const cl = (b[q] << 16) | (b[q + 1] << 8) | b[q + 2];
          if (q + 3 + cl > end) break;
          ids.push(internCertificate(b, q + 3, q + 3 + cl));
          q += 3 + cl;
        }
        this.certificates = ids;
      }
    }
    if (b === s.hs && p > 0) {
      b.copyWithin(0, p, s.hsLen);
      s.hsLen -= p;
    }
  }

  gap() { this.notTls = true; }
  close() {}
  end(info) {
    for (const side of this.sides) {
      if (side.hs !== null && side.hs.length === POOLED) pool.push(side.hs);
      side.hs = null;
    }
    if (this.clientHello !== null) tls++;
    if (lines) writeLine(this, info);
  }
}

function messageList(flat) {
  if (flat === null) return null;
  const out = [];
  for (let i = 0; i < flat.length; i += 2) {
    const type = flat[i + 1] & 255;
    out.push({ frame: flat[i], sentBy: flat[i + 1] >> 8 === 0 ? 'client' : 'server', type, name: MESSAGE_NAMES[type] ?? 'unknown' });
  }
  return out;
}

// One literal each, not a spread (a spread copy of a many-field object is slow in V8).
function clientHelloFields(h) {
  return {
    version: h.version, sessionIdLength: h.sessionIdLength, cipherSuites: h.cipherSuites, compression: h.compression,
    extensions: h.extensions, sni: h.sni, supportedVersions: h.supportedVersions, alpn: h.alpn, groups: h.groups,
    signatureAlgorithms: h.signatureAlgorithms, keyShareGroups: h.keyShareGroups,
  };
}

function serverHelloFields(h) {
  return { version: h.version, cipherSuite: h.cipherSuite, compression: h.compression, extensions: h.extensions, selectedVersion: h.selectedVersion };
}

let batch = '';
function writeLine(c, info) {
  let line = JSON.stringify({
    id: info.id, client: { ip: info.clientIp, port: info.clientPort }, server: { ip: info.serverIp, port: info.serverPort },
    roleSource: info.roleSource, firstFrame: info.firstFrame, lastFrame: info.lastFrame,
    start: new Date(info.firstTsSec * 1000).toISOString(), end: new Date(info.lastTsSec * 1000).toISOString(),
    clientHello: c.clientHello === null ? null : clientHelloFields(c.clientHello),
    serverHello: c.serverHello === null ? null : serverHelloFields(c.serverHello),
    alerts: c.alerts, messages: messageList(c.messages), closes: info.closes,
  });
  if (c.certificates !== null) {
    line = line.slice(0, -1) + ',"certificates":[';
    for (let i = 0; i < c.certificates.length; i++) line += (i ? ',' : '') + certTexts[c.certificates[i]];
    line += ']}';
  }
  line = line.slice(0, -1) + ',"diagnosis":' + DIAGNOSIS + '}';
  batch += line + '\n';
  if (batch.length > 1 << 20) { writeSync(1, batch); batch = ''; }
}

const t0 = process.hrtime.bigint();
const summary = await reassembleCapture(file, (_info, control) => {
  connections++;
  return new FloorConsumer(control);
}, warn);
if (batch.length > 0) writeSync(1, batch);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = process.cpuUsage();
console.error(JSON.stringify({
  stage: `tls-floor ${STAGES[stage]}${lines ? ' + lines' : ''}`, bytes: statSync(file).size, packets: summary.packets, connections, tls, hellos,
  distinctCertificates: certTexts.length, ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS, warnings,
}));
