import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';

/** A CertificateVerify: the scheme used (TLS 1.2 / 1.3) and the signature size. */
export interface CertificateVerify {
  /** SignatureScheme, or null before TLS 1.2. */
  signatureScheme: number | null;
  signatureLength: number;
  length: number;
}

/**
 * RFC 8446 §4.4.3 (TLS 1.2: RFC 5246 §7.4.8 `digitally-signed struct { opaque handshake_messages[...]; }`)
 * ```
 *   struct {
 *       SignatureScheme algorithm;
 *       opaque signature<0..2^16-1>;
 *   } CertificateVerify;
 * ```
 * Before TLS 1.2 there is no algorithm field.
 */
export function parseCertificateVerify(body: Cursor, options: { version: number }): ParseResult<CertificateVerify> {
  const length = body.remaining;
  let signatureScheme: number | null = null;
  if (options.version >= 0x0303) {
    signatureScheme = body.u16();
    if (signatureScheme < 0) return malformed('CertificateVerify shorter than its algorithm', 0);
  }
  const sig = body.vec16();
  if (!sig) return malformed('signature runs past the message', body.offset);
  if (!body.atEnd) return malformed(`${body.remaining} bytes after the signature`, body.offset);
  return parsed({ signatureScheme, signatureLength: sig.remaining, length });
}
