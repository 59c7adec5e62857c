/**
 * Mutual TLS: did the server turn the client down after the client's final flight, and did that
 * flight carry a client certificate? TLS 1.2 shows the CertificateRequest and the client's
 * Certificate in clear; TLS 1.3 encrypts both, so the client's flight is judged by its record
 * sizes (a Finished alone has a fixed size per hash; an empty Certificate adds 8 bytes of message
 * and, in its own record, 17 bytes of record overhead: 25 bytes). Only the first record counts.
 */
import type { TlsConnectionModel } from '../tls/model.js';
import { memoizedQuestion } from './connection-memo.js';
import { findAbort, isTls13, serverAbortAfterClientFlight, type AbortEvent } from './handshake-state.js';

export type ClientCertificateSent = 'sent' | 'empty' | 'none' | 'unknown';

export interface ClientAuthRefusal {
  abort: AbortEvent;
  /** Server alert in clear, or null (encrypted alert or close). */
  code: number | null;
  tls13: boolean;
  /** TLS 1.2: the CertificateRequest was seen; TLS 1.3: unknowable, inferred from the client's flight. */
  requestSeen: boolean;
  clientCertificate: ClientCertificateSent;
  /** How `clientCertificate` was known: "Certificate message in frame 57 with 0 entries". */
  how: string;
  /** Frame of the client's Certificate message or flight. */
  flightFrame: number | null;
}

const TLS_AES_256_GCM_SHA384 = 0x1302;
const TLS_AES_128_CCM_8_SHA256 = 0x1305;
/** Client Certificate messages above this size carry a certificate (the smallest real ones are a few hundred bytes). */
const CERTIFICATE_BYTES = 150;

/** The server aborted after the client's final flight. Null for any other shape. */
export function serverRefusedClient(conn: TlsConnectionModel): ClientAuthRefusal | null {
  return askRefusal(conn);
}

const askRefusal = memoizedQuestion(computeRefusal);

function computeRefusal(conn: TlsConnectionModel): ClientAuthRefusal | null {
  const tls13 = isTls13(conn);
  let abort: AbortEvent | null = null;
  if (tls13) abort = serverAbortAfterClientFlight(conn);
  if (!abort) {
    const a = findAbort(conn);
    if (a && a.by === 'server' && a.stage === 'client-flight') abort = a;
  }
  if (!abort) return null;
  const code = abort.kind === 'alert' ? (abort.alert?.description ?? null) : null;
  if (!tls13) {
    if (!conn.certificateRequest) return null;
    const msg = conn.certificates.find((c) => c.direction === 0 && c.frame <= abort!.frame);
    const clientCertificate: ClientCertificateSent = !msg ? 'none' : msg.chain.length === 0 ? 'empty' : 'sent';
    const how = msg ? `client Certificate message in frame ${msg.frame} with ${msg.chain.length} certificate${msg.chain.length === 1 ? '' : 's'}` : 'no client Certificate message';
    return { abort, code, tls13, requestSeen: true, clientCertificate, how, flightFrame: msg?.frame ?? null };
  }
  const flight = tls13ClientFlight(conn, abort.frame);
  return { abort, code, tls13, requestSeen: false, ...flight };
}

/** Reads the client's encrypted final flight by size. */
function tls13ClientFlight(conn: TlsConnectionModel, before: number): { clientCertificate: ClientCertificateSent; how: string; flightFrame: number | null } {
  const serverHelloFrame = conn.serverHello?.frame ?? 0;
  const records = conn.messages.filter((m) => m.direction === 0 && m.type === -1 && m.frame > serverHelloFrame && m.frame <= before && (conn.completedFrame === null || m.frame <= conn.completedFrame));
  if (records.length === 0) return { clientCertificate: 'unknown', how: "the client's final flight is not in the capture", flightFrame: null };
  const suite = conn.serverHello?.cipherSuite ?? conn.cipherSuite ?? 0;
  const hashLen = suite === TLS_AES_256_GCM_SHA384 ? 48 : 32;
  const tag = suite === TLS_AES_128_CCM_8_SHA256 ? 8 : 16;
  const finished = 4 + hashLen + 1 + tag;
  // Only the first record is judged: the decoder may count the records after it as
  // application data (it cannot see where the Finished ends the flight), and clients that
  // pack several messages in one record put the Certificate first anyway.
  const first = records[0]!;
  const frame = first.frame;
  const sizes = `first encrypted record ${first.length} bytes`;
  const emptyCertificateRecord = 4 + 3 + 1 + 1 + tag;
  if (first.length === finished) return { clientCertificate: 'none', how: `the client's final flight (${sizes}) starts with a record the size of a Finished: no Certificate message, so the server did not ask for one`, flightFrame: frame };
  if (first.length === emptyCertificateRecord || first.length === finished + 8) {
    return { clientCertificate: 'empty', how: `the client's final flight (${sizes}) starts with an empty Certificate message: the server asked for a certificate and the client had none`, flightFrame: frame };
  }
  if (first.length >= CERTIFICATE_BYTES) {
    return { clientCertificate: 'sent', how: `the client's final flight (${sizes}) is large enough to hold a certificate`, flightFrame: frame };
  }
  return { clientCertificate: 'unknown', how: `the client's final flight (${sizes}) does not tell whether it holds a certificate`, flightFrame: frame };
}
