import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';
import type { CertificateInterner } from './certificate-interner.js';

/** One certificate of a Certificate message. */
export interface CertificateEntry {
  /**
   * The DER bytes: the interner's shared copy when one is given, else a view into a copy of the
   * certificate list, or into the body when `keepViews` allowed it.
   */
  der: Uint8Array;
  /** TLS 1.3 per-entry extension types (status_request, signed_certificate_timestamp, ...). */
  extensions: number[];
}

/** The request context of a TLS <= 1.2 Certificate (shared: empty). */
const NO_CONTEXT = new Uint8Array(0);

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
  maxCertificates?: number | undefined;
  /**
   * The body's bytes are the caller's to keep: each DER is a view into them. Default false:
   * the body may be a window of a larger capture buffer that must not be retained, so the
   * certificate list is copied once and the DERs are views into the copy.
   */
  keepViews?: boolean;
  /**
   * Gives each DER as a shared copy of its bytes (equal certificates of other connections are
   * one object): the list is then not copied, whatever `keepViews` says.
   */
  interner?: CertificateInterner | undefined;
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
  let requestContext = NO_CONTEXT;
  if (options.tls13) {
    const ctx = body.vec8();
    if (!ctx) return malformed('certificate_request_context runs past the message', 0);
    if (ctx.remaining > 0) requestContext = ctx.bytesView(ctx.remaining)!.slice();
  }
  const listAt = body.pos - base;
  let list = body.vec24();
  if (!list) return malformed('certificate_list runs past the message', listAt);
  if (!body.atEnd) return malformed(`${body.remaining} bytes after certificate_list`, body.pos - base);
  // Offsets in errors are relative to the message body: `origin` is where the body starts in
  // the bytes `list` reads.
  let origin = base;
  const interner = options.interner;
  if (!interner && !options.keepViews && list.remaining > 0) {
    // One copy of the whole list, the DERs views into it: a copy per certificate cost a
    // buffer each (docs/decisions.md).
    const copy = list.bytes.slice(list.start, list.end);
    origin = base - list.start;
    list = new Cursor(copy);
  }
  const entries: CertificateEntry[] = [];
  let omitted = 0;
  while (!list.atEnd) {
    const entryAt = list.pos - origin;
    const cert = list.vec24();
    if (!cert) return malformed('certificate runs past certificate_list', entryAt);
    if (cert.remaining === 0) return malformed('empty certificate entry', entryAt);
    const extensions: number[] = [];
    if (options.tls13) {
      const exts = list.vec16();
      if (!exts) return malformed('certificate entry extensions run past certificate_list', list.pos - origin);
      while (!exts.atEnd) {
        const type = exts.u16();
        if (type < 0 || !exts.vec16()) return malformed('certificate entry extension runs past its block', exts.pos - origin);
        extensions.push(type);
      }
    }
    if (entries.length < max) {
      const der = cert.bytesView(cert.remaining)!;
      entries.push({ der: interner ? interner.intern(der) : der, extensions });
    } else omitted++;
  }
  return parsed({ tls13: options.tls13, requestContext, entries, omitted, length });
}
