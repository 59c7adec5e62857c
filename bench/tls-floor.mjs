// An experiment, not the analyzer: the least a TLS layer can do on top of bench/reassembly.mjs,
// to measure the floor of what TLS decoding costs over reassembly in Node on this machine
// (docs/decisions.md, "The floor: what any TLS layer and report cost in Node here"). Up to
// stage `full`, per connection it frames records, gathers plaintext handshake bodies (and only
// those: other records and everything after ChangeCipherSpec or a TLS 1.3 ServerHello are
// skipped unseen) and parses ClientHello (version, random, session id, suites, compression,
// extension codes, SNI, supported_versions, ALPN, groups, signature algorithms, key_share
// groups), ServerHello (version, suite, extensions, selected version), Certificate (each DER
// interned by its bytes) and plaintext alerts, and lists the handshake messages. No registries,
// no warnings, no checks of lengths, no other message decoded, no connection model beyond those
// fields. Stage `required` adds, in its own consumer, the least code that does everything issue 3
// asks of the TLS layer (see below).
//
//   node bench/tls-floor.mjs FILE [--stage frame|deliver|gather|server|full|required]
//                                 [--lines | --dump] > /dev/null
//
// --stage stops the work part way, to see what each part costs:
//   frame    records framed, every body skipped: what bench/reassembly.mjs does
//   deliver  + plaintext handshake and alert bodies handed over by the TCP layer, not kept
//   gather   + handshake bodies cut into messages (those split over records or segments
//            gathered into pooled 16 KiB buffers first)
//   server   + ServerHello, Certificate and alerts parsed
//   full     + ClientHello parsed, and the handshake messages (type, sender, frame) listed
//            (the default)
//   required what issue 3 requires, all of it, with every length checked (a truncated or corrupt
//            one gives a `malformed` count on the connection, never an exception or a read past
//            the message): a stream is TLS when it starts with a record header or an
//            SSLv2-compatible ClientHello, else not-tls with what it looked like
//            (describeNonTlsStart, once); record versions per side; encrypted records counted
//            and classified (encrypted handshake, application data, encrypted alert by content
//            type or by size and position) and skipped unseen; every ClientHello extension the
//            issue names decoded, GREASE marked; the SSLv2-compatible hello; ServerHello and
//            HelloRetryRequest; Certificate (TLS 1.2 and 1.3 forms), CertificateRequest,
//            ServerKeyExchange, ServerHelloDone, ClientKeyExchange, CertificateVerify,
//            Finished, NewSessionTicket, CertificateStatus, HelloRequest; messages framed at the
//            end of their record; completion, resumption and renegotiation. It follows the
//            analyzer's decisions (src/tls/connection-decoder.ts), and
//            bench/tls-floor-check.mjs compares the two field by field. Left out: the watch
//            for TLS after a plain preamble (STARTTLS, CONNECT), the hunt for a record header
//            in a capture that starts mid-connection, NULL-encryption suites read in clear,
//            SSL 2.0 past the compatible hello, warnings, names.
// --lines: also writes one JSON line per connection (its TCP facts, both hellos, alerts, the
// cached text of each certificate, handshake messages, closes, a fixed text of the size of a
// diagnosis) to stdout: the floor of an ndjson report, with no diagnosis worked out. At stage
// `required` the line has the report's shape and every field the stage has, and a smaller
// fixed text, so that lines average the real report's size as at `full`.
// --dump (stage `required` only): one JSON line per connection of every field the stage
// decodes, for bench/tls-floor-check.mjs (not for timing).
// Figures go to stderr as one JSON line. Run after `npm run build`.
import { reassembleCapture } from './reassemble-capture.mjs';
import { classifyStreamStart, describeNonTlsStart } from '../dist/tls/stream-start.js';
import { keyExchangeForm } from '../dist/tls/server-key-exchange.js';
import { createHash } from 'node:crypto';
import { statSync, writeSync } from 'node:fs';

const file = process.argv[2];
const lines = process.argv.includes('--lines');
const dump = process.argv.includes('--dump');
const STAGES = ['frame', 'deliver', 'gather', 'server', 'full', 'required'];
const stageArg = process.argv.indexOf('--stage');
const stage = STAGES.indexOf(stageArg > 0 ? process.argv[stageArg + 1] : 'full');
if (stage < 0) throw new Error(`--stage: one of ${STAGES.join(', ')}`);
const DELIVER = 1, GATHER = 2, SERVER = 3, FULL = 4, REQUIRED = 5;
if (dump && stage !== REQUIRED) throw new Error('--dump: only with --stage required');
if (dump && lines) throw new Error('--dump and --lines: one or the other');
let connections = 0;
let tls = 0;
let hellos = 0;
// Stage `required` only: connections not TLS, handshakes complete, and connections with a record or
// message malformed, over the size cap or cut by a gap (their `malformed` count).
let notTlsConnections = 0;
let completeHandshakes = 0;
let malformedConnections = 0;
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
// The same at stage `required`, whose lines carry more of the real fields (record versions,
// encrypted alerts, completion, resumption, what a non-TLS stream looked like): sized so that
// its lines too average the real report's 2,923 bytes on that capture.
const REQUIRED_FILLER = JSON.stringify({ cause: 'none', text: 'd'.repeat(564) });
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

// ---------------------------------------------------------------- stage `required`
//
// Everything issue 3 asks of the TLS layer, each in the least costly way found: the same plain
// classes, numbers not strings, in-place reads and pooled buffers as the stages above, but with
// every length checked, every required message decoded and the connection model the report
// needs. Its own consumer (RequiredConsumer), so that the stages above stay exactly what they
// were. Where it decides something (what counts as complete, an alert, a message's frame) it
// follows the analyzer's TLS layer (src/tls/connection-decoder.ts), so that the two can be
// compared field by field (bench/tls-floor-check.mjs).

/** "Skip the rest of this direction" (the reassembler's skips must stay below 2^31). */
const SKIP_ALL = 0x7fffffff;
/** 2^14 + 2048: the largest record body any version allows. */
const MAX_RECORD_BODY = 16384 + 2048;
/** Larger handshake messages are listed and skipped unread, as the analyzer's 256 KiB cap. */
const MAX_MESSAGE = 256 * 1024;
/** Certificates kept per Certificate message; messages and alerts kept per connection. */
const MAX_CERTIFICATES = 32;
const MAX_EVENTS = 512;
/** Largest SSLv2 record read in clear. */
const MAX_SSLV2_BODY = 32 * 1024;
/** Alert bodies in clear kept at most (several alerts may share a record). */
const MAX_SMALL_BODY = 64;
/** Encrypted alert sizes (2 bytes + content type + 16-byte tag, up to 24 with padding). */
const SHORT_MIN = 19, SHORT_MAX = 24, UNPADDED_ALERT = 19;

// Direction modes and what is done with the body of the record under way.
const DETECT = 0, RECORDS = 1, SSLV2 = 2, STOPPED = 3;
const SKIP = 0, HANDSHAKE = 1, ALERT = 2, CCS = 3, SSLV2_CLEAR = 4;
// Connection kinds, resumption kinds, how an encrypted alert was recognised.
const NO_PAYLOAD = 0, TLS = 1, NOT_TLS = 2;
const KINDS = ['no-payload', 'tls', 'not-tls'];
const RESUMPTIONS = [null, 'session-id', 'ticket', 'psk'];
const BY_CONTENT_TYPE = 1, BY_SIZE_AND_POSITION = 2;
// ServerKeyExchange / ClientKeyExchange kinds.
const KX_UNKNOWN = 0, KX_ECDHE = 1, KX_DHE = 2, KX_OPAQUE = 3;
const KX_NAMES = ['unknown', 'ecdhe', 'dhe', 'opaque'];
/** The two layouts tried for a ServerKeyExchange whose suite is not classified. */
const TRY_ECDHE = { params: 'ecdhe', pskHint: false, signed: true };
const TRY_DHE = { params: 'dhe', pskHint: false, signed: true };
// GREASE (RFC 8701) marks: which lists of a ClientHello hold a GREASE value.
const G_SUITES = 1, G_EXTENSIONS = 2, G_GROUPS = 4, G_VERSIONS = 8, G_SIGNATURES = 16, G_KEY_SHARES = 32;

const NO_BYTES = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8');
/** RFC 8446 4.1.3: SHA-256("HelloRetryRequest"). */
const HRR_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

const isGrease = (v) => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
const u16 = (b, p) => (b[p] << 8) | b[p + 1];
const u24 = (b, p) => (b[p] << 16) | (b[p + 1] << 8) | b[p + 2];
function isTls13Version(v) {
  const major = v >> 8;
  return v === 0x0304 || major === 0x7f || major === 0x7e || major === 0xfb;
}

function copyBytes(b, start, end) {
  const out = new Uint8Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = b[start + i];
  return out;
}

/** Text of a name: ASCII as is, anything else read as UTF-8 (as the analyzer does). */
function text(b, start, end) {
  for (let i = start; i < end; i++) if (b[i] >= 0x80) return utf8.decode(b.subarray(start, end));
  return String.fromCharCode.apply(null, b.subarray(start, end));
}

/** uint16 values of [p, end) (even length checked by the caller); GREASE ones set `bit` in h.grease. */
function u16s(h, bit, b, p, end) {
  const out = [];
  for (; p < end; p += 2) {
    const v = (b[p] << 8) | b[p + 1];
    if (bit !== 0 && isGrease(v)) h.grease |= bit;
    out.push(v);
  }
  return out;
}

function u8s(b, p, end) {
  const out = [];
  for (; p < end; p++) out.push(b[p]);
  return out;
}

/** A vector with a 1-byte (vec8) or 2-byte (vec16) length that fills [p, end) exactly: its content's start, or -1. */
const vec8Filling = (b, p, end) => (end - p >= 1 && p + 1 + b[p] === end ? p + 1 : -1);
const vec16Filling = (b, p, end) => (end - p >= 2 && p + 2 + u16(b, p) === end ? p + 2 : -1);

/** RFC 6066 ServerNameList filling [p, end): the first host_name, null when none, undefined when malformed. */
function hostName(b, p, end) {
  if (p === end) return null;
  const list = vec16Filling(b, p, end);
  if (list < 0) return undefined;
  let host = null;
  for (let q = list; q < end;) {
    if (end - q < 3) return undefined;
    const n = u16(b, q + 1);
    if (q + 3 + n > end) return undefined;
    if (b[q] === 0 && host === null) host = text(b, q + 3, q + 3 + n);
    q += 3 + n;
  }
  return host;
}

/** RFC 7301 ProtocolNameList filling [p, end), or null when malformed. */
function protocolNames(b, p, end) {
  const list = vec16Filling(b, p, end);
  if (list < 0) return null;
  const names = [];
  for (let q = list; q < end;) {
    const n = b[q];
    if (q + 1 + n > end) return null;
    names.push(text(b, q + 1, q + 1 + n));
    q += 1 + n;
  }
  return names;
}

/**
 * A ClientHello (TLS, or SSLv2-compatible). Lists are null while absent (the report shows []);
 * the first well-formed extension of a type counts, as in the analyzer.
 */
class RequiredClientHello {
  constructor(version, random) {
    this.frame = -1;
    this.recordVersion = 0;
    this.sslv2Format = false;
    this.version = version;
    this.random = random;
    this.sessionId = NO_BYTES;
    this.cipherSuites = null;
    this.compressionMethods = null;
    this.extensions = null;
    this.sniSeen = false;
    this.sni = null;
    this.supportedVersions = null;
    this.alpn = null;
    this.supportedGroups = null;
    this.ecPointFormats = null;
    this.signatureAlgorithms = null;
    this.signatureAlgorithmsCert = null;
    this.keyShareGroups = null;
    this.pskKeyExchangeModes = null;
    this.preSharedKey = false;
    this.statusRequest = false;
    this.renegotiationInfo = false;
    this.extendedMasterSecret = false;
    this.encryptThenMac = false;
    this.sessionTicket = false;
    this.sessionTicketLength = 0;
    this.recordSizeLimit = -1;
    this.compressCertificate = null;
    /** G_* bits: lists that hold a GREASE value. */
    this.grease = 0;
    /** Extensions whose content does not fit their type (left undecoded). */
    this.badExtensions = 0;
  }
}

/** Reads one ClientHello extension's data [p, end); false when it does not fit its type. */
function clientExtension(h, type, b, p, end) {
  switch (type) {
    case 0: { // server_name
      const host = hostName(b, p, end);
      if (host === undefined) return false;
      if (!h.sniSeen) { h.sniSeen = true; h.sni = host; }
      return true;
    }
    case 10: case 13: case 50: { // supported_groups, signature_algorithms, signature_algorithms_cert
      const list = vec16Filling(b, p, end);
      if (list < 0 || (end - list) % 2 !== 0) return false;
      if (type === 10) h.supportedGroups ??= u16s(h, G_GROUPS, b, list, end);
      else if (type === 13) h.signatureAlgorithms ??= u16s(h, G_SIGNATURES, b, list, end);
      else h.signatureAlgorithmsCert ??= u16s(h, 0, b, list, end);
      return true;
    }
    case 43: case 27: { // supported_versions, compress_certificate
      const list = vec8Filling(b, p, end);
      if (list < 0 || (end - list) % 2 !== 0) return false;
      if (type === 43) h.supportedVersions ??= u16s(h, G_VERSIONS, b, list, end);
      else h.compressCertificate ??= u16s(h, 0, b, list, end);
      return true;
    }
    case 11: case 45: { // ec_point_formats, psk_key_exchange_modes
      const list = vec8Filling(b, p, end);
      if (list < 0) return false;
      if (type === 11) h.ecPointFormats ??= u8s(b, list, end);
      else h.pskKeyExchangeModes ??= u8s(b, list, end);
      return true;
    }
    case 51: { // key_share: client_shares of (group, key_exchange)
      const list = vec16Filling(b, p, end);
      if (list < 0) return false;
      const groups = [];
      for (let q = list; q < end;) {
        if (end - q < 4 || q + 4 + u16(b, q + 2) > end) return false;
        const group = u16(b, q);
        if (isGrease(group)) h.grease |= G_KEY_SHARES;
        groups.push(group);
        q += 4 + u16(b, q + 2);
      }
      h.keyShareGroups ??= groups;
      return true;
    }
    case 16: { // ALPN
      const names = protocolNames(b, p, end);
      if (names === null) return false;
      h.alpn ??= names;
      return true;
    }
    case 41: { // pre_shared_key: identities (identity, obfuscated age), then binders
      if (end - p < 2) return false;
      const identitiesEnd = p + 2 + u16(b, p);
      if (identitiesEnd > end) return false;
      for (let q = p + 2; q < identitiesEnd;) {
        if (identitiesEnd - q < 2) return false;
        q += 2 + u16(b, q) + 4;
        if (q > identitiesEnd) return false;
      }
      if (vec16Filling(b, identitiesEnd, end) < 0) return false;
      h.preSharedKey = true;
      return true;
    }
    case 5: h.statusRequest = true; return true;
    case 65281: // renegotiation_info
      if (vec8Filling(b, p, end) < 0) return false;
      h.renegotiationInfo = true;
      return true;
    case 23: if (p !== end) return false; h.extendedMasterSecret = true; return true;
    case 22: if (p !== end) return false; h.encryptThenMac = true; return true;
    case 35: // session_ticket: its length is the ticket's
      if (!h.sessionTicket) { h.sessionTicket = true; h.sessionTicketLength = end - p; }
      return true;
    case 28: // record_size_limit
      if (end - p !== 2) return false;
      if (h.recordSizeLimit < 0) h.recordSizeLimit = u16(b, p);
      return true;
    default: return true;
  }
}

/** ClientHello body [p, end), or null when it is malformed (a length running past its parent). */
function parseRequiredClientHello(b, p, end) {
  if (end - p < 34) return null;
  const h = new RequiredClientHello(u16(b, p), copy32(b, p + 2));
  p += 34;
  if (end - p < 1 || b[p] > 32 || end - p - 1 < b[p]) return null;
  if (b[p] > 0) h.sessionId = copyBytes(b, p + 1, p + 1 + b[p]);
  p += 1 + b[p];
  if (end - p < 2) return null;
  const suites = u16(b, p);
  if (suites % 2 !== 0 || end - p - 2 < suites) return null;
  h.cipherSuites = u16s(h, G_SUITES, b, p + 2, p + 2 + suites);
  p += 2 + suites;
  if (end - p < 1 || end - p - 1 < b[p]) return null;
  h.compressionMethods = u8s(b, p + 1, p + 1 + b[p]);
  p += 1 + b[p];
  if (p === end) return h;
  if (end - p < 2 || p + 2 + u16(b, p) !== end) return null;
  const types = [];
  for (let q = p + 2; q < end;) {
    if (end - q < 4 || q + 4 + u16(b, q + 2) > end) return null;
    const type = u16(b, q);
    const s = q + 4;
    q = s + u16(b, q + 2);
    if (isGrease(type)) h.grease |= G_EXTENSIONS;
    types.push(type);
    if (!clientExtension(h, type, b, s, q)) h.badExtensions++;
  }
  h.extensions = types;
  return h;
}

/** SSLv2-compatible CLIENT-HELLO (RFC 5246 E.2): record body [p, end). */
function parseSslv2ClientHello(b, p, end) {
  if (end - p < 9 || b[p] !== 1) return null;
  const specs = u16(b, p + 3);
  const sessionId = u16(b, p + 5);
  const challenge = u16(b, p + 7);
  if (specs === 0 || specs % 3 !== 0 || sessionId > 32 || challenge < 16 || challenge > 32) return null;
  const at = p + 9;
  if (end - at < specs + sessionId + challenge) return null;
  const h = new RequiredClientHello(u16(b, p + 1), copyBytes(b, at + specs + sessionId, at + specs + sessionId + challenge));
  h.sslv2Format = true;
  h.recordVersion = 0x0002;
  const suites = [];
  for (let q = at; q < at + specs; q += 3) suites.push((b[q] << 16) | (b[q + 1] << 8) | b[q + 2]);
  h.cipherSuites = suites;
  if (sessionId > 0) h.sessionId = copyBytes(b, at + specs, at + specs + sessionId);
  return h;
}

/** A ServerHello or HelloRetryRequest. The session id is compared with the ClientHello's, not kept. */
class RequiredServerHello {
  constructor(version, helloRetryRequest) {
    this.frame = -1;
    this.recordVersion = 0;
    this.version = version;
    this.versionSeen = false;
    /** supported_versions' selected version when present, else `version`. */
    this.selectedVersion = version;
    this.helloRetryRequest = helloRetryRequest;
    this.sessionIdLength = 0;
    /** Its session id is the ClientHello's (non-empty). */
    this.sessionIdEchoed = false;
    this.cipherSuite = 0;
    this.compressionMethod = 0;
    this.extensions = null;
    this.alpnSeen = false;
    this.alpn = null;
    this.keyShareSeen = false;
    this.keyShareGroup = -1;
    this.selectedGroupSeen = false;
    this.pskSelected = false;
    this.extendedMasterSecret = false;
    this.renegotiationInfo = false;
    this.sessionTicket = false;
    this.badExtensions = 0;
  }
}

function serverExtension(h, type, b, p, end) {
  switch (type) {
    case 43: // supported_versions: the selected one
      if (end - p !== 2) return false;
      if (!h.versionSeen) { h.versionSeen = true; h.selectedVersion = u16(b, p); }
      return true;
    case 51: // key_share: HRR the group wanted, ServerHello the group of its share
      if (h.helloRetryRequest) {
        if (end - p !== 2) return false;
        if (!h.selectedGroupSeen) { h.selectedGroupSeen = true; h.keyShareGroup = u16(b, p); }
        return true;
      }
      if (p !== end && (end - p < 4 || p + 4 + u16(b, p + 2) !== end)) return false;
      if (!h.keyShareSeen) { h.keyShareSeen = true; h.keyShareGroup = p === end ? -1 : u16(b, p); }
      return true;
    case 41: if (end - p !== 2) return false; h.pskSelected = true; return true;
    case 16: {
      const names = protocolNames(b, p, end);
      if (names === null) return false;
      if (!h.alpnSeen) { h.alpnSeen = true; h.alpn = names.length > 0 ? names[0] : null; }
      return true;
    }
    case 23: if (p !== end) return false; h.extendedMasterSecret = true; return true;
    case 65281: if (vec8Filling(b, p, end) < 0) return false; h.renegotiationInfo = true; return true;
    case 35: h.sessionTicket = true; return true;
    case 0: return hostName(b, p, end) !== undefined;
    case 11: return vec8Filling(b, p, end) >= 0;
    default: return true;
  }
}

function isHelloRetryRandom(b, p) {
  for (let i = 0; i < 32; i++) if (b[p + i] !== HRR_RANDOM[i]) return false;
  return true;
}

/** ServerHello body [p, end), or null when malformed. `ch`: the ClientHello, for the session id echo. */
function parseRequiredServerHello(b, p, end, ch) {
  if (end - p < 34) return null;
  const version = u16(b, p);
  const h = new RequiredServerHello(version, isHelloRetryRandom(b, p + 2));
  p += 34;
  // TLS 1.3 drafts up to 21 had no session id and no compression method.
  const draft = version === 0x0304 || (version >= 0x7f00 && version <= 0x7f15);
  if (!draft) {
    const n = end - p >= 1 ? b[p] : 0;
    if (end - p < 1 || n > 32 || end - p - 1 < n) return null;
    h.sessionIdLength = n;
    if (n > 0 && ch !== null && ch.sessionId.length === n) {
      let same = true;
      for (let i = 0; same && i < n; i++) if (b[p + 1 + i] !== ch.sessionId[i]) same = false;
      h.sessionIdEchoed = same;
    }
    p += 1 + n;
  }
  if (end - p < 2) return null;
  h.cipherSuite = u16(b, p);
  p += 2;
  if (!draft) {
    if (end - p < 1) return null;
    h.compressionMethod = b[p++];
  }
  if (p === end) return h;
  if (end - p < 2 || p + 2 + u16(b, p) !== end) return null;
  const types = [];
  for (let q = p + 2; q < end;) {
    if (end - q < 4 || q + 4 + u16(b, q + 2) > end) return null;
    const type = u16(b, q);
    const s = q + 4;
    q = s + u16(b, q + 2);
    types.push(type);
    if (!serverExtension(h, type, b, s, q)) h.badExtensions++;
  }
  h.extensions = types;
  return h;
}

/** A Certificate message: its certificates as interned ids. */
class RequiredCertificates {
  constructor(direction, tls13, ids, omitted) {
    this.frame = -1;
    this.direction = direction;
    this.tls13 = tls13;
    this.ids = ids;
    this.omitted = omitted;
  }
}

/** Certificate body [p, end) (TLS 1.3 form: request context and per-entry extensions), or null. */
function parseRequiredCertificate(direction, tls13, b, p, end) {
  if (tls13) {
    if (end - p < 1 || p + 1 + b[p] > end) return null;
    p += 1 + b[p];
  }
  if (end - p < 3 || p + 3 + u24(b, p) !== end) return null;
  const ids = [];
  let omitted = 0;
  for (let q = p + 3; q < end;) {
    if (end - q < 3) return null;
    const n = u24(b, q);
    const der = q + 3;
    if (n === 0 || der + n > end) return null;
    q = der + n;
    if (tls13) {
      if (end - q < 2 || q + 2 + u16(b, q) > end) return null;
      const extEnd = q + 2 + u16(b, q);
      for (q += 2; q < extEnd;) {
        if (extEnd - q < 4 || q + 4 + u16(b, q + 2) > extEnd) return null;
        q += 4 + u16(b, q + 2);
      }
    }
    if (ids.length < MAX_CERTIFICATES) ids.push(internCertificate(b, der, der + n));
    else omitted++;
  }
  return new RequiredCertificates(direction, tls13, ids, omitted);
}

class RequiredKeyExchange {
  constructor(kind, group, dhPrimeBits, signatureScheme) {
    this.frame = -1;
    this.kind = kind;
    this.group = group;
    this.dhPrimeBits = dhPrimeBits;
    this.signatureScheme = signatureScheme;
  }
}

function bitLength(b, p, end) {
  while (p < end && b[p] === 0) p++;
  return p === end ? 0 : (end - p - 1) * 8 + (32 - Math.clz32(b[p]));
}

/** One ServerKeyExchange layout over [p, end), or null when the bytes do not fit it exactly. */
function keyExchangeIn(form, version, b, p, end) {
  if (form.pskHint) {
    if (end - p < 2 || p + 2 + u16(b, p) > end) return null;
    p += 2 + u16(b, p);
  }
  let group = -1;
  let bits = -1;
  if (form.params === 'ecdhe') {
    // ECParameters: named_curve (3), the group, then the point.
    if (end - p < 4 || b[p] !== 3 || p + 4 + b[p + 3] > end) return null;
    group = u16(b, p + 1);
    p += 4 + b[p + 3];
  } else {
    // dh_p, dh_g, dh_Ys.
    if (end - p < 2 || u16(b, p) === 0 || p + 2 + u16(b, p) > end) return null;
    bits = bitLength(b, p + 2, p + 2 + u16(b, p));
    p += 2 + u16(b, p);
    for (let k = 0; k < 2; k++) {
      if (end - p < 2 || p + 2 + u16(b, p) > end) return null;
      p += 2 + u16(b, p);
    }
  }
  let scheme = -1;
  if (form.signed) {
    if (version >= 0x0303) {
      if (end - p < 2) return null;
      scheme = u16(b, p);
      p += 2;
    }
    if (end - p < 2 || p + 2 + u16(b, p) > end) return null;
    p += 2 + u16(b, p);
  }
  if (p !== end) return null;
  return new RequiredKeyExchange(form.params === 'ecdhe' ? KX_ECDHE : KX_DHE, group, bits, scheme);
}

/** ServerKeyExchange by the negotiated suite; an unclassified suite tries ECDHE then DHE, else `unknown`. */
function parseServerKeyExchange(suite, version, b, p, end) {
  const form = keyExchangeForm(suite);
  if (form !== null) return keyExchangeIn(form, version, b, p, end);
  return keyExchangeIn(TRY_ECDHE, version, b, p, end) ?? keyExchangeIn(TRY_DHE, version, b, p, end) ?? new RequiredKeyExchange(KX_UNKNOWN, -1, -1, -1);
}

class RequiredCertificateRequest {
  constructor(certificateTypes, signatureAlgorithms, authorities) {
    this.frame = -1;
    this.certificateTypes = certificateTypes;
    this.signatureAlgorithms = signatureAlgorithms;
    /** Distinguished names of acceptable CAs: counted, not copied. */
    this.authorities = authorities;
  }
}

/** `DistinguishedName certificate_authorities<0..2^16-1>` filling [p, end): how many, or -1. */
function authorityCount(b, p, end) {
  let n = 0;
  for (; p < end; n++) {
    if (end - p < 2 || p + 2 + u16(b, p) > end) return -1;
    p += 2 + u16(b, p);
  }
  return n;
}

/** CertificateRequest (TLS 1.2 fields, or TLS 1.3 context and extensions), or null. */
function parseCertificateRequest(tls13, version, b, p, end) {
  if (tls13) {
    if (end - p < 1 || p + 1 + b[p] > end) return null;
    p += 1 + b[p];
    if (end - p < 2 || p + 2 + u16(b, p) !== end) return null;
    const cr = new RequiredCertificateRequest(null, null, 0);
    for (let q = p + 2; q < end;) {
      if (end - q < 4 || q + 4 + u16(b, q + 2) > end) return null;
      const type = u16(b, q);
      const s = q + 4;
      q = s + u16(b, q + 2);
      if (type === 13) {
        const list = vec16Filling(b, s, q);
        if (list < 0 || (q - list) % 2 !== 0) return null;
        cr.signatureAlgorithms ??= u16s(null, 0, b, list, q);
      } else if (type === 47) {
        const list = vec16Filling(b, s, q);
        const n = list < 0 ? -1 : authorityCount(b, list, q);
        if (n < 0) return null;
        cr.authorities = n;
      }
    }
    return cr;
  }
  if (end - p < 1 || p + 1 + b[p] > end) return null;
  const types = u8s(b, p + 1, p + 1 + b[p]);
  p += 1 + b[p];
  let schemes = null;
  if (version >= 0x0303) {
    if (end - p < 2 || u16(b, p) % 2 !== 0 || p + 2 + u16(b, p) > end) return null;
    schemes = u16s(null, 0, b, p + 2, p + 2 + u16(b, p));
    p += 2 + u16(b, p);
  }
  if (end - p < 2 || p + 2 + u16(b, p) !== end) return null;
  const n = authorityCount(b, p + 2, end);
  return n < 0 ? null : new RequiredCertificateRequest(types, schemes, n);
}

/** ClientKeyExchange: kind and public value length (-1 when opaque), or null when malformed. */
function clientKeyExchangeFits(c, suite, b, p, end) {
  const form = keyExchangeForm(suite);
  if (form === null) { c.clientKeyExchange = KX_OPAQUE; c.clientPublicLength = -1; return true; }
  if (form.pskHint) {
    if (end - p < 2 || p + 2 + u16(b, p) > end) return false;
    p += 2 + u16(b, p);
  }
  const head = form.params === 'ecdhe' ? 1 : 2;
  if (end - p < head) return false;
  const n = head === 1 ? b[p] : u16(b, p);
  if (n === 0 || p + head + n !== end) return false;
  c.clientKeyExchange = form.params === 'ecdhe' ? KX_ECDHE : KX_DHE;
  c.clientPublicLength = n;
  return true;
}

/** An alert: level and description -1 when encrypted. */
class RequiredAlert {
  constructor(frame, direction, level, description, inferredFrom, recordLength) {
    this.frame = frame;
    this.direction = direction;
    this.level = level;
    this.description = description;
    /** 0 read in clear, else BY_CONTENT_TYPE or BY_SIZE_AND_POSITION. */
    this.inferredFrom = inferredFrom;
    this.recordLength = recordLength;
  }
}

/** A short application-data record of TLS 1.3 whose meaning (encrypted alert or not) is settled later. */
class ShortRecord {
  constructor(countedAsHandshake, message, length, frame, afterCompletion) {
    this.countedAsHandshake = countedAsHandshake;
    /** Index of its encrypted-handshake entry in the message list, or -1. */
    this.message = message;
    this.length = length;
    this.frame = frame;
    this.afterCompletion = afterCompletion;
    this.settled = false;
  }
}

class RequiredSide {
  constructor() {
    this.mode = DETECT;
    /** Highest frame delivered: a record completes at it (as Wireshark and the analyzer report). */
    this.maxFrame = -1;
    /** First bytes kept while fewer than needed to tell TLS from not. */
    this.probe = null;
    // Record header under way (split over segments) and the record under way.
    this.have = 0;
    this.h0 = 0; this.h1 = 0; this.h2 = 0; this.h3 = 0;
    this.inRecord = false;
    this.action = SKIP;
    this.recordVersion = 0;
    this.recordLength = 0;
    this.remaining = 0;
    this.lastVersion = -1;
    this.versions = null;
    // Encryption state.
    this.encrypted = false;
    this.ccs = 0;
    this.ccsSeen = false;
    this.finishedSeen = false;
    this.earlyCcs = false;
    this.sentClientKeyExchange = false;
    this.smallFill = 0;
    this.ccsFirstByte = -1;
    this.small = null;
    // Handshake messages gathered (only those split over records or segments).
    this.hs = null;
    this.hsLen = 0;
    /** Version of the record that carried the first byte of the partial message in `hs`. */
    this.partialVersion = 0;
    /** Body bytes still to drop (a message over MAX_MESSAGE, or one cut by a gap). */
    this.discard = 0;
    /** Message framing lost in a gap: bytes are ignored until the next handshake record. */
    this.lost = false;
    /** Messages and objects of the handshake record under way, whose frame is the record's last. */
    this.unframed = 0;
    this.open = null;
    // Encrypted records: counts, and the TLS 1.3 client flight.
    this.encryptedHandshake = 0;
    this.encryptedHandshakeRecords = 0;
    this.applicationData = 0;
    this.applicationDataBytes = 0;
    this.firstApplicationDataFrame = -1;
    this.encryptedAlerts = 0;
    this.flightFrame = -1;
    this.flightFinished = false;
    this.flightRecordOpen = false;
    this.flightSpansOn = false;
    this.pendingShort = null;
    this.shortRun = null;
    // SSLv2 record read in clear.
    this.sslv2Records = 0;
    this.sslv2Body = null;
    this.sslv2Fill = 0;
  }
}

/** Length of a TLS 1.3 record holding only a Finished: header, hash, content type, tag. */
function tls13FinishedRecordLength(suite) {
  if (suite === 0x1302) return 4 + 48 + 1 + 16;
  if (suite === 0x1305) return 4 + 32 + 1 + 8;
  if (suite === 0x1301 || suite === 0x1303 || suite === 0x1304) return 4 + 32 + 1 + 16;
  return -1;
}

function emptyRun(run) {
  if (run !== null && run.length !== 0) run.length = 0;
}

class RequiredConsumer {
  constructor(control) {
    this.control = control;
    this.sides = [new RequiredSide(), new RequiredSide()];
    this.frame = 0;
    this.kind = NO_PAYLOAD;
    this.notTls = null;
    this.tls13 = false;
    this.clientHello = null;
    this.secondClientHello = null;
    this.serverHello = null;
    this.helloRetryRequest = null;
    this.version = -1;
    this.cipherSuite = -1;
    this.certificates = null;
    this.certificateRequest = null;
    this.serverKeyExchange = null;
    this.clientKeyExchange = -1;
    this.clientPublicLength = -1;
    this.certificateVerifyScheme = -1;
    this.finishedLength = -1;
    this.ticketLifetime = -1;
    this.ticketLength = -1;
    this.certificateStatusType = -1;
    /** Handshake messages, two numbers each: frame (~frame until its record ends), (type + 1) * 2 + direction. */
    this.messages = null;
    this.alerts = null;
    this.handshakeComplete = false;
    this.completedFrame = -1;
    this.renegotiation = false;
    this.resumption = 0;
    this.malformed = 0;
  }

  data(direction, bytes, offset, length, frame) {
    if (length <= 0) return;
    const s = this.sides[direction];
    if (s.mode === STOPPED) {
      this.control.skip(direction, SKIP_ALL);
      return;
    }
    if (frame > s.maxFrame) s.maxFrame = frame;
    this.frame = s.maxFrame;
    if (this.kind === NO_PAYLOAD) this.kind = TLS;
    let i = offset;
    if (s.mode === DETECT) {
      i = this.detect(direction, s, bytes, i, offset + length);
      if (i < 0) return;
    }
    this.records(direction, s, bytes, i, offset + length);
  }

  /** Classifies a direction's first bytes; returns where records start, or -1. */
  detect(direction, s, bytes, i, end) {
    let view = bytes;
    let start = i;
    let stop = end;
    const probe = s.probe;
    if (probe !== null) {
      view = new Uint8Array(probe.length + Math.min(end - i, 512));
      view.set(probe, 0);
      view.set(bytes.subarray(i, i + view.length - probe.length), probe.length);
      start = 0;
      stop = view.length;
    }
    const kind = classifyStreamStart(view, start, stop);
    if (kind === 'undecided') {
      s.probe = copyBytes(view, start, stop);
      return -1;
    }
    s.probe = null;
    if (kind === 'not-tls') {
      if (this.notTls === null) {
        this.kind = NOT_TLS;
        this.notTls = { lookedLike: describeNonTlsStart(view, start, stop), direction, frame: this.frame };
      }
      this.stop(direction, s);
      // The analyzer watches a side that has not spoken for TLS starting after a plain
      // exchange (STARTTLS...); the floor does not.
      const other = this.sides[direction ^ 1];
      if (other.mode === DETECT && other.probe === null) this.stop(direction ^ 1, other);
      return -1;
    }
    if (kind === 'sslv2-server-hello') {
      // An SSL 2.0 server: not decoded here.
      this.stop(direction, s);
      return -1;
    }
    s.mode = kind === 'tls-record' ? RECORDS : SSLV2;
    if (probe !== null) this.records(direction, s, probe, 0, probe.length);
    return i;
  }

  stop(direction, s) {
    s.mode = STOPPED;
    s.inRecord = false;
    this.dropPartial(s);
    this.control.skip(direction, SKIP_ALL);
  }

  /** The record layer: headers read (in place when whole), bodies handed on or skipped unseen. */
  records(direction, s, bytes, i, end) {
    while (i < end) {
      if (!s.inRecord) {
        if (s.mode === SSLV2 && s.have === 0) {
          // An SSLv2-format direction goes on in TLS records once they come.
          const b0 = bytes[i];
          if (b0 >= 20 && b0 <= 24 && (i + 1 >= end || bytes[i + 1] === 3)) s.mode = RECORDS;
        }
        let type, version, length;
        if (s.mode === SSLV2) {
          const byte = bytes[i++];
          if (s.have === 0) s.h0 = byte;
          else if (s.have === 1) s.h1 = byte;
          else s.h2 = byte;
          if (++s.have < ((s.h0 & 0x80) !== 0 ? 2 : 3)) continue;
          s.have = 0;
          if (!this.sslv2Record(direction, s)) return;
        } else {
          if (s.have === 0 && end - i >= 5) {
            type = bytes[i];
            version = u16(bytes, i + 1);
            length = u16(bytes, i + 3);
            i += 5;
          } else {
            const byte = bytes[i++];
            if (s.have === 0) s.h0 = byte;
            else if (s.have === 1) s.h1 = byte;
            else if (s.have === 2) s.h2 = byte;
            else if (s.have === 3) s.h3 = byte;
            if (++s.have < 5) continue;
            s.have = 0;
            type = s.h0;
            version = (s.h1 << 8) | s.h2;
            length = (s.h3 << 8) | byte;
          }
          if (type < 20 || type > 24 || version < 0x0300 || version > 0x0304 || length > MAX_RECORD_BODY) {
            this.malformed++;
            this.stop(direction, s);
            return;
          }
          this.startRecord(direction, s, type, version, length);
        }
        if (!s.inRecord) continue;
        if (s.action === HANDSHAKE && s.earlyCcs && !this.tls13 && this.serverHello === null) this.recordAfterEarlyCcs(direction, s, bytes, i, end);
        if (i === end && s.action === SKIP) {
          // The header ended the segment: the whole body is dropped unseen.
          this.control.skip(direction, s.remaining);
          s.inRecord = false;
        }
        continue;
      }
      const n = Math.min(s.remaining, end - i);
      switch (s.action) {
        case HANDSHAKE: this.handshakeBytes(direction, s, bytes, i, n, n === s.remaining); break;
        case ALERT: {
          const small = s.small ??= new Uint8Array(MAX_SMALL_BODY);
          for (let k = 0; k < n && s.smallFill < MAX_SMALL_BODY; k++) small[s.smallFill++] = bytes[i + k];
          break;
        }
        case CCS:
          if (s.smallFill === 0) s.ccsFirstByte = bytes[i];
          s.smallFill += n;
          break;
        case SSLV2_CLEAR:
          for (let k = 0; k < n && s.sslv2Fill < s.sslv2Body.length; k++) s.sslv2Body[s.sslv2Fill++] = bytes[i + k];
          break;
        default: break;
      }
      i += n;
      s.remaining -= n;
      if (s.remaining === 0) {
        s.inRecord = false;
        this.recordEnd(direction, s);
      } else if (s.action === SKIP && i === end) {
        // Never copied, never delivered: the reassembler drops the rest.
        if (s.flightRecordOpen) s.flightSpansOn = true;
        this.control.skip(direction, s.remaining);
        s.inRecord = false;
        return;
      }
    }
  }

  noteRecordVersion(s, version) {
    if (version === s.lastVersion) return;
    s.lastVersion = version;
    if (s.versions === null) s.versions = [version];
    else if (!s.versions.includes(version)) s.versions.push(version);
  }

  /** An SSLv2 record header (2 bytes, or 3 with padding): false when malformed (direction stopped). */
  sslv2Record(direction, s) {
    let length;
    let padding = 0;
    if ((s.h0 & 0x80) !== 0) length = ((s.h0 & 0x7f) << 8) | s.h1;
    else {
      length = ((s.h0 & 0x3f) << 8) | s.h1;
      padding = s.h2;
      if ((s.h0 & 0x40) !== 0) length = 0;
    }
    if (length === 0 || padding > length) {
      this.malformed++;
      this.stop(direction, s);
      return false;
    }
    this.noteRecordVersion(s, 0x0002);
    // Only the first (the SSLv2-compatible CLIENT-HELLO) is read; SSL 2.0 past it is not decoded.
    const clear = direction === 0 && s.sslv2Records++ === 0 && length <= MAX_SSLV2_BODY;
    s.action = clear ? SSLV2_CLEAR : SKIP;
    if (clear) { s.sslv2Body = new Uint8Array(length - padding); s.sslv2Fill = 0; }
    s.recordVersion = 0x0002;
    s.recordLength = length;
    s.remaining = length;
    s.inRecord = true;
    return true;
  }

  startRecord(direction, s, type, version, length) {
    this.noteRecordVersion(s, version);
    // A new record settles the previous short one of this side as what it was counted, unless
    // it is short too (a run); the other side's run is over.
    const runGoesOn = s.pendingShort !== null;
    s.pendingShort = null;
    emptyRun(this.sides[direction ^ 1].shortRun);
    s.flightRecordOpen = false;
    let action = SKIP;
    switch (type) {
      case 22:
        if (s.encrypted && !this.tls13) this.encryptedHandshakeRecord(direction, s);
        else {
          action = HANDSHAKE;
          if (s.lost) { s.lost = false; this.dropPartial(s); }
        }
        break;
      case 20:
        action = CCS;
        s.smallFill = 0;
        break;
      case 21:
        // A 2-byte alert has no room for a tag: in clear whatever the state.
        if (length === 2 || (!s.encrypted && length % 2 === 0 && length <= MAX_SMALL_BODY)) {
          action = ALERT;
          s.smallFill = 0;
        } else {
          this.pushAlert(new RequiredAlert(this.frame, direction, -1, -1, BY_CONTENT_TYPE, length));
          s.encryptedAlerts++;
        }
        break;
      case 23:
        this.applicationDataRecord(direction, s, length);
        break;
      default: break;
    }
    if (!runGoesOn) emptyRun(s.shortRun);
    if (s.pendingShort !== null) (s.shortRun ??= []).push(s.pendingShort);
    else emptyRun(s.shortRun);
    s.action = action;
    s.recordVersion = version;
    s.recordLength = length;
    s.remaining = length;
    s.inRecord = true;
    if (length === 0) {
      s.inRecord = false;
      this.recordEnd(direction, s);
    }
  }

  /**
   * After its early (TLS 1.3 compatibility) CCS a client sends a clear handshake record only as
   * a second ClientHello; anything else is the encrypted Finished of a TLS 1.2 resumption.
   */
  recordAfterEarlyCcs(direction, s, bytes, i, end) {
    const hello = end - i >= 4 ? bytes[i] === 1 && u24(bytes, i + 1) <= s.recordLength - 4 : this.helloRetryRequest !== null;
    if (hello) return;
    s.earlyCcs = false;
    s.ccsSeen = true;
    s.encrypted = true;
    s.action = SKIP;
    this.encryptedHandshakeRecord(direction, s);
  }

  recordEnd(direction, s) {
    if (s.unframed > 0 || (s.open !== null && s.open.length > 0)) this.frameOpen(direction, s);
    if (s.action === CCS) this.changeCipherSpec(direction, s, s.smallFill === 1 && s.ccsFirstByte === 1);
    else if (s.action === ALERT) {
      const small = s.small;
      let plausible = s.smallFill === s.recordLength;
      for (let k = 0; k < s.recordLength; k += 2) if (small[k] !== 1 && small[k] !== 2) plausible = false;
      if (!plausible) {
        // Not (level, description) pairs: a protected alert whose CCS was not seen.
        this.pushAlert(new RequiredAlert(this.frame, direction, -1, -1, BY_CONTENT_TYPE, s.recordLength));
        s.encryptedAlerts++;
        return;
      }
      for (let k = 0; k + 1 < s.recordLength; k += 2) this.pushAlert(new RequiredAlert(this.frame, direction, small[k], small[k + 1], 0, s.recordLength));
    } else if (s.action === SSLV2_CLEAR) {
      const body = s.sslv2Body;
      s.sslv2Body = null;
      this.pushMessage(direction, s, body.length > 0 ? body[0] : -1, true);
      const h = parseSslv2ClientHello(body, 0, body.length);
      hellos++;
      if (h === null) this.malformed++;
      else this.acceptClientHello(h, s, true);
    }
  }

  /** The handshake record ended: what its messages made shows at its last frame. */
  frameOpen(direction, s) {
    const m = this.messages;
    if (m !== null) for (let k = m.length - 2; k >= 0 && s.unframed > 0; k -= 2) {
      if (m[k] < 0 && (m[k + 1] & 1) === direction) { m[k] = this.frame; s.unframed--; }
    }
    if (s.open !== null) {
      for (let k = 0; k < s.open.length; k++) s.open[k].frame = this.frame;
      s.open.length = 0;
    }
  }

  /** An object made by a message of the handshake record under way: its frame is the record's last. */
  track(s, o, endsHere) {
    o.frame = this.frame;
    if (!endsHere) (s.open ??= []).push(o);
  }

  pushMessage(direction, s, type, endsHere) {
    const m = this.messages ??= [];
    if (m.length >= 2 * MAX_EVENTS) return -1;
    if (!endsHere) s.unframed++;
    // A frame not yet final is kept as ~frame: the frame it was seen at if its record never ends.
    m.push(endsHere ? this.frame : ~this.frame, (type + 1) * 2 + direction);
    return m.length - 2;
  }

  pushAlert(alert) {
    const a = this.alerts ??= [];
    if (a.length < MAX_EVENTS) a.push(alert);
  }

  /** Forgets the partial message, its buffer back to the pool. */
  dropPartial(s) {
    if (s.hs !== null && s.hs.length === POOLED) pool.push(s.hs);
    s.hs = null;
    s.hsLen = 0;
    s.discard = 0;
  }

  /**
   * n bytes of the handshake record under way: whole messages are read in place, one split
   * over records or segments is gathered first (in a pooled 16 KiB buffer, or a larger own one).
   */
  handshakeBytes(direction, s, bytes, i, n, endsHere) {
    if (s.lost) return;
    if (s.discard > 0) {
      const k = Math.min(s.discard, n);
      s.discard -= k;
      i += k;
      n -= k;
      if (n === 0) return;
    }
    let b = bytes;
    let p = i;
    let stop = i + n;
    const held = s.hsLen;
    if (held > 0 || !wholeMessagesIn(bytes, i, stop)) {
      if (s.hs === null) s.hs = pool.length > 0 && n <= POOLED ? pool.pop() : new Uint8Array(Math.max(n, POOLED));
      else if (held + n > s.hs.length) {
        const grown = new Uint8Array(Math.max(s.hs.length * 2, held + n));
        grown.set(s.hs.subarray(0, held));
        if (s.hs.length === POOLED) pool.push(s.hs);
        s.hs = grown;
      }
      s.hs.set(bytes.subarray(i, stop), held);
      s.hsLen = held + n;
      b = s.hs;
      p = 0;
      stop = s.hsLen;
    }
    while (stop - p >= 4) {
      const type = b[p];
      const len = u24(b, p + 1);
      const version = p === 0 && held > 0 ? s.partialVersion : s.recordVersion;
      if (len > MAX_MESSAGE) {
        // Listed, not decoded: its body is dropped as it comes.
        if (type === 16) s.sentClientKeyExchange = true;
        this.pushMessage(direction, s, type, endsHere);
        this.malformed++;
        s.discard = len - (stop - p - 4);
        p = stop;
        break;
      }
      if (stop - p - 4 < len) break;
      this.message(direction, s, type, b, p + 4, p + 4 + len, version, endsHere);
      p += 4 + len;
    }
    if (b === s.hs) {
      if (p < stop && (p > 0 || held === 0)) s.partialVersion = s.recordVersion;
      if (p > 0) {
        b.copyWithin(0, p, stop);
        s.hsLen = stop - p;
      }
      if (s.hsLen === 0 && b.length === POOLED) {
        pool.push(b);
        s.hs = null;
      }
    }
  }

  /** A whole handshake message, its body [start, end) of b. */
  message(direction, s, type, b, start, end, recordVersion, endsHere) {
    if (type === 16) s.sentClientKeyExchange = true;
    this.pushMessage(direction, s, type, endsHere);
    const sh = this.serverHello ?? this.helloRetryRequest;
    const version = sh !== null ? sh.selectedVersion : 0x0303;
    let ok = true;
    switch (type) {
      case 1: {
        const h = parseRequiredClientHello(b, start, end);
        hellos++;
        if (h === null) { ok = false; break; }
        h.recordVersion = recordVersion;
        this.acceptClientHello(h, s, endsHere);
        break;
      }
      case 2: {
        const h = parseRequiredServerHello(b, start, end, this.clientHello);
        if (h === null) { ok = false; break; }
        h.recordVersion = recordVersion;
        this.acceptServerHello(h, s, endsHere);
        break;
      }
      case 11: {
        const c = parseRequiredCertificate(direction, this.tls13, b, start, end);
        if (c === null) { ok = false; break; }
        (this.certificates ??= []).push(c);
        this.track(s, c, endsHere);
        break;
      }
      case 12: {
        const k = parseServerKeyExchange(this.cipherSuite, version, b, start, end);
        if (k === null) { ok = false; break; }
        if (this.serverKeyExchange === null) { this.serverKeyExchange = k; this.track(s, k, endsHere); }
        break;
      }
      case 13: {
        const r = parseCertificateRequest(this.tls13, version, b, start, end);
        if (r === null) { ok = false; break; }
        if (this.certificateRequest === null) { this.certificateRequest = r; this.track(s, r, endsHere); }
        break;
      }
      case 16: ok = clientKeyExchangeFits(this, this.cipherSuite, b, start, end); break;
      case 15: { // CertificateVerify: scheme (TLS 1.2 and later), signature
        let p = start;
        if (version >= 0x0303) {
          if (end - p < 2) { ok = false; break; }
          this.certificateVerifyScheme = u16(b, p);
          p += 2;
        }
        ok = end - p >= 2 && p + 2 + u16(b, p) === end;
        break;
      }
      case 4: { // NewSessionTicket: lifetime (TLS 1.3: age_add, nonce), ticket (TLS 1.3: extensions)
        let p = start + 4;
        if (this.tls13) p = end - p >= 5 ? p + 5 + b[p + 4] : end + 1;
        if (p + 2 > end || p + 2 + u16(b, p) > end) { ok = false; break; }
        const ticket = u16(b, p);
        p += 2 + ticket;
        if (this.tls13) {
          if (end - p < 2 || p + 2 + u16(b, p) !== end) { ok = false; break; }
          for (let q = p + 2; q < end;) {
            if (end - q < 4 || q + 4 + u16(b, q + 2) > end) { ok = false; break; }
            q += 4 + u16(b, q + 2);
          }
        } else ok = p === end;
        if (ok) { this.ticketLifetime = (b[start] * 0x1000000) + u24(b, start + 1); this.ticketLength = ticket; }
        break;
      }
      case 22: // CertificateStatus: type, OCSP response
        ok = end - start >= 4 && start + 4 + u24(b, start + 1) === end;
        if (ok) this.certificateStatusType = b[start];
        break;
      case 20: ok = end > start; if (ok) this.finishedLength = end - start; break;
      case 14: ok = end === start; break; // ServerHelloDone
      case 0: // HelloRequest: the server asks for a renegotiation
        ok = end === start;
        if (ok && direction === 1) this.renegotiation = true;
        break;
      default: break; // listed only
    }
    if (!ok) this.malformed++;
  }

  acceptClientHello(h, s, endsHere) {
    if (this.clientHello === null) this.clientHello = h;
    else if (this.helloRetryRequest !== null && this.secondClientHello === null && this.serverHello === null) this.secondClientHello = h;
    else {
      if (this.handshakeComplete) this.renegotiation = true;
      return;
    }
    this.track(s, h, endsHere);
  }

  acceptServerHello(h, s, endsHere) {
    if (h.helloRetryRequest) {
      if (this.helloRetryRequest === null) { this.helloRetryRequest = h; this.track(s, h, endsHere); }
      this.tls13 = true;
      if (this.serverHello === null) { this.version = h.selectedVersion; this.cipherSuite = h.cipherSuite; }
      return;
    }
    if (this.serverHello !== null) {
      if (this.handshakeComplete) this.renegotiation = true;
      return;
    }
    this.serverHello = h;
    this.track(s, h, endsHere);
    this.version = h.selectedVersion;
    this.cipherSuite = h.cipherSuite;
    if (isTls13Version(h.selectedVersion)) {
      // Everything after a TLS 1.3 ServerHello is protected, both ways (a compatibility CCS proves nothing).
      this.tls13 = true;
      this.sides[0].encrypted = true;
      this.sides[1].encrypted = true;
    }
  }

  changeCipherSpec(direction, s, wellFormed) {
    s.ccs++;
    if (!wellFormed && !s.encrypted) this.malformed++;
    if (this.tls13) return;
    // Before any ServerHello, from a client that offered TLS 1.3: the compatibility CCS.
    const offered = this.clientHello !== null ? this.clientHello.supportedVersions : null;
    let offered13 = false;
    if (offered !== null) for (let k = 0; k < offered.length; k++) if (isTls13Version(offered[k])) offered13 = true;
    if (this.serverHello === null && !s.sentClientKeyExchange && offered13) {
      s.earlyCcs = true;
      return;
    }
    s.ccsSeen = true;
    s.encrypted = true;
    s.finishedSeen = false;
  }

  /** TLS 1.2 and older: a handshake record after CCS, the Finished (or, once complete, a renegotiation). */
  encryptedHandshakeRecord(direction, s) {
    this.pushMessage(direction, s, -1, true);
    s.encryptedHandshake++;
    if (this.handshakeComplete) {
      this.renegotiation = true;
      return;
    }
    if (!s.finishedSeen) {
      s.finishedSeen = true;
      const other = this.sides[direction ^ 1];
      if (other.ccsSeen && other.finishedSeen) this.complete();
    }
  }

  complete() {
    this.handshakeComplete = true;
    this.completedFrame = this.frame;
  }

  /**
   * An application-data record, its body never read. In TLS 1.3 the server's records before the
   * client's flight and the client's first burst are the encrypted handshake; a short record
   * right after the server's flight is an alert; other short ones are settled at the end.
   */
  applicationDataRecord(direction, s, length) {
    if (!this.tls13 || !s.encrypted) {
      this.countApplicationData(s, length);
      return;
    }
    const short = length >= SHORT_MIN && length <= SHORT_MAX;
    const client = this.sides[0];
    const server = this.sides[1];
    if (direction === 1) {
      if (client.flightFrame < 0) {
        const m = this.tls13EncryptedHandshake(direction, s);
        if (short) s.pendingShort = new ShortRecord(true, m, length, this.frame, this.handshakeComplete);
      } else {
        this.countApplicationData(s, length);
        if (short) s.pendingShort = new ShortRecord(false, -1, length, this.frame, this.handshakeComplete);
      }
      return;
    }
    // The client's flight is the burst after the server's; a record of a lone Finished's size ends it.
    const inFlight = (s.flightFrame < 0 || s.flightFrame === this.frame || s.flightSpansOn) && !s.flightFinished;
    if (s.flightFrame < 0 && short && server.encryptedHandshakeRecords > 0) {
      this.pushAlert(new RequiredAlert(this.frame, direction, -1, -1, BY_SIZE_AND_POSITION, length));
      s.encryptedAlerts++;
      return;
    }
    if (inFlight) {
      const first = s.flightFrame < 0;
      const m = this.tls13EncryptedHandshake(direction, s);
      s.flightFrame = this.frame;
      s.flightRecordOpen = true;
      s.flightSpansOn = false;
      if (length === tls13FinishedRecordLength(this.cipherSuite)) s.flightFinished = true;
      if (short) s.pendingShort = new ShortRecord(true, m, length, this.frame, this.handshakeComplete);
      if (first && server.encryptedHandshakeRecords > 0 && !this.handshakeComplete) this.complete();
      return;
    }
    this.countApplicationData(s, length);
    if (short) s.pendingShort = new ShortRecord(false, -1, length, this.frame, this.handshakeComplete);
  }

  tls13EncryptedHandshake(direction, s) {
    s.encryptedHandshake++;
    s.encryptedHandshakeRecords++;
    return this.pushMessage(direction, s, -1, true);
  }

  countApplicationData(s, length) {
    s.applicationData++;
    s.applicationDataBytes += length;
    if (s.firstApplicationDataFrame < 0) s.firstApplicationDataFrame = this.frame;
  }

  /** The sender closed after a short record: it was (most probably) an encrypted alert. */
  settleShort(direction, p) {
    if (p.settled) return;
    p.settled = true;
    const s = this.sides[direction];
    s.pendingShort = null;
    if (p.countedAsHandshake) {
      s.encryptedHandshake--;
      s.encryptedHandshakeRecords--;
      if (p.message >= 0) this.removeMessage(p.message);
    } else {
      s.applicationData--;
      s.applicationDataBytes -= p.length;
      if (s.applicationData === 0) s.firstApplicationDataFrame = -1;
    }
    s.encryptedAlerts++;
    const alerts = this.alerts ??= [];
    if (alerts.length >= MAX_EVENTS) return;
    // In wire order, although settled late.
    let k = alerts.length;
    alerts.push(null);
    while (k > 0 && alerts[k - 1].frame > p.frame) { alerts[k] = alerts[k - 1]; k--; }
    alerts[k] = new RequiredAlert(p.frame, direction, -1, -1, BY_SIZE_AND_POSITION, p.length);
  }

  /** Removes message entry `at`; short records waiting with a later entry follow it down. */
  removeMessage(at) {
    const m = this.messages;
    m.copyWithin(at, at + 2);
    m.length -= 2;
    for (let d = 0; d < 2; d++) {
      const s = this.sides[d];
      const run = s.shortRun;
      if (run !== null) for (let k = 0; k < run.length; k++) if (run[k].message > at) run[k].message -= 2;
      const p = s.pendingShort;
      if (p !== null && p.message > at && (run === null || !run.includes(p))) p.message -= 2;
    }
  }

  gap(direction, missing) {
    const s = this.sides[direction];
    if (s.mode === STOPPED) return;
    if (s.mode === DETECT) {
      // Cannot tell whether it is TLS.
      this.stop(direction, s);
      return;
    }
    if (s.inRecord && missing < s.remaining) {
      // Inside the record: framing survives, its content is hit.
      s.remaining -= missing;
      if (s.action === HANDSHAKE) this.handshakeGap(s, missing);
      else if (s.action !== SKIP) { s.action = SKIP; s.sslv2Body = null; }
      return;
    }
    if ((s.inRecord && s.action === HANDSHAKE) || s.hsLen > 0 || s.discard > 0) this.handshakeGap(s, missing);
    // The next header is checked as every header is: a bad one stops the direction.
    s.inRecord = false;
    s.have = 0;
  }

  /** Bytes lost inside the handshake stream: the message under way is lost, framing kept by its length when known. */
  handshakeGap(s, missing) {
    this.malformed++;
    let left;
    if (s.discard > 0) left = s.discard;
    else if (s.hsLen >= 4) left = u24(s.hs, 1) - (s.hsLen - 4);
    else {
      this.dropPartial(s);
      s.lost = true;
      return;
    }
    this.dropPartial(s);
    if (missing < left) s.discard = left - missing;
    else if (missing > left) s.lost = true;
  }

  close(event) {
    const s = this.sides[event.direction];
    const p = s.pendingShort;
    if (p === null) return;
    s.pendingShort = null;
    if (p.length === UNPADDED_ALERT || !p.afterCompletion) this.settleShort(event.direction, p);
  }

  /** A side whose last records are all of alert size, after which the other side closed: alerts. */
  settleTrailingRun(direction, info) {
    const run = this.sides[direction].shortRun;
    if (run === null) return;
    let first = -1;
    for (let k = 0; k < run.length; k++) {
      const p = run[k];
      if (p.settled) continue;
      if (p.length !== UNPADDED_ALERT && p.afterCompletion) return;
      if (first < 0) first = p.frame;
    }
    if (first < 0) return;
    let closedAfter = false;
    for (let k = 0; k < info.closes.length; k++) {
      const c = info.closes[k];
      if (c.direction !== direction && c.frame >= first) closedAfter = true;
    }
    if (!closedAfter) return;
    for (let k = 0; k < run.length; k++) if (!run[k].settled) this.settleShort(direction, run[k]);
  }

  resumptionOf() {
    const ch = this.clientHello;
    const sh = this.serverHello;
    if (ch === null || sh === null) return 0;
    if (this.tls13) return sh.pskSelected ? 3 : 0;
    // Abbreviated: the server changed cipher spec without a certificate or key exchange.
    let abbreviated = this.sides[1].ccsSeen;
    const certs = this.certificates;
    if (certs !== null) for (let k = 0; abbreviated && k < certs.length; k++) if (certs[k].direction === 1) abbreviated = false;
    const m = this.messages;
    const done = (14 + 1) * 2 + 1;
    const ske = (12 + 1) * 2 + 1;
    if (m !== null) for (let k = 1; abbreviated && k < m.length; k += 2) if (m[k] === done || m[k] === ske) abbreviated = false;
    if (abbreviated && ch.sessionTicketLength > 0) return 2;
    if (sh.sessionIdEchoed) return 1;
    return 0;
  }

  end(info) {
    const m = this.messages;
    if (m !== null && (this.sides[0].unframed > 0 || this.sides[1].unframed > 0)) for (let k = 0; k < m.length; k += 2) if (m[k] < 0) m[k] = ~m[k];
    this.settleTrailingRun(0, info);
    this.settleTrailingRun(1, info);
    for (let d = 0; d < 2; d++) {
      const s = this.sides[d];
      s.pendingShort = null;
      s.shortRun = null;
      this.dropPartial(s);
    }
    this.resumption = this.resumptionOf();
    if (this.clientHello !== null) tls++;
    if (this.kind === NOT_TLS) notTlsConnections++;
    if (this.handshakeComplete) completeHandshakes++;
    if (this.malformed > 0) malformedConnections++;
    if (dump) writeDump(this, info);
    else if (lines) writeRequiredLine(this, info);
  }
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

// ---------------------------------------------------------------- stage `required`: output

const numbers = (list) => (list === null ? [] : list);
const sideName = (d) => (d === 0 ? 'client' : 'server');
const INFERRED = [null, 'content-type', 'size-and-position'];
const GREASE_LISTS = [[G_SUITES, 'cipherSuites'], [G_EXTENSIONS, 'extensions'], [G_GROUPS, 'supportedGroups'], [G_VERSIONS, 'supportedVersions'], [G_SIGNATURES, 'signatureAlgorithms'], [G_KEY_SHARES, 'keyShareGroups']];

function requiredMessages(flat) {
  const out = [];
  if (flat !== null) for (let k = 0; k < flat.length; k += 2) out.push({ frame: flat[k], sentBy: sideName(flat[k + 1] & 1), type: (flat[k + 1] >> 1) - 1 });
  return out;
}

function requiredAlerts(alerts) {
  const out = [];
  if (alerts !== null) {
    for (const a of alerts) {
      out.push({ frame: a.frame, sentBy: sideName(a.direction), level: a.level < 0 ? null : a.level, description: a.description < 0 ? null : a.description, encrypted: a.inferredFrom !== 0, inferredFrom: INFERRED[a.inferredFrom], recordLength: a.recordLength });
    }
  }
  return out;
}

/** Everything the stage decoded of a ClientHello. */
function clientHelloDump(h) {
  if (h === null) return null;
  return {
    frame: h.frame, recordVersion: h.recordVersion, sslv2Format: h.sslv2Format, version: h.version,
    random: Buffer.from(h.random).toString('hex'), sessionIdLength: h.sessionId.length,
    cipherSuites: numbers(h.cipherSuites), compressionMethods: numbers(h.compressionMethods), extensions: numbers(h.extensions),
    sni: h.sni, supportedVersions: numbers(h.supportedVersions), alpn: numbers(h.alpn), supportedGroups: numbers(h.supportedGroups),
    ecPointFormats: numbers(h.ecPointFormats), signatureAlgorithms: numbers(h.signatureAlgorithms),
    signatureAlgorithmsCert: numbers(h.signatureAlgorithmsCert), keyShareGroups: numbers(h.keyShareGroups),
    pskKeyExchangeModes: numbers(h.pskKeyExchangeModes), preSharedKey: h.preSharedKey, statusRequest: h.statusRequest,
    renegotiationInfo: h.renegotiationInfo, extendedMasterSecret: h.extendedMasterSecret, encryptThenMac: h.encryptThenMac,
    sessionTicket: h.sessionTicket, sessionTicketLength: h.sessionTicketLength,
    recordSizeLimit: h.recordSizeLimit < 0 ? null : h.recordSizeLimit, compressCertificate: numbers(h.compressCertificate),
    grease: GREASE_LISTS.filter(([bit]) => (h.grease & bit) !== 0).map(([, name]) => name), badExtensions: h.badExtensions,
  };
}

function serverHelloDump(h) {
  if (h === null) return null;
  return {
    frame: h.frame, recordVersion: h.recordVersion, version: h.version, selectedVersion: h.selectedVersion,
    helloRetryRequest: h.helloRetryRequest, sessionIdLength: h.sessionIdLength, sessionIdEchoed: h.sessionIdEchoed,
    cipherSuite: h.cipherSuite, compressionMethod: h.compressionMethod, extensions: numbers(h.extensions),
    alpn: h.alpn, keyShareGroup: h.keyShareGroup < 0 ? null : h.keyShareGroup, pskSelected: h.pskSelected,
    extendedMasterSecret: h.extendedMasterSecret, renegotiationInfo: h.renegotiationInfo, sessionTicket: h.sessionTicket,
    badExtensions: h.badExtensions,
  };
}

/** SHA-256 of an interned certificate, by its id (for --dump only: the bench's certificates are few). */
const certSha = [];
function certificateSha(id) {
  if (certSha[id] === undefined) {
    for (const bucket of certBuckets.values()) for (const e of bucket) certSha[e.id] ??= createHash('sha256').update(e.der).digest('hex');
  }
  return certSha[id];
}

function sideDump(s) {
  return {
    recordVersions: numbers(s.versions), changeCipherSpec: s.ccs,
    encrypted: {
      handshake: s.encryptedHandshake, applicationData: s.applicationData, alerts: s.encryptedAlerts,
      firstApplicationDataFrame: s.firstApplicationDataFrame < 0 ? null : s.firstApplicationDataFrame, applicationDataBytes: s.applicationDataBytes,
    },
  };
}

const orNull = (n) => (n < 0 ? null : n);

/** --dump: one JSON line of every field the stage decoded. */
function writeDump(c, info) {
  const ske = c.serverKeyExchange;
  const cr = c.certificateRequest;
  batch += JSON.stringify({
    id: info.id, kind: KINDS[c.kind],
    notTls: c.notTls === null ? null : { lookedLike: c.notTls.lookedLike, sentBy: sideName(c.notTls.direction), frame: c.notTls.frame },
    version: orNull(c.version), cipherSuite: orNull(c.cipherSuite), tls13: c.tls13,
    clientHello: clientHelloDump(c.clientHello), secondClientHello: clientHelloDump(c.secondClientHello),
    serverHello: serverHelloDump(c.serverHello), helloRetryRequest: serverHelloDump(c.helloRetryRequest),
    certificates: (c.certificates ?? []).map((m) => ({ frame: m.frame, sentBy: sideName(m.direction), tls13: m.tls13, sha256: m.ids.map(certificateSha), omitted: m.omitted })),
    serverKeyExchange: ske === null ? null : { frame: ske.frame, kind: KX_NAMES[ske.kind], group: orNull(ske.group), dhPrimeBits: orNull(ske.dhPrimeBits), signatureScheme: orNull(ske.signatureScheme) },
    certificateRequest: cr === null ? null : { frame: cr.frame, certificateTypes: numbers(cr.certificateTypes), signatureAlgorithms: numbers(cr.signatureAlgorithms), authorities: cr.authorities },
    clientKeyExchange: c.clientKeyExchange < 0 ? null : { kind: KX_NAMES[c.clientKeyExchange], publicValueLength: orNull(c.clientPublicLength) },
    certificateVerifyScheme: orNull(c.certificateVerifyScheme), finishedLength: orNull(c.finishedLength),
    newSessionTicket: c.ticketLength < 0 ? null : { lifetime: c.ticketLifetime, ticketLength: c.ticketLength },
    certificateStatusType: orNull(c.certificateStatusType),
    messages: requiredMessages(c.messages), alerts: requiredAlerts(c.alerts),
    client: sideDump(c.sides[0]), server: sideDump(c.sides[1]),
    handshakeComplete: c.handshakeComplete, completedFrame: orNull(c.completedFrame),
    resumption: RESUMPTIONS[c.resumption], renegotiation: c.renegotiation, malformed: c.malformed,
  }) + '\n';
  if (batch.length > 1 << 20) { writeSync(1, batch); batch = ''; }
}

/**
 * --lines at stage `required`: the report's line (its shape and the fields the stage has, in
 * wire values) with a fixed text standing for the diagnosis and the names, as `full` writes.
 */
function writeRequiredLine(c, info) {
  const ch = c.clientHello;
  const sh = c.serverHello;
  const hrr = c.helloRetryRequest;
  const nt = c.notTls;
  let line = JSON.stringify({
    id: info.id, client: { ip: info.clientIp, port: info.clientPort }, server: { ip: info.serverIp, port: info.serverPort },
    roleSource: info.roleSource, firstFrame: info.firstFrame, lastFrame: info.lastFrame,
    start: new Date(info.firstTsSec * 1000).toISOString(), end: new Date(info.lastTsSec * 1000).toISOString(),
    version: orNull(c.version), cipherSuite: orNull(c.cipherSuite), sni: ch === null ? null : ch.sni,
    clientHello: ch === null ? null : {
      frame: ch.frame, recordVersion: ch.recordVersion, version: ch.version, supportedVersions: numbers(ch.supportedVersions),
      cipherSuites: ch.cipherSuites, extensions: numbers(ch.extensions), sni: ch.sni, alpn: numbers(ch.alpn), sslv2Format: ch.sslv2Format,
      compressionMethods: numbers(ch.compressionMethods), supportedGroups: numbers(ch.supportedGroups),
      signatureAlgorithms: numbers(ch.signatureAlgorithms), keyShareGroups: numbers(ch.keyShareGroups),
      sessionIdLength: ch.sessionId.length, sessionTicket: ch.sessionTicket, preSharedKey: ch.preSharedKey,
    },
    serverHello: sh === null ? null : serverHelloLine(sh), helloRetryRequest: hrr === null ? null : serverHelloLine(hrr),
    alerts: c.alerts === null ? [] : c.alerts.map((a) => ({ frame: a.frame, sentBy: sideName(a.direction), level: orNull(a.level), description: orNull(a.description), encrypted: a.inferredFrom !== 0 })),
    messages: requiredMessages(c.messages),
    recordVersions: { client: numbers(c.sides[0].versions), server: numbers(c.sides[1].versions) },
    closes: info.closes, handshakeComplete: c.handshakeComplete, resumption: RESUMPTIONS[c.resumption],
    notTls: nt === null ? null : { lookedLike: nt.lookedLike, sentBy: sideName(nt.direction), frame: nt.frame },
  });
  line = line.slice(0, -1) + ',"certificates":[';
  let first = true;
  for (const m of c.certificates ?? []) for (const id of m.ids) { line += (first ? '' : ',') + certTexts[id]; first = false; }
  line += '],"diagnosis":' + REQUIRED_FILLER + '}';
  batch += line + '\n';
  if (batch.length > 1 << 20) { writeSync(1, batch); batch = ''; }
}

function serverHelloLine(h) {
  return {
    frame: h.frame, recordVersion: h.recordVersion, version: h.version, selectedVersion: h.selectedVersion, cipherSuite: h.cipherSuite,
    extensions: numbers(h.extensions), helloRetryRequest: h.helloRetryRequest, alpn: h.alpn,
    keyShareGroup: orNull(h.keyShareGroup), compressionMethod: h.compressionMethod,
  };
}

const t0 = process.hrtime.bigint();
const summary = await reassembleCapture(file, (_info, control) => {
  connections++;
  return stage === REQUIRED ? new RequiredConsumer(control) : new FloorConsumer(control);
}, warn);
if (batch.length > 0) writeSync(1, batch);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = process.cpuUsage();
console.error(JSON.stringify({
  stage: `tls-floor ${STAGES[stage]}${lines ? ' + lines' : ''}`, bytes: statSync(file).size, packets: summary.packets, connections, tls, hellos,
  distinctCertificates: certTexts.length,
  ...(stage === REQUIRED ? { notTls: notTlsConnections, complete: completeHandshakes, malformed: malformedConnections } : {}), ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS, warnings,
}));
