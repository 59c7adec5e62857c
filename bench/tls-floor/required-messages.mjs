// The parsers of stage `required` for the other handshake messages whose fields the report
// needs: Certificate (TLS 1.2 and 1.3 forms, each DER interned, at most MAX_CERTIFICATES kept),
// ServerKeyExchange (by the negotiated suite's layout, or tried as ECDHE then DHE),
// CertificateRequest (TLS 1.2 and 1.3 forms) and ClientKeyExchange. Every length is checked: a
// malformed message gives null (or false), never an exception or a read past it. The messages
// with a field or two (CertificateVerify, NewSessionTicket, Finished...) are read where the
// consumer meets them (required-consumer.mjs).
import { keyExchangeForm } from '../../dist/tls/server-key-exchange.js';
import { internCertificate } from './certificates.mjs';
import { u16, u24, u16s, u8s, vec16Filling } from './byte-readers.mjs';

/** Certificates kept per Certificate message. */
const MAX_CERTIFICATES = 32;
// ServerKeyExchange / ClientKeyExchange kinds.
const KX_UNKNOWN = 0, KX_ECDHE = 1, KX_DHE = 2, KX_OPAQUE = 3;
export const KX_NAMES = ['unknown', 'ecdhe', 'dhe', 'opaque'];
/** The two layouts tried for a ServerKeyExchange whose suite is not classified. */
const TRY_ECDHE = { params: 'ecdhe', pskHint: false, signed: true };
const TRY_DHE = { params: 'dhe', pskHint: false, signed: true };

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
export function parseRequiredCertificate(direction, tls13, b, p, end) {
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
export function parseServerKeyExchange(suite, version, b, p, end) {
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
export function parseCertificateRequest(tls13, version, b, p, end) {
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
export function clientKeyExchangeFits(c, suite, b, p, end) {
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
