/**
 * Where a handshake stopped and who stopped it, read from the connection model alone: the first
 * fatal alert, or else the first encrypted alert, close_notify, FIN or RST, placed against the
 * handshake messages that preceded it. Every rule starts from this walk (step 1 of DESIGN.md
 * "How the diagnosis is made").
 */
import type { AlertModel, MessageModel, Seen, TlsConnectionModel } from '../tls/model.js';
import type { CloseEvent, Direction } from '../tcp/stream-types.js';
import { memoizedQuestion } from './connection-memo.js';
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

/** Handshake types that belong to the client's second flight. */
const CLIENT_SECOND_FLIGHT = new Set([11, 15, 16, 20, -1]);

/**
 * How far the handshake had gone at (and including) `frame`, from the messages seen by then (a
 * message in the same frame as an alert precedes it), counted from the last ClientHello.
 */
export function stageAt(conn: TlsConnectionModel, frame: number): Stage {
  if (conn.handshakeComplete && conn.completedFrame !== null && frame > conn.completedFrame) return 'complete';
  // One pass, no copies: every rule's abort goes through here (see docs/decisions.md, "Diagnosis and certificate analysis: CPU per connection").
  // A later ClientHello starts the count again, so the state left is the one after the last.
  let helloSeen = false;
  let serverAnswered = false;
  let clientAfterServer = false;
  for (const m of conn.messages) {
    if (m.frame > frame) continue;
    if (m.direction === 0 && m.type === 1) {
      helloSeen = true;
      serverAnswered = false;
      clientAfterServer = false;
    } else if (m.direction === 1) {
      serverAnswered = true;
    } else if (serverAnswered && CLIENT_SECOND_FLIGHT.has(m.type)) {
      clientAfterServer = true;
    }
  }
  if (!helloSeen) {
    // The model may have the hello without the message list holding it (SSLv2-format hello):
    // then every message seen counts as after it.
    const hello = conn.secondClientHello ?? conn.clientHello;
    if (!hello || hello.frame > frame) return 'no-client-hello';
  }
  if (!serverAnswered) return 'client-hello';
  if (!clientAfterServer) return 'server-flight';
  if (conn.handshakeComplete && conn.completedFrame !== null && frame >= conn.completedFrame) return 'complete';
  return 'client-flight';
}

/** The last item (in model order) at or before `frame` (before it, with `before`), of one side if given. */
function lastUpTo<T extends Seen>(items: readonly T[], frame: number, before = false, direction?: Direction): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const m = items[i]!;
    if ((before ? m.frame < frame : m.frame <= frame) && (direction === undefined || m.direction === direction)) return m;
  }
  return undefined;
}

/** The last handshake message at or before a frame, runs of encrypted records named as a flight. */
export function lastLandmark(conn: TlsConnectionModel, frame: number): Landmark | null {
  const last = lastUpTo(conn.messages, frame);
  if (!last) {
    const hello = conn.clientHello;
    return hello && hello.frame <= frame ? landmark(hello, 'ClientHello') : null;
  }
  if (last.type === -1) return landmark(last, `${sideOf(last.direction)}'s encrypted handshake flight`);
  if (last.type === 2 && conn.helloRetryRequest && conn.helloRetryRequest.frame === last.frame && last.direction === 1) {
    return landmark(last, 'HelloRetryRequest');
  }
  return landmark(last, messageName(last));
}

// Literals rather than spreads of a picked copy: one object per event instead of two.
function landmark(s: Seen, name: string): Landmark {
  return { direction: s.direction, frame: s.frame, tsSec: s.tsSec, tsNsec: s.tsNsec, name };
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
    direction: s.direction,
    frame: s.frame,
    tsSec: s.tsSec,
    tsNsec: s.tsNsec,
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
  return askAbort(conn);
}

// Inside a diagnosis its memo answers; the WeakMap serves only calls outside one.
const askAbort = memoizedQuestion(computeAbort, abortOfShape);

function abortOfShape(conn: TlsConnectionModel): AbortEvent | null {
  const known = abortMemo.get(conn);
  if (known && sameShape(known, conn)) return known.abort;
  const abort = computeAbort(conn);
  abortMemo.set(conn, rememberedAbort(conn, abort));
  return abort;
}

/**
 * findAbort results per model, for calls outside a diagnosis (whose own memo answers first: see
 * connection-memo.ts). Weak: a model diagnosed and dropped takes its entry along.
 */
const abortMemo = new WeakMap<TlsConnectionModel, RememberedAbort>();

/**
 * What findAbort reads, in short: models are final when diagnosed, but a builder (tests,
 * embedders) may add to one after a first call; then the memo must not answer for the old shape.
 */
interface Shape {
  messages: number;
  alerts: number;
  closes: number;
  complete: boolean;
  completedFrame: number | null;
  hello: number | undefined;
  secondHello: number | undefined;
  retry: number | undefined;
}

interface RememberedAbort extends Shape {
  abort: AbortEvent | null;
}

function rememberedAbort(conn: TlsConnectionModel, abort: AbortEvent | null): RememberedAbort {
  return {
    abort,
    messages: conn.messages.length,
    alerts: conn.alerts.length,
    closes: conn.tcp.closes.length,
    complete: conn.handshakeComplete,
    completedFrame: conn.completedFrame,
    hello: conn.clientHello?.frame,
    secondHello: conn.secondClientHello?.frame,
    retry: conn.helloRetryRequest?.frame,
  };
}

// Field by field: no fingerprint string built on each call.
function sameShape(s: Shape, conn: TlsConnectionModel): boolean {
  return (
    s.messages === conn.messages.length &&
    s.alerts === conn.alerts.length &&
    s.closes === conn.tcp.closes.length &&
    s.complete === conn.handshakeComplete &&
    s.completedFrame === conn.completedFrame &&
    s.hello === conn.clientHello?.frame &&
    s.secondHello === conn.secondClientHello?.frame &&
    s.retry === conn.helloRetryRequest?.frame
  );
}

function computeAbort(conn: TlsConnectionModel): AbortEvent | null {
  // The earliest candidate, the first of equals in model order (what a stable sort puts first),
  // found in one pass without a candidate list.
  let alert: AlertModel | null = null;
  let alertKind: AbortEvent['kind'] | null = null;
  for (const a of conn.alerts) {
    const kind = isEnding(a);
    if (kind && (alert === null || a.frame < alert.frame)) {
      alert = a;
      alertKind = kind;
    }
  }
  let close: CloseEvent | null = null;
  for (const c of conn.tcp.closes) {
    if (close !== null && c.frame >= close.frame) continue;
    if (c.kind === 'fin' && otherSideWentOn(conn, c)) continue;
    close = c;
  }
  // Same frame: the alert before the FIN it travels with.
  if (alert !== null && (close === null || alert.frame <= close.frame)) return eventOf(conn, alert, alertKind!, alert, null);
  return close === null ? null : eventOf(conn, close, close.kind, null, close);
}

/** After a FIN of one side, the other side still sent handshake messages or an alert answering it. */
function otherSideWentOn(conn: TlsConnectionModel, fin: CloseEvent): boolean {
  const other = fin.direction === 0 ? 1 : 0;
  const ownLast = lastUpTo(conn.messages, fin.frame, true);
  // A FIN that reacts to the other side's message is an abort, whatever that side does next
  // (GnuTLS answers a server FIN with unexpected_message).
  if (!ownLast || ownLast.direction !== fin.direction) return false;
  return conn.messages.some((m) => m.direction === other && m.frame > fin.frame) || conn.alerts.some((a) => a.direction === other && a.frame > fin.frame);
}

/** The first close (FIN or RST) of a side, or null. */
export function firstClose(conn: TlsConnectionModel, side: Side): CloseEvent | null {
  const dir: Direction = side === 'client' ? 0 : 1;
  for (const c of conn.tcp.closes) if (c.direction === dir) return c;
  return null;
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
  return askServerAbortAfterClientFlight(conn);
}

const askServerAbortAfterClientFlight = memoizedQuestion(computeServerAbortAfterClientFlight);

function computeServerAbortAfterClientFlight(conn: TlsConnectionModel): AbortEvent | null {
  if (!isTls13(conn) || !conn.handshakeComplete || conn.completedFrame === null) return null;
  const done = conn.completedFrame;
  const server = conn.encrypted[1];
  // Records of alert size (19-24 bytes) are alerts the decoder could not single out, not tickets.
  const serverDataIsAlertSized = server.applicationData > 0 && server.applicationDataBytes <= ALERT_RECORD_MAX * server.applicationData;
  const alert = serverEndingAlertAfter(conn, done);
  const close = firstClose(conn, 'server');
  const clientClose = firstClose(conn, 'client');
  // Candidates in order of preference at equal frames (alert, close, alert-sized data): the
  // earliest wins, the first of equals as a stable sort would.
  const alertFits = alert !== undefined && !serverRecordBetween(conn, done, alert.frame, serverDataIsAlertSized);
  const closeFits = close !== null && close.frame > done && !serverRecordBetween(conn, done, close.frame, serverDataIsAlertSized) && !(clientClose && clientClose.frame < close.frame);
  const dataFrame = serverDataIsAlertSized && server.firstApplicationDataFrame !== null && server.firstApplicationDataFrame > done ? server.firstApplicationDataFrame : null;
  let earliest = Infinity;
  if (alertFits) earliest = alert.frame;
  if (closeFits && close.frame < earliest) earliest = close.frame;
  if (dataFrame !== null && dataFrame < earliest) earliest = dataFrame;
  let first: AbortEvent;
  if (alertFits && alert.frame === earliest) first = eventOf(conn, alert, isEnding(alert)!, alert, null);
  else if (closeFits && close.frame === earliest) first = eventOf(conn, close, close.kind, null, close);
  else if (dataFrame !== null) {
    // The decoder counted the server's only post-handshake records as data although they have
    // the size of alerts: the first one is the rejection. Its time is not in the model.
    const frame = dataFrame;
    const before = [...conn.messages, ...conn.alerts, ...conn.tcp.closes].filter((x) => x.frame <= frame).sort((a, b) => a.frame - b.frame).pop();
    const ts = before ?? { tsSec: conn.tcp.lastTsSec, tsNsec: conn.tcp.lastTsNsec };
    first = { ...eventOf(conn, { direction: 1, frame, tsSec: ts.tsSec, tsNsec: ts.tsNsec }, 'encrypted-alert', null, null), timeUnknown: true };
  } else return null;
  // A server that closes an idle connection long after the handshake is not rejecting anyone.
  const lastClient = lastUpTo(conn.messages, first.frame, false, 0);
  if (lastClient && first.tsSec - lastClient.tsSec > IDLE_CLOSE_SECONDS) return null;
  return first;
}

/** The server's first alert after `done` that ends something, close_notify aside. */
function serverEndingAlertAfter(conn: TlsConnectionModel, done: number): AlertModel | undefined {
  for (const a of conn.alerts) {
    if (a.direction === 1 && a.frame > done && isEnding(a) !== null && !(a.level === WARNING && a.description === CLOSE_NOTIFY)) return a;
  }
  return undefined;
}

/** A server record (handshake message, or application data not of alert size) after `done` and before `frame`. */
function serverRecordBetween(conn: TlsConnectionModel, done: number, frame: number, dataIsAlertSized: boolean): boolean {
  for (const m of conn.messages) if (m.direction === 1 && m.frame > done && m.frame < frame) return true;
  const data = conn.encrypted[1].firstApplicationDataFrame;
  return !dataIsAlertSized && data !== null && data > done && data < frame;
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
  return askClientDrop(conn);
}

const askClientDrop = memoizedQuestion(computeClientDrop);

function computeClientDrop(conn: TlsConnectionModel): AbortEvent | null {
  if (!conn.handshakeComplete || conn.completedFrame === null) return null;
  if (conn.encrypted[0].applicationData > 0 && !clientAppDataIsOnlyAlerts(conn)) return null;
  if (clientDataInFinalFlight(conn)) return null;
  const done = conn.completedFrame;
  // The earliest of the client's ending alerts and its close, alerts first at equal frames.
  let alert: AlertModel | null = null;
  for (const a of conn.alerts) {
    if (a.direction === 0 && a.frame >= done && isEnding(a) !== null && (alert === null || a.frame < alert.frame)) alert = a;
  }
  const close = firstClose(conn, 'client');
  const closeFits = close !== null && close.frame >= done;
  let first: AbortEvent;
  if (alert !== null && (!closeFits || alert.frame <= close.frame)) first = eventOf(conn, alert, isEnding(alert)!, alert, null);
  else if (closeFits) first = eventOf(conn, close, close.kind, null, close);
  else return null;
  // The server must not have closed first: then the client only answered the server's close.
  const serverClose = firstClose(conn, 'server');
  if (serverClose && serverClose.frame < first.frame) return null;
  // A client that leaves long after the handshake was idle, not rejecting the certificate.
  const completion = lastUpTo(conn.messages, done) ?? lastUpTo(conn.changeCipherSpec, done);
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
