/**
 * Phrasing shared by the rules: sides, message names, versions, alerts and time deltas, so that
 * every evidence line reads the same way ("frame 6: server -> client Alert (fatal,
 * handshake_failure), 0.2 ms after the ClientHello in frame 4").
 */
import type { AlertModel, ClientHelloModel, MessageModel, Seen } from '../tls/model.js';
import type { Direction } from '../tcp/stream-types.js';
import { alertDescriptionName, alertLevelName, cipherSuiteName, isGrease, versionName } from '../tls/registry/index.js';
import type { Side } from './types.js';

export const sideOf = (d: Direction): Side => (d === 0 ? 'client' : 'server');
export const otherSide = (s: Side): Side => (s === 'client' ? 'server' : 'client');
export const arrow = (d: Direction): string => (d === 0 ? 'client -> server' : 'server -> client');

/** Handshake message names as Wireshark shows them, in the diagnosis' own phrasing. */
const HANDSHAKE_NAMES: Readonly<Record<number, string>> = {
  0: 'HelloRequest',
  1: 'ClientHello',
  2: 'ServerHello',
  4: 'NewSessionTicket',
  5: 'EndOfEarlyData',
  8: 'EncryptedExtensions',
  11: 'Certificate',
  12: 'ServerKeyExchange',
  13: 'CertificateRequest',
  14: 'ServerHelloDone',
  15: 'CertificateVerify',
  16: 'ClientKeyExchange',
  20: 'Finished',
  22: 'CertificateStatus',
  24: 'KeyUpdate',
};

/** "ServerHelloDone", "encrypted handshake record", "handshake message 99". */
export function messageName(m: Pick<MessageModel, 'type'>): string {
  if (m.type === -1) return 'encrypted handshake record';
  return HANDSHAKE_NAMES[m.type] ?? `handshake message ${m.type}`;
}

/** Seconds between two capture times (b - a), exact to the nanosecond. */
export function secondsBetween(a: Pick<Seen, 'tsSec' | 'tsNsec'>, b: Pick<Seen, 'tsSec' | 'tsNsec'>): number {
  return b.tsSec - a.tsSec + (b.tsNsec - a.tsNsec) / 1e9;
}

/** "0.2 ms", "37 ms", "1.5 s", "2 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 0.001) return `${(s * 1000).toFixed(3).replace(/\.?0+$/, '')} ms`;
  if (s < 0.01) return `${(s * 1000).toFixed(1).replace(/\.0$/, '')} ms`;
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 120) return `${s.toFixed(1).replace(/\.0$/, '')} s`;
  return `${Math.round(s / 60)} min`;
}

/** "0.2 ms after the ClientHello in frame 4". */
export function after(event: Pick<Seen, 'tsSec' | 'tsNsec'>, what: string, ref: Pick<Seen, 'tsSec' | 'tsNsec' | 'frame'>): string {
  return `${formatDuration(secondsBetween(ref, event))} after the ${what} in frame ${ref.frame}`;
}

/** "TLS 1.2", or the hex code for unknown and GREASE values. */
export function versionText(v: number): string {
  return versionName(v);
}

/** "handshake_failure (40)"; "alert 200" when the code has no name. */
export function alertText(code: number): string {
  const name = alertDescriptionName(code);
  return name === null ? `alert ${code}` : `${name} (${code})`;
}

/** "Alert (fatal, handshake_failure)", or "encrypted Alert record (19 bytes)". */
export function alertRecordText(a: AlertModel): string {
  if (a.encrypted || a.description === null) return `encrypted Alert record (${a.recordLength} bytes, content unreadable without keys)`;
  const level = (a.level === null ? null : alertLevelName(a.level)) ?? `level ${a.level ?? '?'}`;
  return `Alert (${level}, ${alertDescriptionName(a.description) ?? `description ${a.description}`})`;
}

/** The versions a ClientHello offers, highest first, GREASE left out. */
export function offeredVersions(h: ClientHelloModel): number[] {
  const list = h.supportedVersions.filter((v) => !isGrease(v));
  if (list.length > 0) return [...new Set(list)].sort((a, b) => b - a);
  // Without supported_versions the client accepts every version up to client_version; what it
  // refuses below that is unknowable, so only the ceiling is reported.
  return [h.version];
}

/** True when the ClientHello lists its versions (supported_versions), so the floor is known. */
export function versionsAreExplicit(h: ClientHelloModel): boolean {
  return h.supportedVersions.some((v) => !isGrease(v));
}

/** "TLS 1.0 and TLS 1.1", "TLS 1.2, TLS 1.1 and TLS 1.0". */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? 'nothing';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Human list of offered versions: "up to TLS 1.0" when supported_versions is absent. */
export function offeredVersionsText(h: ClientHelloModel): string {
  const v = offeredVersions(h);
  if (!versionsAreExplicit(h)) return `versions up to ${versionText(v[0]!)}`;
  return v.length === 1 ? `only ${versionText(v[0]!)}` : listText(v.map(versionText));
}

/** "TLS_RSA_WITH_RC4_128_SHA (0x0005)". */
export function suiteText(code: number): string {
  return cipherSuiteName(code);
}

/** The cipher suites of a hello without GREASE and signalling values (SCSVs). */
export function realSuites(h: ClientHelloModel): number[] {
  return h.cipherSuites.filter((c) => !isGrease(c) && c !== 0x00ff && c !== 0x5600);
}
