/**
 * The server turned the ClientHello down (alert, FIN or RST right after it), or the client turned
 * the ServerHello down: the negotiation causes (version, cipher suite, SNI) start here.
 */
import type { ClientHelloModel, TlsConnectionModel } from '../tls/model.js';
import { cipherSuiteInfo } from '../tls/registry/index.js';
import { memoizedQuestion } from './connection-memo.js';
import { lastClientHello } from './evidence.js';
import { findAbort, type AbortEvent } from './handshake-state.js';

export interface HelloRefusal {
  abort: AbortEvent;
  hello: ClientHelloModel;
  /** Alert description in clear, or null (FIN/RST). */
  code: number | null;
}

/** The server answered the (last) ClientHello with an alert or a close, and nothing else. */
export function serverRefusedHello(conn: TlsConnectionModel): HelloRefusal | null {
  return askServerRefusal(conn);
}

const askServerRefusal = memoizedQuestion(computeServerRefusal);

function computeServerRefusal(conn: TlsConnectionModel): HelloRefusal | null {
  const abort = findAbort(conn);
  const hello = lastClientHello(conn);
  if (!abort || !hello || abort.by !== 'server' || abort.stage !== 'client-hello') return null;
  if (abort.kind === 'encrypted-alert') return null;
  return { abort, hello, code: abort.kind === 'alert' ? (abort.alert?.description ?? null) : null };
}

/** The client refused the server's hello (the ServerHello was its last message). */
export function clientRefusedServerHello(conn: TlsConnectionModel): HelloRefusal | null {
  return askClientRefusal(conn);
}

const askClientRefusal = memoizedQuestion(computeClientRefusal);

function computeClientRefusal(conn: TlsConnectionModel): HelloRefusal | null {
  const abort = findAbort(conn);
  const hello = lastClientHello(conn);
  if (!abort || !hello || !conn.serverHello || abort.by !== 'client' || abort.stage !== 'server-flight') return null;
  return { abort, hello, code: abort.kind === 'alert' ? (abort.alert?.description ?? null) : null };
}

/** True when the registry calls the suite insecure (NULL, anonymous, export, RC4, DES, 3DES...); unknown codes are not judged. */
export function isWeakSuite(code: number): boolean {
  return cipherSuiteInfo(code)?.insecure != null;
}
