import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';
import { findExtension, parseExtensions, type Extension } from './extensions.js';

/** A decoded CertificateRequest (either form). */
export interface CertificateRequest {
  /** ClientCertificateType list (TLS 1.2 and earlier; empty in TLS 1.3). */
  certificateTypes: number[];
  /** SignatureScheme list (TLS 1.2 field, TLS 1.3 signature_algorithms extension); empty in TLS 1.0/1.1. */
  signatureAlgorithms: number[];
  /** DER of each acceptable CA DistinguishedName (a copy). */
  certificateAuthorities: Uint8Array[];
  /** TLS 1.3 certificate_request_context. */
  requestContext: Uint8Array;
  /** TLS 1.3 extensions. */
  extensionList: Extension[];
  length: number;
}

/** Options of {@link parseCertificateRequest}: the form depends on the negotiated version. */
export interface CertificateRequestOptions {
  /** Negotiated version: 0x0303 carries supported_signature_algorithms, 0x0304 (and drafts) is the TLS 1.3 form. */
  version: number;
  tls13: boolean;
}

/** `DistinguishedName certificate_authorities<0..2^16-1>` with `opaque DistinguishedName<1..2^16-1>`. */
function readAuthorities(list: Cursor, base: number): ParseResult<Uint8Array[]> {
  const out: Uint8Array[] = [];
  while (!list.atEnd) {
    const at = list.pos - base;
    const dn = list.vec16();
    if (!dn) return malformed('DistinguishedName runs past certificate_authorities', at);
    out.push(dn.bytesView(dn.remaining)!.slice());
  }
  return parsed(out);
}

/**
 * RFC 5246 §7.4.4 (TLS 1.2; RFC 4346 §7.4.4 without supported_signature_algorithms)
 * ```
 *   struct {
 *       ClientCertificateType certificate_types<1..2^8-1>;
 *       SignatureAndHashAlgorithm supported_signature_algorithms<2^16-1>;
 *       DistinguishedName certificate_authorities<0..2^16-1>;
 *   } CertificateRequest;
 * ```
 * RFC 8446 §4.3.2 (TLS 1.3)
 * ```
 *   struct {
 *       opaque certificate_request_context<0..2^8-1>;
 *       Extension extensions<2..2^16-1>;
 *   } CertificateRequest;
 * ```
 */
export function parseCertificateRequest(body: Cursor, options: CertificateRequestOptions): ParseResult<CertificateRequest> {
  const base = body.pos;
  const length = body.remaining;
  if (options.tls13) {
    const ctx = body.vec8();
    if (!ctx) return malformed('certificate_request_context runs past the message', 0);
    const extAt = body.pos - base;
    const block = parseExtensions(body, 'certificate_request');
    if (!block.ok) return block.incomplete ? malformed('extensions truncated', extAt) : malformed(block.malformed, extAt + block.offset);
    if (!body.atEnd) return malformed(`${body.remaining} bytes after the extensions`, body.pos - base);
    const exts = block.value.extensions;
    return parsed({
      certificateTypes: [],
      signatureAlgorithms: findExtension(exts, 'signature_algorithms')?.schemes ?? [],
      certificateAuthorities: findExtension(exts, 'certificate_authorities')?.authorities ?? [],
      requestContext: ctx.bytesView(ctx.remaining)!.slice(),
      extensionList: exts,
      length,
    });
  }
  const types = body.vec8();
  if (!types) return malformed('certificate_types runs past the message', 0);
  const certificateTypes: number[] = [];
  while (!types.atEnd) certificateTypes.push(types.u8());
  const signatureAlgorithms: number[] = [];
  if (options.version >= 0x0303) {
    const at = body.pos - base;
    const algs = body.vec16();
    if (!algs) return malformed('supported_signature_algorithms runs past the message', at);
    if (algs.remaining % 2 !== 0) return malformed('supported_signature_algorithms has odd length', at);
    while (!algs.atEnd) signatureAlgorithms.push(algs.u16());
  }
  const caAt = body.pos - base;
  const cas = body.vec16();
  if (!cas) return malformed('certificate_authorities runs past the message', caAt);
  const authorities = readAuthorities(cas, base);
  if (!authorities.ok) return authorities;
  if (!body.atEnd) return malformed(`${body.remaining} bytes after certificate_authorities`, body.pos - base);
  return parsed({
    certificateTypes,
    signatureAlgorithms,
    certificateAuthorities: authorities.value,
    requestContext: new Uint8Array(0),
    extensionList: [],
    length,
  });
}
