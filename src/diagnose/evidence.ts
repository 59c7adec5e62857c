/**
 * Evidence lines shared by the rules: the abort event, hellos and certificates, each anchored
 * on its frame.
 */
import type { ClientHelloModel, TlsConnectionModel } from '../tls/model.js';
import type { ChainVerdict } from '../x509/index.js';
import { after, alertRecordText, arrow, offeredVersionsText, realSuites } from './describe.js';
import type { AbortEvent } from './handshake-state.js';
import type { Confidence, Evidence } from './types.js';
import { byFrameOrder, stableSort } from './stable-sort.js';

/** "frame 6: server -> client Alert (fatal, handshake_failure), 0.2 ms after the ClientHello in frame 4". */
export function abortEvidence(a: AbortEvent): Evidence {
  let what: string;
  if (a.alert) what = alertRecordText(a.alert);
  else if (a.close) what = a.close.kind === 'rst' ? 'TCP RST (no alert)' : 'TCP FIN (no alert)';
  else if (a.kind === 'encrypted-alert') what = 'encrypted record of alert size (content unreadable without keys)';
  else what = a.kind;
  const tail =
    a.last && a.timeUnknown ? `, after the ${a.last.name} in frame ${a.last.frame}`
    : a.last && a.last.frame !== a.frame ? `, ${after(a, a.last.name, a.last)}`
    : a.last ? `, in the same frame as the ${a.last.name}` : '';
  return { frame: a.frame, text: `frame ${a.frame}: ${arrow(a.direction)} ${what}${tail}` };
}

/** "frame 4: ClientHello offers TLS 1.2 and TLS 1.3, 17 cipher suites, server_name www.example.com". */
export function clientHelloEvidence(h: ClientHelloModel): Evidence {
  const sni = h.sni ? `server_name ${h.sni}` : 'no server_name';
  const n = realSuites(h).length;
  return {
    frame: h.frame,
    text: `frame ${h.frame}: ${arrow(h.direction)} ClientHello offers ${offeredVersionsText(h)}, ${n} cipher suite${n === 1 ? '' : 's'}, ${sni}`,
  };
}

/** The hello the server answered last (the second one after a HelloRetryRequest). */
export function lastClientHello(conn: TlsConnectionModel): ClientHelloModel | null {
  return conn.secondClientHello ?? conn.clientHello;
}

/** "leaf CN=www.example.com (issued by CN=R3,O=Let's Encrypt)". */
export function certName(verdict: ChainVerdict, index: number | null): string {
  const i = index ?? 0;
  const c = factsAt(verdict, i);
  if (!c) return index === null ? 'the chain' : `certificate #${i}`;
  const role = i === 0 ? 'leaf' : `certificate #${i}`;
  return `${role} ${c.subject}`;
}

/** One step down: high -> medium -> low. */
export function weaker(c: Confidence): Confidence {
  return c === 'high' ? 'medium' : 'low';
}

/** Sort and de-duplicate evidence by frame. */
export function byFrame(items: (Evidence | null | undefined)[]): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const e of items) {
    if (!e || seen.has(e.text)) continue;
    seen.add(e.text);
    out.push(e);
  }
  return stableSort(out, byFrameOrder);
}

/** Facts of the certificate at a position of the chain as sent (the verdict skips unparseable ones). */
export function factsAt(verdict: ChainVerdict, sentIndex: number | null): ChainVerdict['certs'][number] | undefined {
  const k = verdict.sentIndexes.indexOf(sentIndex ?? 0);
  return k < 0 ? undefined : verdict.certs[k];
}
