/**
 * The walks of handshake-state.ts were rewritten to run in one pass without copies or sorts (see
 * docs/decisions.md, "Diagnosis and certificate analysis: CPU per connection"). Their earlier, plainly written versions are kept here as the
 * specification: on thousands of seeded random models, frame by frame, both must agree exactly,
 * ties and out-of-order frames included.
 */
import { mulberry32 } from '../../scripts/mangle-capture.js';
import {
  ALERT_RECORD_MAX,
  IDLE_CLOSE_SECONDS,
  clientDroppedAfterHandshake,
  findAbort,
  firstClose,
  isTls13,
  lastLandmark,
  serverAbortAfterClientFlight,
  stageAt,
  tls13FinishedRecordLength,
  type AbortEvent,
  type Landmark,
  type Stage,
} from '../../src/diagnose/handshake-state.js';
import { messageName, sideOf } from '../../src/diagnose/describe.js';
import type { AlertModel, MessageModel, Seen, TlsConnectionModel } from '../../src/tls/model.js';
import type { CloseEvent } from '../../src/tcp/stream-types.js';
import { ModelBuilder } from './model-builder.js';

// ---- the specification: the walks as they were written before ---------------------------------

const CLIENT_SECOND_FLIGHT = new Set([11, 15, 16, 20, -1]);
const upTo = (c: TlsConnectionModel, f: number): MessageModel[] => c.messages.filter((m) => m.frame <= f);
const pick = (s: Seen): Seen => ({ direction: s.direction, frame: s.frame, tsSec: s.tsSec, tsNsec: s.tsNsec });

function refStage(conn: TlsConnectionModel, frame: number): Stage {
  if (conn.handshakeComplete && conn.completedFrame !== null && frame > conn.completedFrame) return 'complete';
  const seen = upTo(conn, frame);
  let last = -1;
  seen.forEach((m, i) => {
    if (m.direction === 0 && m.type === 1) last = i;
  });
  if (last < 0) {
    const hello = conn.secondClientHello ?? conn.clientHello;
    if (!hello || hello.frame > frame) return 'no-client-hello';
  }
  const after = seen.slice(last + 1);
  const s = after.findIndex((m) => m.direction === 1);
  if (s < 0) return 'client-hello';
  if (!after.slice(s).some((m) => m.direction === 0 && CLIENT_SECOND_FLIGHT.has(m.type))) return 'server-flight';
  if (conn.handshakeComplete && conn.completedFrame !== null && frame >= conn.completedFrame) return 'complete';
  return 'client-flight';
}

function refLandmark(conn: TlsConnectionModel, frame: number): Landmark | null {
  const seen = upTo(conn, frame);
  const last = seen[seen.length - 1];
  if (!last) {
    const hello = conn.clientHello;
    return hello && hello.frame <= frame ? { ...pick(hello), name: 'ClientHello' } : null;
  }
  if (last.type === -1) return { ...pick(last), name: `${sideOf(last.direction)}'s encrypted handshake flight` };
  if (last.type === 2 && conn.helloRetryRequest && conn.helloRetryRequest.frame === last.frame && last.direction === 1) return { ...pick(last), name: 'HelloRetryRequest' };
  return { ...pick(last), name: messageName(last) };
}

function refEnding(a: AlertModel): AbortEvent['kind'] | null {
  if (a.encrypted || a.description === null) return 'encrypted-alert';
  if (a.level === 2) return 'alert';
  if (a.level === 1 && (a.description === 0 || a.description === 90)) return 'close-notify';
  if (a.level !== 1 && a.level !== 2 && a.description !== 0) return 'alert';
  return null;
}

function refEvent(conn: TlsConnectionModel, s: Seen, kind: AbortEvent['kind'], alert: AlertModel | null, close: CloseEvent | null): AbortEvent {
  return { ...pick(s), by: sideOf(s.direction), kind, alert, close, stage: refStage(conn, s.frame), last: refLandmark(conn, s.frame) };
}

function refAbort(conn: TlsConnectionModel): AbortEvent | null {
  const c: { s: Seen; kind: AbortEvent['kind']; alert: AlertModel | null; close: CloseEvent | null }[] = [];
  for (const a of conn.alerts) {
    const kind = refEnding(a);
    if (kind) c.push({ s: a, kind, alert: a, close: null });
  }
  for (const x of conn.tcp.closes) {
    if (x.kind === 'fin' && refWentOn(conn, x)) continue;
    c.push({ s: x, kind: x.kind, alert: null, close: x });
  }
  c.sort((x, y) => x.s.frame - y.s.frame || (x.alert ? 0 : 1) - (y.alert ? 0 : 1));
  const f = c[0];
  return f ? refEvent(conn, f.s, f.kind, f.alert, f.close) : null;
}

function refWentOn(conn: TlsConnectionModel, fin: CloseEvent): boolean {
  const other = fin.direction === 0 ? 1 : 0;
  const own = conn.messages.filter((m) => m.frame < fin.frame).pop();
  if (!own || own.direction !== fin.direction) return false;
  return conn.messages.some((m) => m.direction === other && m.frame > fin.frame) || conn.alerts.some((a) => a.direction === other && a.frame > fin.frame);
}

function refServerAbortAfterFlight(conn: TlsConnectionModel): AbortEvent | null {
  if (!isTls13(conn) || !conn.handshakeComplete || conn.completedFrame === null) return null;
  const done = conn.completedFrame;
  const server = conn.encrypted[1];
  const alertSized = server.applicationData > 0 && server.applicationDataBytes <= ALERT_RECORD_MAX * server.applicationData;
  const recordAfter = (frame: number): boolean =>
    conn.messages.some((m) => m.direction === 1 && m.frame > done && m.frame < frame) ||
    (!alertSized && server.firstApplicationDataFrame !== null && server.firstApplicationDataFrame > done && server.firstApplicationDataFrame < frame);
  const alert = conn.alerts.find((a) => a.direction === 1 && a.frame > done && refEnding(a) !== null && !(a.level === 1 && a.description === 0));
  const close = firstClose(conn, 'server');
  const clientClose = firstClose(conn, 'client');
  const c: AbortEvent[] = [];
  if (alert && !recordAfter(alert.frame)) c.push(refEvent(conn, alert, refEnding(alert)!, alert, null));
  if (close && close.frame > done && !recordAfter(close.frame) && !(clientClose && clientClose.frame < close.frame)) c.push(refEvent(conn, close, close.kind, null, close));
  if (alertSized && server.firstApplicationDataFrame !== null && server.firstApplicationDataFrame > done) {
    const frame = server.firstApplicationDataFrame;
    const before = [...conn.messages, ...conn.alerts, ...conn.tcp.closes].filter((x) => x.frame <= frame).sort((a, b) => a.frame - b.frame).pop();
    const ts = before ?? { tsSec: conn.tcp.lastTsSec, tsNsec: conn.tcp.lastTsNsec };
    c.push({ ...refEvent(conn, { direction: 1, frame, tsSec: ts.tsSec, tsNsec: ts.tsNsec }, 'encrypted-alert', null, null), timeUnknown: true });
  }
  c.sort((x, y) => x.frame - y.frame);
  const first = c[0];
  if (!first) return null;
  const lastClient = conn.messages.filter((m) => m.direction === 0 && m.frame <= first.frame).pop();
  if (lastClient && first.tsSec - lastClient.tsSec > IDLE_CLOSE_SECONDS) return null;
  return first;
}

function refClientDrop(conn: TlsConnectionModel): AbortEvent | null {
  if (!conn.handshakeComplete || conn.completedFrame === null) return null;
  const firstData = conn.encrypted[0].firstApplicationDataFrame;
  const onlyAlerts =
    firstData === null ||
    (conn.alerts.some((a) => a.direction === 0 && a.encrypted && a.frame === firstData) && conn.encrypted[0].applicationData <= conn.alerts.filter((a) => a.direction === 0 && a.encrypted).length);
  if (conn.encrypted[0].applicationData > 0 && !onlyAlerts) return null;
  if (isTls13(conn)) {
    const finished = tls13FinishedRecordLength(conn.serverHello?.cipherSuite ?? conn.cipherSuite ?? 0);
    const client = conn.messages.filter((m) => m.direction === 0 && m.type === -1);
    const at = client.findIndex((m) => m.length === finished);
    if (at >= 0 && at < client.length - 1) return null;
  }
  const done = conn.completedFrame;
  const events: AbortEvent[] = [];
  for (const a of conn.alerts) if (a.direction === 0 && a.frame >= done && refEnding(a) !== null) events.push(refEvent(conn, a, refEnding(a)!, a, null));
  const close = firstClose(conn, 'client');
  if (close && close.frame >= done) events.push(refEvent(conn, close, close.kind, null, close));
  events.sort((x, y) => x.frame - y.frame);
  const first = events[0];
  if (!first) return null;
  const serverClose = firstClose(conn, 'server');
  if (serverClose && serverClose.frame < first.frame) return null;
  const completion = conn.messages.filter((m) => m.frame <= done).pop() ?? conn.changeCipherSpec.filter((c) => c.frame <= done).pop();
  if (completion && first.tsSec - completion.tsSec > IDLE_CLOSE_SECONDS) return null;
  return first;
}

// ---- random models --------------------------------------------------------------------------

/** A model of 0-14 events with small frame steps (ties are common), some frames going back. */
function randomModel(rnd: () => number): TlsConnectionModel {
  const b = new ModelBuilder();
  const int = (n: number): number => Math.floor(rnd() * n);
  const who = (): 'client' | 'server' => (rnd() < 0.5 ? 'client' : 'server');
  const tls13 = rnd() < 0.5;
  let frame = 1;
  let t = 0;
  const step = (): void => {
    frame = rnd() < 0.1 ? Math.max(1, frame - 1 - int(3)) : frame + int(3);
    t += rnd() < 0.1 ? 6 + rnd() * 10 : rnd() * 0.05;
  };
  const events = int(15);
  for (let i = 0; i < events; i++) {
    step();
    const r = int(14);
    if (r === 0) b.clientHello(frame, t, { sni: rnd() < 0.8 ? 'a.test' : null });
    else if (r === 1) b.serverHello(frame, t, { selectedVersion: tls13 ? 0x0304 : 0x0303, helloRetryRequest: rnd() < 0.1, cipherSuite: tls13 ? 0x1301 + int(3) : 0xc02f });
    else if (r === 2) b.message(who(), frame, t, [11, 12, 13, 14, 15, 16, 20, 4][int(8)]!);
    else if (r === 3) b.encryptedHandshake(who(), frame, t, ...[53, 69, 78, 25, 400].slice(0, 1 + int(3)));
    else if (r === 4) b.alert(who(), frame, t, [1, 2, 3][int(3)]!, [0, 90, 40, 42, 48, 112][int(6)]!);
    else if (r === 5) b.encryptedAlert(who(), frame, t);
    else if (r === 6) b.appData(who(), frame, t, rnd() < 0.3 ? 19 : 300);
    else if (r === 7) b.ccs(who(), frame, t);
    else if (r === 8) b.complete(frame);
    else if (r === 9) b.fin(who(), frame, t);
    else if (r === 10) b.rst(who(), frame, t);
    else if (r === 11) b.clientHello(frame, t);
    else if (r === 12) b.message('server', frame, t, 2);
    else b.message('client', frame, t, 1);
  }
  return b.build();
}

describe('handshake walks agree with their plain specification', () => {
  it('on 6,000 seeded random models, at every frame', () => {
    const rnd = mulberry32(20261127);
    const found = { aborts: 0, afterFlight: 0, drops: 0 };
    const differences: string[] = [];
    const same = (what: string, n: number, ours: unknown, spec: unknown): void => {
      // toEqual's own comparison, one expectation at the end: thousands of expect() calls are slow.
      if (!equals(ours, spec)) differences.push(`model ${n} ${what}: ${JSON.stringify(ours)} vs ${JSON.stringify(spec)}`);
    };
    for (let n = 0; n < 6000; n++) {
      const conn = randomModel(rnd);
      const maxFrame = Math.max(1, ...conn.messages.map((m) => m.frame), ...conn.alerts.map((a) => a.frame), ...conn.tcp.closes.map((c) => c.frame)) + 1;
      for (let f = 0; f <= maxFrame; f++) {
        same(`stageAt(${f})`, n, stageAt(conn, f), refStage(conn, f));
        same(`lastLandmark(${f})`, n, lastLandmark(conn, f), refLandmark(conn, f));
      }
      const abort = findAbort(conn);
      const afterFlight = serverAbortAfterClientFlight(conn);
      const drop = clientDroppedAfterHandshake(conn);
      if (abort) found.aborts++;
      if (afterFlight) found.afterFlight++;
      if (drop) found.drops++;
      same('findAbort', n, abort, refAbort(conn));
      same('serverAbortAfterClientFlight', n, afterFlight, refServerAbortAfterFlight(conn));
      same('clientDroppedAfterHandshake', n, drop, refClientDrop(conn));
    }
    expect(differences.slice(0, 5)).toEqual([]);
    // The generator must reach the interesting cases, or the comparison proves little.
    expect(found.aborts).toBeGreaterThan(2000);
    expect(found.afterFlight).toBeGreaterThan(60);
    expect(found.drops).toBeGreaterThan(60);
  });
});

/** Deep equality as toEqual sees it (undefined properties aside: the walks set none). */
function equals(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
