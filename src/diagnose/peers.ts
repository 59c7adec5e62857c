/**
 * Evidence from the other connections of the capture to the same server (step 5 of DESIGN.md
 * "How the diagnosis is made"): what the server accepted from other hellos. Peers are
 * {@link PeerFacts}, not whole models: these questions are all a peer is asked.
 */
import type { TlsConnectionModel } from '../tls/model.js';
import type { PeerFacts } from './peer-facts.js';

export type { PeerFacts } from './peer-facts.js';

/** An accepted peer: its ServerHello answered the hello (not a HelloRetryRequest). */
export type AcceptedPeer = PeerFacts & { readonly accepted: NonNullable<PeerFacts['accepted']> };

/** A peer whose ServerHello was answered (not a HelloRetryRequest): the server accepted that hello. */
export function acceptedPeers(peers: readonly PeerFacts[]): AcceptedPeer[] {
  return peers.filter((p): p is AcceptedPeer => p.accepted !== null);
}

/** Peers that sent server_name and got a ServerHello. */
export function peersAcceptedWithSni(peers: readonly PeerFacts[]): AcceptedPeer[] {
  return acceptedPeers(peers).filter((p) => p.sni);
}

/** Versions the server negotiated elsewhere, with one connection id each. */
export function negotiatedVersions(peers: readonly PeerFacts[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of acceptedPeers(peers)) {
    const v = p.accepted.version;
    if (!out.has(v)) out.set(v, p.id);
  }
  return out;
}

/** Cipher suites the server chose elsewhere, with one connection id each. */
export function chosenSuites(peers: readonly PeerFacts[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of acceptedPeers(peers)) {
    const s = p.accepted.suite;
    if (!out.has(s)) out.set(s, p.id);
  }
  return out;
}

/** DER equality, for "the same certificate". */
export function sameDer(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
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
export function peersThatTrustedChain(peers: readonly PeerFacts[], chain: readonly Uint8Array[]): PeerFacts[] {
  const leaf = chain[0];
  if (!leaf) return [];
  return peers.filter((p) => {
    if (!p.clientUsedIt) return false;
    const other = p.serverChain?.[0];
    return other !== undefined && sameDer(other, leaf);
  });
}
