/**
 * The frames an engineer opens first for a failed handshake, added to whatever a rule cited:
 * what the client offered (the ClientHello), then the server message the cause turns on (its
 * Certificate, its CertificateRequest, or in TLS 1.3 the encrypted flight that holds them), then
 * the client's Certificate when the server judged it. The rule's own lines (the alert, the RST,
 * the certificate fact) stay; a context line is added only for a frame no line cites yet.
 */
import type { TlsConnectionModel } from '../tls/model.js';
import { arrow } from './describe.js';
import { clientHelloEvidence, lastClientHello } from './evidence.js';
import { findAbort, isTls13, serverAbortAfterClientFlight } from './handshake-state.js';
import type { CauseId, Diagnosis, Evidence } from './types.js';
import { byFrameOrder, stableSort } from './stable-sort.js';

/** Causes about the certificate the server sent: the client judged it. */
const SERVER_CERTIFICATE_CAUSES: ReadonlySet<CauseId> = new Set([
  'certificate-hostname-mismatch',
  'certificate-chain-incomplete',
  'certificate-chain-invalid',
  'certificate-expired',
  'certificate-not-yet-valid',
  'certificate-untrusted',
]);
const CLIENT_CERTIFICATE_CAUSES: ReadonlySet<CauseId> = new Set(['client-certificate-missing', 'client-certificate-rejected']);
/** Causes that only say how it ended: the context depends on who stopped after what. */
const OPEN_CAUSES: ReadonlySet<CauseId> = new Set(['unknown', 'connection-reset', 'sni-required']);

/**
 * The server's encrypted TLS 1.3 flight after its ServerHello (EncryptedExtensions,
 * [CertificateRequest], Certificate, CertificateVerify, Finished): its last frame and size.
 */
export function serverEncryptedFlight(conn: TlsConnectionModel): Evidence | null {
  const hello = conn.serverHello;
  if (!hello || !isTls13(conn)) return null;
  const firstClient = conn.messages.find((m) => m.direction === 0 && m.frame > hello.frame);
  const records = conn.messages.filter((m) => m.direction === 1 && m.type === -1 && m.frame >= hello.frame && (!firstClient || m.frame <= firstClient.frame));
  const last = records[records.length - 1];
  if (!last) return null;
  const bytes = records.reduce((n, m) => n + m.length, 0);
  const holds = hello.pskSelected ? 'a resumed handshake: no Certificate' : conn.certificateRequest ? 'Certificate, CertificateRequest' : 'its Certificate (and a CertificateRequest when it asks for one)';
  return {
    frame: last.frame,
    text: `frame ${last.frame}: server -> client encrypted handshake flight (${records.length} record${records.length === 1 ? '' : 's'}, ${bytes} bytes; holds ${holds}, unreadable without keys)`,
  };
}

/** TLS 1.2 and below: the server's Certificate message in clear. */
function serverCertificateMessage(conn: TlsConnectionModel): Evidence | null {
  const msg = conn.certificates.find((c) => c.direction === 1);
  if (!msg) return null;
  return { frame: msg.frame, text: `frame ${msg.frame}: ${arrow(1)} Certificate (${msg.chain.length} certificate${msg.chain.length === 1 ? '' : 's'})` };
}

/** The server's flight that carries its certificate: the clear message, or TLS 1.3's encrypted flight. */
function serverCertificateFlight(conn: TlsConnectionModel): Evidence | null {
  return serverCertificateMessage(conn) ?? serverEncryptedFlight(conn);
}

/** The server asking for a client certificate: TLS 1.2 CertificateRequest, or TLS 1.3's encrypted flight (which holds it). */
function certificateRequest(conn: TlsConnectionModel): Evidence | null {
  const cr = conn.certificateRequest;
  if (cr) {
    const n = cr.certificateAuthorities.length;
    return { frame: cr.frame, text: `frame ${cr.frame}: ${arrow(1)} CertificateRequest (${n} acceptable CA name${n === 1 ? '' : 's'})` };
  }
  return serverEncryptedFlight(conn);
}

/** TLS 1.2: the client's Certificate message answering a CertificateRequest. */
function clientCertificateMessage(conn: TlsConnectionModel): Evidence | null {
  const msg = conn.certificates.find((c) => c.direction === 0);
  if (!msg) return null;
  return { frame: msg.frame, text: `frame ${msg.frame}: ${arrow(0)} Certificate (${msg.chain.length} certificate${msg.chain.length === 1 ? '' : 's'})` };
}

/** Who stopped after what, for the open causes: the client after the server's flight, or the server after the client's. */
function openCauseContext(conn: TlsConnectionModel): (Evidence | null)[] {
  if (serverAbortAfterClientFlight(conn)) return [certificateRequest(conn)];
  const abort = findAbort(conn);
  if (!abort) return [];
  if (abort.by === 'client' && (abort.stage === 'server-flight' || abort.stage === 'complete')) return [serverCertificateFlight(conn)];
  if (abort.by === 'server' && abort.stage === 'client-flight') return [conn.certificateRequest ? certificateRequest(conn) : null, clientCertificateMessage(conn)];
  return [];
}

/** Context lines for a diagnosis of a failed handshake, before merging. */
export function handshakeContext(conn: TlsConnectionModel, cause: CauseId): Evidence[] {
  const hello = lastClientHello(conn);
  if (!hello || cause === 'none' || cause === 'not-tls') return [];
  const lines: (Evidence | null)[] = [clientHelloEvidence(hello)];
  if (SERVER_CERTIFICATE_CAUSES.has(cause)) lines.push(serverCertificateFlight(conn));
  else if (CLIENT_CERTIFICATE_CAUSES.has(cause)) lines.push(certificateRequest(conn), clientCertificateMessage(conn));
  else if (OPEN_CAUSES.has(cause)) lines.push(...openCauseContext(conn));
  return lines.filter((e): e is Evidence => e !== null);
}

/**
 * The diagnosis' evidence with the handshake context added: a line per frame not yet cited,
 * everything in frame order (ClientHello first, the abort last).
 */
export function withHandshakeContext(conn: TlsConnectionModel, d: Diagnosis): Evidence[] {
  if (d.outcome !== 'failed') return d.evidence;
  const cited = new Set(d.evidence.map((e) => e.frame));
  const added = handshakeContext(conn, d.cause).filter((e) => {
    if (cited.has(e.frame)) return false;
    cited.add(e.frame);
    return true;
  });
  if (added.length === 0) return d.evidence;
  // A stable sort keeps the rule's own order within one frame.
  return stableSort([...d.evidence, ...added], byFrameOrder);
}
