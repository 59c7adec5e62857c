// The consumer of the stages up to `full` (FloorConsumer): per connection it frames records,
// skips every body but plaintext handshake and alert ones (and everything after
// ChangeCipherSpec or a TLS 1.3 ServerHello), gathers handshake messages, and, as far as the
// stage goes, parses ServerHello, Certificate (each DER interned), alerts and ClientHello, and
// lists the messages. Its line (--lines) is written by the `output` it is given.
import { figures } from './figures.mjs';
import { internCertificate } from './certificates.mjs';
import { POOLED, pool, wholeMessagesIn } from './handshake-buffers.mjs';
import { DELIVER, GATHER, SERVER, FULL } from './stages.mjs';
import { parseClientHello, parseServerHello } from './floor-hellos.mjs';

/** What the floor keeps per direction: the record header under way, the body left, the gathered handshake bytes. */
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

export class FloorConsumer {
  /** `stage`: up to which stage to work (stages.mjs); `output(consumer, info)`: writes its line at the end, or null. */
  constructor(control, stage, output) {
    this.control = control;
    this.stage = stage;
    this.output = output;
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
        if (this.stage >= GATHER) this.take(direction, s, bytes, i, n);
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
      if (this.stage >= DELIVER && !s.encrypted && (s.h0 === 22 || s.h0 === 21) && body > 0) {
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
      if (this.stage < SERVER) return;
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
      if (this.stage < SERVER) continue;
      // Two numbers a message, no object: the cheapest list there is.
      if (this.stage >= FULL) (this.messages ??= []).push(this.frame, (direction << 8) | type);
      if (type === 1) {
        if (this.stage >= FULL) { this.clientHello = parseClientHello(b, start, end); figures.hellos++; }
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
    if (this.clientHello !== null) figures.tls++;
    if (this.output !== null) this.output(this, info);
  }
}
