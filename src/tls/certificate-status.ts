import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';

/** A CertificateStatus (stapled OCSP response). */
export interface CertificateStatus {
  /** 1 = ocsp. */
  statusType: number;
  /** The OCSP response DER (a copy). */
  response: Uint8Array;
}

/**
 * RFC 6066 §8
 * ```
 *   struct {
 *       CertificateStatusType status_type;
 *       select (status_type) { case ocsp: OCSPResponse response; } response;
 *   } CertificateStatus;
 *   opaque OCSPResponse<1..2^24-1>;
 * ```
 */
export function parseCertificateStatus(body: Cursor): ParseResult<CertificateStatus> {
  const statusType = body.u8();
  if (statusType < 0) return malformed('empty CertificateStatus', 0);
  const response = body.vec24();
  if (!response) return malformed('OCSPResponse runs past the message', 1);
  if (!body.atEnd) return malformed(`${body.remaining} bytes after the response`, body.offset);
  return parsed({ statusType, response: response.bytesView(response.remaining)!.slice() });
}
