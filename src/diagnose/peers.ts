/**
 * Evidence from the other connections of the capture to the same server (step 5 of DESIGN.md
 * "How the diagnosis is made"): what the server accepted from other hellos.
 */
import type { TlsConnectionModel } from '../tls/model.js';

/** A peer whose ServerHello was answered (not a HelloRetryRequest): the server accepted that hello. */
export function acceptedPeers(peers: readonly TlsConnectionModel[]): TlsConnectionModel[] {
  return peers.filter((p) => p.serverHello !== null && !p.serverHello.helloRetryRequest);
}

/** Peers that sent server_name and got a ServerHello. */
export function peersAcceptedWithSni(peers: readonly TlsConnectionModel[]): TlsConnectionModel[] {
  return acceptedPeers(peers).filter((p) => (p.secondClientHello ?? p.clientHello)?.sni);
}

/** Versions the server negotiated elsewhere, with one connection id each. */
export function negotiatedVersions(peers: readonly TlsConnectionModel[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of acceptedPeers(peers)) {
    const v = p.serverHello!.selectedVersion;
    if (!out.has(v)) out.set(v, p.tcp.id);
  }
  return out;
}

/** Cipher suites the server chose elsewhere, with one connection id each. */
export function chosenSuites(peers: readonly TlsConnectionModel[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of acceptedPeers(peers)) {
    const s = p.serverHello!.cipherSuite;
    if (!out.has(s)) out.set(s, p.tcp.id);
  }
  return out;
}

/** DER equality, for "the same certificate". */
export function sameDer(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The server's certificate chain of a connection (first Certificate message from the server), or null. */
export function serverChainOf(conn: TlsConnectionModel): Uint8Array[] | null {
  const msg = conn.certificates.find((c) => c.direction === 1);
  return msg && msg.chain.length > 0 ? msg.chain : null;
}

/**
 * Peers that completed a handshake with the same server leaf certificate and then used the
 * connection (the client sent application data): their client trusted that chain.
 */
export function peersThatTrustedChain(peers: readonly TlsConnectionModel[], chain: readonly Uint8Array[]): TlsConnectionModel[] {
  const leaf = chain[0];
  if (!leaf) return [];
  return peers.filter((p) => {
    if (!p.handshakeComplete || p.encrypted[0].applicationData === 0) return false;
    const other = serverChainOf(p);
    return other !== null && other[0] !== undefined && sameDer(other[0], leaf);
  });
}
