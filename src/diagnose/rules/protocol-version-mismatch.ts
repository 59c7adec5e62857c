/** protocol-version-mismatch: no TLS version both sides accept. */
import { isGrease } from '../../tls/registry/index.js';
import { alertText, listText, offeredVersions, offeredVersionsText, versionText, versionsAreExplicit } from '../describe.js';
import { abortEvidence, byFrame, clientHelloEvidence } from '../evidence.js';
import { clientRefusedServerHello, serverRefusedHello } from '../hello-refusal.js';
import { negotiatedVersions } from '../peers.js';
import type { Confidence, Evidence, Hypothesis, Remedy, Rule, RuleContext } from '../types.js';

const PROTOCOL_VERSION = 70;
const HANDSHAKE_FAILURE = 40;
const TLS12 = 0x0303;
const TLS13 = 0x0304;

function peerEvidence(ctx: RuleContext, offered: number[]): { evidence: Evidence[]; disjoint: boolean; versions: number[] } {
  const seen = negotiatedVersions(ctx.peers);
  const evidence: Evidence[] = [];
  for (const [v, id] of seen) {
    const frame = ctx.peers.find((x) => x.id === id)!.accepted!.frame;
    evidence.push({ frame, text: `frame ${frame}: the same server negotiated ${versionText(v)} with another hello (connection ${id})` });
  }
  const versions = [...seen.keys()];
  return { evidence, disjoint: versions.length > 0 && !versions.some((v) => offered.includes(v)), versions };
}

function remedies(offered: number[], explicit: boolean, serverVersions: number[]): Remedy[] {
  const max = Math.max(...offered);
  if (max < TLS12) {
    return [
      { side: 'client', text: `Enable TLS 1.2 (and TLS 1.3) on the client: it offers ${explicit ? listText(offered.map(versionText)) : `at most ${versionText(max)}`}, below what the server accepts (update the runtime or its TLS settings, e.g. Java jdk.tls.client.protocols, .NET SchUseStrongCrypto).` },
      { side: 'server', text: `Only as a stopgap for legacy clients: allow ${versionText(max)} on the server (minimum protocol).` },
    ];
  }
  if (explicit && Math.min(...offered) >= TLS13) {
    return [
      { side: 'server', text: `Enable TLS 1.3 on the server${serverVersions.length ? ` (it negotiated ${listText(serverVersions.map(versionText))} elsewhere)` : ''}.` },
      { side: 'client', text: 'Allow TLS 1.2 on the client (its minimum version is TLS 1.3).' },
    ];
  }
  return [
    { side: 'server', text: `Enable a version the client offers (${listText(offered.map(versionText))}) on the server${serverVersions.length ? `; it negotiated ${listText(serverVersions.map(versionText))} elsewhere` : ''}.` },
    { side: 'client', text: 'Allow the versions the server supports on the client if they are still acceptable for you.' },
  ];
}

export const protocolVersionMismatchRule: Rule = {
  id: 'protocol-version-mismatch',
  evaluate(ctx) {
    const out: Hypothesis[] = [];
    const refusal = serverRefusedHello(ctx.conn);
    if (refusal) {
      const offered = offeredVersions(refusal.hello);
      const explicit = versionsAreExplicit(refusal.hello);
      const max = Math.max(...offered);
      const onlyOld = max < TLS12;
      const only13 = explicit && Math.min(...offered) >= TLS13;
      const peers = peerEvidence(ctx, offered);
      let confidence: Confidence | null = null;
      let why = '';
      if (refusal.code === PROTOCOL_VERSION) {
        confidence = 'high';
        why = 'the server answered the ClientHello with protocol_version';
      } else if (refusal.code === HANDSHAKE_FAILURE && (onlyOld || only13)) {
        // Current stacks answer an unsupported version with protocol_version; handshake_failure
        // points at suites first (a TLS 1.3-only hello refused this way had no common TLS 1.3 suite).
        confidence = peers.disjoint ? 'high' : 'low';
        why = `handshake_failure (not protocol_version) right after a hello that offers ${offeredVersionsText(refusal.hello)}`;
      } else if (refusal.code === null && (onlyOld || only13)) {
        confidence = peers.disjoint ? 'medium' : 'low';
        why = `the server closed without an alert (some stacks do this for versions they do not support) after a hello that offers ${offeredVersionsText(refusal.hello)}`;
      } else if (refusal.code !== null && peers.disjoint) {
        confidence = 'medium';
        why = `the server refused the hello with ${alertText(refusal.code)} and negotiated only versions this client does not offer elsewhere`;
      }
      if (confidence) {
        if (peers.disjoint) why += `; elsewhere the same server negotiated only ${listText(peers.versions.map(versionText))}`;
        const serverRecord = ctx.conn.recordVersions[1].find((v) => !isGrease(v));
        const recordHint = serverRecord !== undefined && explicit && serverRecord < Math.min(...offered) ? ` (its alert came in a ${versionText(serverRecord)} record)` : '';
        const fallback = refusal.hello.cipherSuites.includes(0x5600) ? ' The hello carries TLS_FALLBACK_SCSV: the client is retrying with a lower version after an earlier attempt failed.' : '';
        out.push({
          cause: 'protocol-version-mismatch',
          abortedBy: 'server',
          confidence,
          summary: `The server refused the ClientHello${refusal.code !== null ? ` with ${alertText(refusal.code)}` : ' by closing the connection'}: the client offers ${offeredVersionsText(refusal.hello)}, which the server does not accept${recordHint}.${fallback}`,
          evidence: byFrame([clientHelloEvidence(refusal.hello), abortEvidence(refusal.abort), ...peers.evidence]),
          remediation: remedies(offered, explicit, peers.versions),
          why,
        });
      }
    }
    const refusedSh = clientRefusedServerHello(ctx.conn);
    if (refusedSh && ctx.conn.serverHello) {
      const offered = offeredVersions(refusedSh.hello);
      const selected = ctx.conn.serverHello.selectedVersion;
      const explicit = versionsAreExplicit(refusedSh.hello);
      const notOffered = explicit ? !offered.includes(selected) : selected > Math.max(...offered);
      if (refusedSh.code === PROTOCOL_VERSION || notOffered) {
        out.push({
          cause: 'protocol-version-mismatch',
          abortedBy: 'client',
          confidence: refusedSh.code === PROTOCOL_VERSION ? 'high' : 'medium',
          summary: `The server chose ${versionText(selected)} and the client refused it${refusedSh.code !== null ? ` with ${alertText(refusedSh.code)}` : ''}: the client's minimum version is above what the server supports.`,
          evidence: byFrame([
            clientHelloEvidence(refusedSh.hello),
            { frame: ctx.conn.serverHello.frame, text: `frame ${ctx.conn.serverHello.frame}: server -> client ServerHello selects ${versionText(selected)}` },
            abortEvidence(refusedSh.abort),
          ]),
          remediation: [
            { side: 'server', text: `Enable TLS 1.2 (or newer) on the server: it supports at most ${versionText(selected)}.` },
            { side: 'client', text: `Only as a stopgap: allow ${versionText(selected)} on the client (minimum protocol).` },
          ],
          why: refusedSh.code === PROTOCOL_VERSION ? 'the client answered the ServerHello with protocol_version' : 'the ServerHello selects a version the client did not offer',
        });
      }
    }
    return out;
  },
};
