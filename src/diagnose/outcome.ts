/**
 * The outcome of a handshake judged from the wire alone (no certificate facts): established,
 * failed, incomplete (the capture cannot tell) or not TLS.
 */
import type { TlsConnectionModel } from '../tls/model.js';
import { findAbort, serverAbortAfterClientFlight, sideSilent } from './handshake-state.js';
import type { Outcome } from './types.js';

/**
 * - `not-tls`: one side does not speak TLS.
 * - no payload at all: `failed` when the server closed or reset the connection (it refused
 *   the client), else `incomplete` (an unanswered SYN, or a client that left without a hello).
 * - `established`: the handshake completed and no fatal alert came during it; in TLS 1.3 a
 *   server that alerts or closes right after the client's final flight (mutual TLS rejection)
 *   makes it `failed` although the client believed it finished.
 * - `failed`: a fatal alert, or an alert/close_notify/FIN/RST, before completion.
 * - `incomplete`: the capture ended mid-handshake with nothing closing it, or it holds only one
 *   direction of a handshake that went on.
 */
export function outcomeOf(conn: TlsConnectionModel): Outcome {
  if (isNotTls(conn)) return 'not-tls';
  if (conn.kind === 'no-payload') {
    return conn.tcp.closes.some((c) => c.direction === 1) ? 'failed' : 'incomplete';
  }
  if (conn.handshakeComplete) {
    return serverAbortAfterClientFlight(conn) ? 'failed' : 'established';
  }
  const abort = findAbort(conn);
  if (!abort) return 'incomplete';
  if (abort.kind === 'alert') return 'failed';
  // A capture with only the client's side of a handshake that went on (its second flight or
  // data is there, so the server did answer) shows nothing about the server: not a failure.
  if (sideSilent(conn, 'server') && clientWentOn(conn)) return 'incomplete';
  // Without the ClientHello (capture started later) only a fatal alert in clear proves a failure:
  // a FIN after application data is an ordinary close of a handshake we did not see.
  if (!conn.clientHello) return 'incomplete';
  return 'failed';
}

/** True when outcomeOf says `not-tls`: one side does not speak TLS. */
export function isNotTls(conn: TlsConnectionModel): boolean {
  return conn.kind === 'not-tls' || conn.notTls !== null;
}

/** The client sent more than its hello: it must have heard the server. */
function clientWentOn(conn: TlsConnectionModel): boolean {
  return conn.messages.some((m) => m.direction === 0 && m.type !== 1) || conn.encrypted[0].applicationData > 0 || conn.changeCipherSpec.some((c) => c.direction === 0);
}
