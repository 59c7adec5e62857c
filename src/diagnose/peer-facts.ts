/**
 * What the cross-connection questions (src/diagnose/peers.ts, peer-selection.ts, the borrowed
 * chain of the engine, trustedElsewhere) read of another connection to the same server: a few
 * numbers, strings and the server chain. Kept instead of whole connection models for every
 * connection that may serve as a peer: a model is kilobytes (hellos with their lists, messages,
 * alerts, ...), its facts are about a hundred bytes plus a chain shared with the other
 * connections that sent the same certificates.
 */
import type { CertificateInterner } from '../tls/certificate-interner.js';
import type { TlsConnectionModel } from '../tls/model.js';

/** One connection as evidence for others. Immutable: built once, when the connection ends. */
export interface PeerFacts {
  /** Connection id (tcp.stream). */
  readonly id: number;
  readonly clientIp: string;
  /**
   * The ServerHello that answered the client's hello (not a HelloRetryRequest): the server
   * accepted that hello. Null when there was none.
   */
  readonly accepted: { readonly frame: number; readonly version: number; readonly suite: number } | null;
  /** server_name of the hello the server answered (the second one after a HelloRetryRequest), or null. */
  readonly sni: string | null;
  /** Frame of that hello; null when there was no hello. */
  readonly helloFrame: number | null;
  /** The server's chain (its first Certificate message, when not empty), or null. */
  readonly serverChain: readonly Uint8Array[] | null;
  /** Where and when the Certificate message of `serverChain` was seen; null when there is no chain. */
  readonly serverChainSeen: { readonly frame: number; readonly tsSec: number; readonly tsNsec: number } | null;
  /** The handshake completed and the client then sent application data: it trusted the chain. */
  readonly clientUsedIt: boolean;
}

/**
 * The facts of a connection as a peer. With an interner, the chain is made of shared copies;
 * without one it references the model's own DER arrays.
 */
export function peerFactsOf(m: TlsConnectionModel, certificates?: CertificateInterner): PeerFacts {
  const hello = m.secondClientHello ?? m.clientHello;
  const sh = m.serverHello;
  const msg = m.certificates.find((c) => c.direction === 1);
  const chain = msg && msg.chain.length > 0 ? msg.chain : null;
  return Object.freeze({
    id: m.tcp.id,
    clientIp: m.tcp.clientIp,
    accepted: sh !== null && !sh.helloRetryRequest ? Object.freeze({ frame: sh.frame, version: sh.selectedVersion, suite: sh.cipherSuite }) : null,
    sni: hello?.sni ?? null,
    helloFrame: hello ? hello.frame : null,
    serverChain: chain === null ? null : certificates ? chain.map((d) => certificates.intern(d)) : chain.slice(),
    serverChainSeen: chain === null ? null : Object.freeze({ frame: msg!.frame, tsSec: msg!.tsSec, tsNsec: msg!.tsNsec }),
    clientUsedIt: m.handshakeComplete && m.encrypted[0].applicationData !== 0,
  });
}
