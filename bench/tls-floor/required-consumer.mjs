// The consumer of stage `required` (RequiredConsumer): everything issue 3 asks of the TLS layer,
// per connection. The record layer (headers read in place when whole, bodies handed on or
// skipped unseen, record versions per side), detection (TLS, SSLv2-compatible hello, or not TLS
// with what it looked like), handshake messages gathered and handed to the parsers
// (required-hellos.mjs, required-messages.mjs), ChangeCipherSpec and encryption state, encrypted
// records counted and classified (encrypted handshake, application data, encrypted alert by
// content type or by size and position), completion, resumption and renegotiation. Its line
// (--lines or --dump) is written by the `output` it is given (required-output.mjs).
//
// Each in the least costly way found: the same plain classes, numbers not strings, in-place
// reads and pooled buffers as the floor's consumer (floor-consumer.mjs), but with every length
// checked, every required message decoded and the connection model the report needs. Its own
// consumer, so that the stages up to `full` stay exactly what they were. Where it decides
// something (what counts as complete, an alert, a message's frame) it follows the analyzer's TLS
// layer (src/tls/connection-decoder.ts), so that the two can be compared field by field
// (bench/tls-floor-check.mjs).
import { classifyStreamStart, describeNonTlsStart } from '../../dist/tls/stream-start.js';
import { figures } from './figures.mjs';
import { POOLED, pool, wholeMessagesIn } from './handshake-buffers.mjs';
import { copyBytes, u16, u24 } from './byte-readers.mjs';
import { parseRequiredClientHello, parseRequiredServerHello, parseSslv2ClientHello } from './required-hellos.mjs';
import {
  clientKeyExchangeFits, parseCertificateRequest, parseRequiredCertificate, parseServerKeyExchange,
} from './required-messages.mjs';

/** "Skip the rest of this direction" (the reassembler's skips must stay below 2^31). */
const SKIP_ALL = 0x7fffffff;
/** 2^14 + 2048: the largest record body any version allows. */
const MAX_RECORD_BODY = 16384 + 2048;
/** Larger handshake messages are listed and skipped unread, as the analyzer's 256 KiB cap. */
const MAX_MESSAGE = 256 * 1024;
/** Handshake messages and alerts kept per connection. */
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
export const KINDS = ['no-payload', 'tls', 'not-tls'];
export const RESUMPTIONS = [null, 'session-id', 'ticket', 'psk'];
const BY_CONTENT_TYPE = 1, BY_SIZE_AND_POSITION = 2;

/**
 * A message list entry's second number: type and sender in one (type -1 for an encrypted
 * handshake record). The list keeps two numbers a message, no object (floor-consumer.mjs).
 */
export const messageCode = (type, direction) => (type + 1) * 2 + direction;
export const messageTypeOf = (code) => (code >> 1) - 1;
export const messageSenderOf = (code) => code & 1;

function isTls13Version(v) {
  const major = v >> 8;
  return v === 0x0304 || major === 0x7f || major === 0x7e || major === 0xfb;
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

export class RequiredConsumer {
  /** `output(consumer, info)`: writes its line at the end (--dump or --lines), or null. */
  constructor(control, output) {
    this.control = control;
    this.output = output;
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
    /** Handshake messages, two numbers each: frame (~frame until its record ends), messageCode(type, direction). */
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
      figures.hellos++;
      if (h === null) this.malformed++;
      else this.acceptClientHello(h, s, true);
    }
  }

  /** The handshake record ended: what its messages made shows at its last frame. */
  frameOpen(direction, s) {
    const m = this.messages;
    if (m !== null) for (let k = m.length - 2; k >= 0 && s.unframed > 0; k -= 2) {
      if (m[k] < 0 && messageSenderOf(m[k + 1]) === direction) { m[k] = this.frame; s.unframed--; }
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
    m.push(endsHere ? this.frame : ~this.frame, messageCode(type, direction));
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
        figures.hellos++;
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
    const done = messageCode(14, 1);
    const ske = messageCode(12, 1);
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
    if (this.clientHello !== null) figures.tls++;
    if (this.kind === NOT_TLS) figures.notTls++;
    if (this.handshakeComplete) figures.complete++;
    if (this.malformed > 0) figures.malformed++;
    if (this.output !== null) this.output(this, info);
  }
}
