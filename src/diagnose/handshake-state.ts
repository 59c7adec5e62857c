/**
 * Where a handshake stopped and who stopped it, read from the connection model alone: the first
 * fatal alert, or else the first encrypted alert, close_notify, FIN or RST, placed against the
 * handshake messages that preceded it. Every rule starts from this walk (step 1 of DESIGN.md
 * "How the diagnosis is made").
 */
import type { AlertModel, MessageModel, Seen, TlsConnectionModel } from '../tls/model.js';
import type { CloseEvent, Direction } from '../tcp/stream-types.js';
import { messageName, sideOf } from './describe.js';
import type { Side } from './types.js';

/** How far the handshake had gone when something happened. */
export type Stage =
  /** No ClientHello before it (the capture may have started later). */
  | 'no-client-hello'
  /** The client's hello was the last flight: the server had not answered yet. */
  | 'client-hello'
  /** The server's first flight (ServerHello ... ServerHelloDone, or the TLS 1.3 flight, or a HelloRetryRequest) was the last one. */
  | 'server-flight'
  /** The client's second flight (Certificate, ClientKeyExchange, Finished) was the last one. */
  | 'client-flight'
  /** The handshake had completed. */
  | 'complete';

/** A handshake message (or run of encrypted handshake records) to refer to in evidence. */
export interface Landmark extends Seen {
  /** "ClientHello", "ServerHelloDone", "encrypted handshake flight". */
  name: string;
}

/** The event that ended the handshake (or, once complete, the connection). */
export interface AbortEvent extends Seen {
  by: Side;
  kind: 'alert' | 'encrypted-alert' | 'close-notify' | 'fin' | 'rst';
  /** The alert, for the alert kinds. */
  alert: AlertModel | null;
  /** The FIN/RST, for the close kinds. */
  close: CloseEvent | null;
  stage: Stage;
  /** The last handshake message seen before the event, from either side. */
  last: Landmark | null;
  /** True when the model does not hold the event's own time (a record counted, not kept). */
  timeUnknown?: boolean;
}

const FATAL = 2;
const WARNING = 1;
const CLOSE_NOTIFY = 0;
const USER_CANCELED = 90;
const TLS13 = 0x0304;

/** True when the connection negotiated TLS 1.3 (supported_versions in the ServerHello). */
export function isTls13(conn: TlsConnectionModel): boolean {
  return conn.version === TLS13 || conn.serverHello?.selectedVersion === TLS13;
}

/** Messages seen at or before a frame (a message in the same frame as an alert precedes it). */
function messagesUpTo(conn: TlsConnectionModel, frame: number): MessageModel[] {
  return conn.messages.filter((m) => m.frame <= frame);
}

/** Handshake types that belong to the client's second flight. */
const CLIENT_SECOND_FLIGHT = new Set([11, 15, 16, 20, -1]);

/** How far the handshake had gone at (and including) `frame`. */
export function stageAt(conn: TlsConnectionModel, frame: number): Stage {
  if (conn.handshakeComplete && conn.completedFrame !== null && frame > conn.completedFrame) return 'complete';
  const seen = messagesUpTo(conn, frame);
  let lastClientHello = -1;
  seen.forEach((m, i) => {
    if (m.direction === 0 && m.type === 1) lastClientHello = i;
  });
  if (lastClientHello < 0) {
    const hello = conn.secondClientHello ?? conn.clientHello;
    if (!hello || hello.frame > frame) return 'no-client-hello';
    // The model has the hello but the message list does not (SSLv2-format hello): count from it.
    lastClientHello = -1;
  }
  const afterHello = seen.slice(lastClientHello + 1);
  const serverIdx = afterHello.findIndex((m) => m.direction === 1);
  if (serverIdx < 0) return 'client-hello';
  const clientAfterServer = afterHello.slice(serverIdx).some((m) => m.direction === 0 && CLIENT_SECOND_FLIGHT.has(m.type));
  if (!clientAfterServer) return 'server-flight';
  if (conn.handshakeComplete && conn.completedFrame !== null && frame >= conn.completedFrame) return 'complete';
  return 'client-flight';
}

/** The last handshake message at or before a frame, runs of encrypted records named as a flight. */
export function lastLandmark(conn: TlsConnectionModel, frame: number): Landmark | null {
  const seen = messagesUpTo(conn, frame);
  const last = seen[seen.length - 1];
  if (!last) {
    const hello = conn.clientHello;
    return hello && hello.frame <= frame ? { ...pickSeen(hello), name: 'ClientHello' } : null;
  }
  if (last.type === -1) {
    const who = sideOf(last.direction);
    return { ...pickSeen(last), name: `${who}'s encrypted handshake flight` };
  }
  if (last.type === 2 && conn.helloRetryRequest && conn.helloRetryRequest.frame === last.frame && last.direction === 1) {
    return { ...pickSeen(last), name: 'HelloRetryRequest' };
  }
  return { ...pickSeen(last), name: messageName(last) };
}

function pickSeen(s: Seen): Seen {
  return { direction: s.direction, frame: s.frame, tsSec: s.tsSec, tsNsec: s.tsNsec };
}

function isEnding(a: AlertModel): AbortEvent['kind'] | null {
  if (a.encrypted || a.description === null) return 'encrypted-alert';
  if (a.level === FATAL) return 'alert';
  if (a.level === WARNING && (a.description === CLOSE_NOTIFY || a.description === USER_CANCELED)) return 'close-notify';
  // Other warnings (unrecognized_name from Apache, no_renegotiation) do not end anything. An
  // alert with an unknown level that carries an error description is treated as fatal.
  if (a.level !== WARNING && a.level !== FATAL && a.description !== CLOSE_NOTIFY) return 'alert';
  return null;
}

function eventOf(conn: TlsConnectionModel, s: Seen, kind: AbortEvent['kind'], alert: AlertModel | null, close: CloseEvent | null): AbortEvent {
  return {
    ...pickSeen(s),
    by: sideOf(s.direction),
    kind,
    alert,
    close,
    stage: stageAt(conn, s.frame),
    last: lastLandmark(conn, s.frame),
  };
}

/**
 * The event that ended the handshake: the first alert that ends something (fatal, encrypted,
 * close_notify), FIN or RST, in frame order. A FIN after which the other side still sent
 * handshake messages or alerts was only a half-close (the peer went on answering) and is
 * skipped. Null when nothing ended the connection in the capture.
 */
export function findAbort(conn: TlsConnectionModel): AbortEvent | null {
  const fingerprint = shapeOf(conn);
  const known = abortMemo.get(conn);
  if (known && known.fingerprint === fingerprint) return known.abort;
  const abort = computeAbort(conn);
  abortMemo.set(conn, { fingerprint, abort });
  return abort;
}

/**
 * findAbort results per model. A dozen rules ask for the same connection's abort and each walk
 * filtered the message list again (71 KB allocated per connection, most of the GC time: see
 * docs/decisions.md). Weak: a model diagnosed and dropped takes its entry along.
 */
const abortMemo = new WeakMap<TlsConnectionModel, { fingerprint: string; abort: AbortEvent | null }>();

/**
 * What findAbort reads, in short: models are final when diagnosed, but a builder (tests,
 * embedders) may add to one after a first call; then the memo must not answer for the old shape.
 */
function shapeOf(conn: TlsConnectionModel): string {
  return `${conn.messages.length}|${conn.alerts.length}|${conn.tcp.closes.length}|${conn.handshakeComplete}|${conn.completedFrame}|${conn.clientHello?.frame}|${conn.secondClientHello?.frame}|${conn.helloRetryRequest?.frame}`;
}

function computeAbort(conn: TlsConnectionModel): AbortEvent | null {
  const candidates: { s: Seen; kind: AbortEvent['kind']; alert: AlertModel | null; close: CloseEvent | null }[] = [];
  for (const a of conn.alerts) {
    const kind = isEnding(a);
    if (kind) candidates.push({ s: a, kind, alert: a, close: null });
  }
  for (const c of conn.tcp.closes) {
    if (c.kind === 'fin' && otherSideWentOn(conn, c)) continue;
    candidates.push({ s: c, kind: c.kind, alert: null, close: c });
  }
  // Same frame: the alert before the FIN it travels with.
  candidates.sort((x, y) => x.s.frame - y.s.frame || (x.alert ? 0 : 1) - (y.alert ? 0 : 1));
  const first = candidates[0];
  return first ? eventOf(conn, first.s, first.kind, first.alert, first.close) : null;
}

/** After a FIN of one side, the other side still sent handshake messages or an alert answering it. */
function otherSideWentOn(conn: TlsConnectionModel, fin: CloseEvent): boolean {
  const other = fin.direction === 0 ? 1 : 0;
  const ownLast = conn.messages.filter((m) => m.frame < fin.frame).pop();
  // A FIN that reacts to the other side's message is an abort, whatever that side does next
  // (GnuTLS answers a server FIN with unexpected_message).
  if (!ownLast || ownLast.direction !== fin.direction) return false;
  return conn.messages.some((m) => m.direction === other && m.frame > fin.frame) || conn.alerts.some((a) => a.direction === other && a.frame > fin.frame);
}

/** The first close (FIN or RST) of a side, or null. */
export function firstClose(conn: TlsConnectionModel, side: Side): CloseEvent | null {
  const dir: Direction = side === 'client' ? 0 : 1;
  return conn.tcp.closes.find((c) => c.direction === dir) ?? null;
}

/** True when one side left no trace at all (no record, no alert, no close): a one-direction capture or a silent peer. */
export function sideSilent(conn: TlsConnectionModel, side: Side): boolean {
  const dir: Direction = side === 'client' ? 0 : 1;
  return (
    conn.recordVersions[dir].length === 0 &&
    !conn.messages.some((m) => m.direction === dir) &&
    !conn.alerts.some((a) => a.direction === dir) &&
    !conn.tcp.closes.some((c) => c.direction === dir) &&
    conn.encrypted[dir].applicationData === 0 &&
    conn.encrypted[dir].handshake === 0
  );
}

/** The client's handshake records after the server's first flight (its second flight), in order. */
export function clientSecondFlight(conn: TlsConnectionModel): MessageModel[] {
  const firstServer = conn.messages.findIndex((m) => m.direction === 1 && !(conn.helloRetryRequest && m.frame === conn.helloRetryRequest.frame));
  if (firstServer < 0) return [];
  return conn.messages.slice(firstServer).filter((m) => m.direction === 0 && CLIENT_SECOND_FLIGHT.has(m.type));
}

/** The server's first flight after the (last) ClientHello: ServerHello up to the client's next message. */
export function serverFirstFlight(conn: TlsConnectionModel): MessageModel[] {
  const hello = conn.secondClientHello ?? conn.clientHello;
  const out: MessageModel[] = [];
  for (const m of conn.messages) {
    if (hello && m.frame < hello.frame) continue;
    if (m.direction === 0) {
      if (out.length > 0) break;
      continue;
    }
    out.push(m);
  }
  return out;
}

/**
 * TLS 1.3 only: the server turned the client down after the client's final flight (the client
 * believes the handshake completed). Seen as a server alert (clear or encrypted) or a server
 * FIN/RST after completion, with no server record (ticket, application data) in between: a
 * server that accepted the client would have sent its tickets or data first.
 */
export function serverAbortAfterClientFlight(conn: TlsConnectionModel): AbortEvent | null {
  if (!isTls13(conn) || !conn.handshakeComplete || conn.completedFrame === null) return null;
  const done = conn.completedFrame;
  const server = conn.encrypted[1];
  // Records of alert size (19-24 bytes) are alerts the decoder could not single out, not tickets.
  const serverDataIsAlertSized = server.applicationData > 0 && server.applicationDataBytes <= ALERT_RECORD_MAX * server.applicationData;
  const serverRecordAfter = (frame: number): boolean =>
    conn.messages.some((m) => m.direction === 1 && m.frame > done && m.frame < frame) ||
    (!serverDataIsAlertSized && server.firstApplicationDataFrame !== null && server.firstApplicationDataFrame > done && server.firstApplicationDataFrame < frame);
  const alert = conn.alerts.find((a) => a.direction === 1 && a.frame > done && isEnding(a) !== null && !(a.level === WARNING && a.description === CLOSE_NOTIFY));
  const close = firstClose(conn, 'server');
  const clientClose = firstClose(conn, 'client');
  const candidates: AbortEvent[] = [];
  if (alert && !serverRecordAfter(alert.frame)) candidates.push(eventOf(conn, alert, isEnding(alert)!, alert, null));
  if (close && close.frame > done && !serverRecordAfter(close.frame) && !(clientClose && clientClose.frame < close.frame)) {
    candidates.push(eventOf(conn, close, close.kind, null, close));
  }
  if (serverDataIsAlertSized && server.firstApplicationDataFrame !== null && server.firstApplicationDataFrame > done) {
    // The decoder counted the server's only post-handshake records as data although they have
    // the size of alerts: the first one is the rejection. Its time is not in the model.
    const frame = server.firstApplicationDataFrame;
    const before = [...conn.messages, ...conn.alerts, ...conn.tcp.closes].filter((x) => x.frame <= frame).sort((a, b) => a.frame - b.frame).pop();
    const ts = before ?? { tsSec: conn.tcp.lastTsSec, tsNsec: conn.tcp.lastTsNsec };
    candidates.push({ ...eventOf(conn, { direction: 1, frame, tsSec: ts.tsSec, tsNsec: ts.tsNsec }, 'encrypted-alert', null, null), timeUnknown: true });
  }
  candidates.sort((x, y) => x.frame - y.frame);
  const first = candidates[0];
  if (!first) return null;
  // A server that closes an idle connection long after the handshake is not rejecting anyone.
  const lastClient = conn.messages.filter((m) => m.direction === 0 && m.frame <= first.frame).pop();
  if (lastClient && first.tsSec - lastClient.tsSec > IDLE_CLOSE_SECONDS) return null;
  return first;
}

/** Largest record an encrypted alert makes (2 bytes + content type + up to a 16-byte tag, plus padding some stacks add). */
export const ALERT_RECORD_MAX = 30;

/** Beyond this many seconds after the client's flight, a server close is an idle timeout, not a rejection. */
export const IDLE_CLOSE_SECONDS = 5;

/**
 * After a completed handshake, the client closed (close_notify, FIN or RST) without sending any
 * application data: what node and curl do when their post-handshake name check fails.
 */
export function clientDroppedAfterHandshake(conn: TlsConnectionModel): AbortEvent | null {
  if (!conn.handshakeComplete || conn.completedFrame === null) return null;
  if (conn.encrypted[0].applicationData > 0 && !clientAppDataIsOnlyAlerts(conn)) return null;
  if (clientDataInFinalFlight(conn)) return null;
  const done = conn.completedFrame;
  const events: AbortEvent[] = [];
  for (const a of conn.alerts) {
    if (a.direction === 0 && a.frame >= done && isEnding(a) !== null) events.push(eventOf(conn, a, isEnding(a)!, a, null));
  }
  const close = firstClose(conn, 'client');
  if (close && close.frame >= done) events.push(eventOf(conn, close, close.kind, null, close));
  events.sort((x, y) => x.frame - y.frame);
  const first = events[0];
  if (!first) return null;
  // The server must not have closed first: then the client only answered the server's close.
  const serverClose = firstClose(conn, 'server');
  if (serverClose && serverClose.frame < first.frame) return null;
  // A client that leaves long after the handshake was idle, not rejecting the certificate.
  const completion = conn.messages.filter((m) => m.frame <= done).pop() ?? conn.changeCipherSpec.filter((c) => c.frame <= done).pop();
  if (completion && first.tsSec - completion.tsSec > IDLE_CLOSE_SECONDS) return null;
  return first;
}

/** In TLS 1.3 the client's encrypted alert is a type-23 record the decoder may also count as data. */
function clientAppDataIsOnlyAlerts(conn: TlsConnectionModel): boolean {
  const first = conn.encrypted[0].firstApplicationDataFrame;
  if (first === null) return true;
  return conn.alerts.some((a) => a.direction === 0 && a.encrypted && a.frame === first) && conn.encrypted[0].applicationData <= conn.alerts.filter((a) => a.direction === 0 && a.encrypted).length;
}

/** Finished record size of a TLS 1.3 suite: 4-byte header + hash + content type + AEAD tag. */
export function tls13FinishedRecordLength(suite: number): number {
  const hash = suite === 0x1302 ? 48 : 32;
  const tag = suite === 0x1305 ? 8 : 16;
  return 4 + hash + 1 + tag;
}

/**
 * TLS 1.3: the decoder cannot see where the client's Finished ends its flight, so a request sent
 * in the same burst may be listed as encrypted handshake records. A client record after one of
 * Finished size is application data.
 */
function clientDataInFinalFlight(conn: TlsConnectionModel): boolean {
  if (!isTls13(conn)) return false;
  const finished = tls13FinishedRecordLength(conn.serverHello?.cipherSuite ?? conn.cipherSuite ?? 0);
  const client = conn.messages.filter((m) => m.direction === 0 && m.type === -1);
  const at = client.findIndex((m) => m.length === finished);
  return at >= 0 && at < client.length - 1;
}
