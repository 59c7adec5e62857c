import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';

/** One certificate of a Certificate message. */
export interface CertificateEntry {
  /** The DER bytes (a copy). */
  der: Uint8Array;
  /** TLS 1.3 per-entry extension types (status_request, signed_certificate_timestamp, ...). */
  extensions: number[];
}

/** A decoded Certificate message. */
export interface Certificate {
  tls13: boolean;
  /** TLS 1.3 certificate_request_context (empty for a server's certificate). */
  requestContext: Uint8Array;
  /** Entries kept, in wire order (at most `maxCertificates`). */
  entries: CertificateEntry[];
  /** Entries present on the wire but not kept because of `maxCertificates`. */
  omitted: number;
  length: number;
}

/** Options of {@link parseCertificate}. */
export interface CertificateOptions {
  /** TLS 1.3 form (negotiated version 0x0304 or a draft). */
  tls13: boolean;
  /** Entries kept at most; the others are counted in `omitted`. Default: unlimited. */
  maxCertificates?: number;
}

/**
 * RFC 5246 §7.4.2 (TLS 1.2 and earlier)
 * ```
 *   opaque ASN.1Cert<1..2^24-1>;
 *   struct { ASN.1Cert certificate_list<0..2^24-1>; } Certificate;
 * ```
 * RFC 8446 §4.4.2 (TLS 1.3)
 * ```
 *   struct {
 *       select (certificate_type) { ... case X509: opaque cert_data<1..2^24-1>; };
 *       Extension extensions<0..2^16-1>;
 *   } CertificateEntry;
 *   struct {
 *       opaque certificate_request_context<0..2^8-1>;
 *       CertificateEntry certificate_list<0..2^24-1>;
 *   } Certificate;
 * ```
 * An empty list is valid: a client without a certificate answers a CertificateRequest so.
 */
export function parseCertificate(body: Cursor, options: CertificateOptions): ParseResult<Certificate> {
  const base = body.pos;
  const length = body.remaining;
  const max = options.maxCertificates ?? Number.POSITIVE_INFINITY;
  let requestContext = new Uint8Array(0);
  if (options.tls13) {
    const ctx = body.vec8();
    if (!ctx) return malformed('certificate_request_context runs past the message', 0);
    requestContext = ctx.bytesView(ctx.remaining)!.slice();
  }
  const listAt = body.pos - base;
  const list = body.vec24();
  if (!list) return malformed('certificate_list runs past the message', listAt);
  if (!body.atEnd) return malformed(`${body.remaining} bytes after certificate_list`, body.pos - base);
  const entries: CertificateEntry[] = [];
  let omitted = 0;
  while (!list.atEnd) {
    const entryAt = list.pos - base;
    const cert = list.vec24();
    if (!cert) return malformed('certificate runs past certificate_list', entryAt);
    if (cert.remaining === 0) return malformed('empty certificate entry', entryAt);
    const extensions: number[] = [];
    if (options.tls13) {
      const exts = list.vec16();
      if (!exts) return malformed('certificate entry extensions run past certificate_list', list.pos - base);
      while (!exts.atEnd) {
        const type = exts.u16();
        if (type < 0 || !exts.vec16()) return malformed('certificate entry extension runs past its block', exts.pos - base);
        extensions.push(type);
      }
    }
    if (entries.length < max) entries.push({ der: cert.bytesView(cert.remaining)!.slice(), extensions });
    else omitted++;
  }
  return parsed({ tls13: options.tls13, requestContext, entries, omitted, length });
}
