/**
 * The library's entry points: `analyze` returns the whole report; `analyzeStream` yields each
 * connection as soon as it is finished and diagnosed.
 */
import { readFile } from 'node:fs/promises';
import type { CaptureInput, CaptureSummary } from './capture/packet.js';
import { runPipeline, type Caps, type ShardOptions } from './pipeline.js';
import type { TlsConnectionModel } from './tls/model.js';
import { CertificateCache, TrustStore } from './x509/index.js';
import { diagnoseConnection } from './diagnose/engine.js';
import { peerFactsOf, type PeerFacts } from './diagnose/peer-facts.js';
import { CertificateInterner } from './tls/certificate-interner.js';
import { PEER_WINDOW, ServerPeers } from './diagnose/peer-selection.js';
import { connectionReport } from './report/connection-report.js';
import type { ConnectionReport, Report } from './report/schema.js';
import { WarningCollector } from './report/warnings.js';
import { SharedParts } from './report/shared-parts.js';
import type { WarningSink } from './report/warning.js';
import type { Diagnosis } from './diagnose/types.js';
import { isoTime } from './report/time.js';

/** Options of an analysis. */
export interface AnalyzeOptions {
  /**
   * Roots to validate certificate chains against: a TrustStore, or PEM text. Default: Node's
   * bundled roots (`tls.rootCertificates`).
   */
  trustStore?: TrustStore | string;
  /** The host the client meant to reach, used where the client sent no server_name. */
  expectedHost?: string | null;
  /** Memory caps (see {@link Caps}). */
  caps?: Caps;
  /** Largest number of warnings listed in the report (default 1000; the rest are counted). */
  maxWarnings?: number;
  /** Stops reading when aborted. */
  signal?: AbortSignal;
  /** Name of the capture, copied into the report (`capture.file`). */
  fileName?: string;
  /** Called after each read with the input bytes consumed so far (for a progress display). */
  onProgress?: (bytesRead: number) => void;
  /** Analyze only one shard of the capture's flows, numbered as in the whole capture (see runPipeline's `shard`). */
  shard?: ShardOptions;
}

/** Reads a PEM bundle file into a trust store (what `--trust-store` does). */
export async function loadTrustStore(pemFile: string): Promise<TrustStore> {
  return TrustStore.fromPem(await readFile(pemFile, 'utf8'));
}

function trustStoreOf(option: AnalyzeOptions['trustStore']): TrustStore {
  if (option === undefined) return TrustStore.nodeDefault();
  return typeof option === 'string' ? TrustStore.fromPem(option) : option;
}

const serverKey = (m: TlsConnectionModel): string => `${m.tcp.serverIp}|${m.tcp.serverPort}`;

/** Connections to one server kept as cross-connection evidence while streaming: as many as analyze() gives before each. */
const PEERS_PER_SERVER = PEER_WINDOW;
/**
 * Peers kept while streaming, over all servers: beyond it the least recently seen servers are
 * forgotten, so the evidence kept stays bounded however many servers the capture holds. A peer
 * is its PeerFacts (~200 bytes, certificates shared), no longer its model (5-10 KB).
 */
const MAX_PEERS = 4096;

/**
 * Renders a diagnosed connection: as its report object, or straight as its ndjson line (see
 * {@link streamRendered}). `warn` takes the warnings of reading its certificates.
 */
export type Render<T> = (model: TlsConnectionModel, diagnosis: Diagnosis, cache: CertificateCache, warn?: WarningSink) => T;

/** Diagnoses one model and renders it. */
async function reportOf<T>(
  model: TlsConnectionModel,
  peers: readonly PeerFacts[],
  trustStore: TrustStore,
  cache: CertificateCache,
  expectedHost: string | null,
  render: Render<T>,
  warn?: WarningSink,
): Promise<T> {
  const diagnosis = await diagnoseConnection(model, { trustStore, cache, expectedHost, peers });
  return render(model, diagnosis, cache, warn);
}

function captureReport(summary: CaptureSummary, fileName: string | undefined): Report['capture'] {
  return {
    format: summary.format,
    linkTypes: summary.linkTypes,
    packets: summary.packets,
    start: summary.first ? isoTime(summary.first.sec, summary.first.nsec) : null,
    end: summary.last ? isoTime(summary.last.sec, summary.last.nsec) : null,
    ...(fileName === undefined ? {} : { file: fileName }),
  };
}

/**
 * Analyzes a whole capture and returns the report (the object `--format json` prints).
 * Every connection is diagnosed with other connections to the same server as evidence: a bounded
 * set (src/diagnose/peer-selection.ts: its neighbours, and those each peer rule would pick).
 *
 * Parts that are equal across connections (the server endpoint, cipher suite, record versions,
 * remediation and alternatives lists, empty lists) are one shared frozen object, so that a
 * million connections fit in memory: copy a part (e.g. `structuredClone`) before changing it.
 *
 * @param input a file path, a Uint8Array, a Node Readable or an AsyncIterable of chunks; gzip is
 *   read transparently.
 * @throws CaptureError when the input is not a capture or cannot be read.
 */
export async function analyze(input: CaptureInput, options: AnalyzeOptions = {}): Promise<Report> {
  const warnings = new WarningCollector(options.maxWarnings);
  let trust: TrustStore | null = null;
  const trustStore = (): TrustStore => (trust ??= trustStoreOf(options.trustStore));
  const cache = new CertificateCache();
  const expectedHost = options.expectedHost ?? null;
  // A connection that carried no payload is reported as soon as it ends, and its model let go:
  // it neither needs nor gives cross-connection evidence (every peer rule starts from a hello),
  // and a SYN flood makes a million of them.
  const connections: ConnectionReport[] = [];
  const parts = new SharedParts();
  const kept = (c: ConnectionReport): ConnectionReport => parts.share(c);
  let payloadLess: TlsConnectionModel[] = [];
  const reportPayloadLess = async (): Promise<void> => {
    const batch = payloadLess;
    payloadLess = [];
    for (const m of batch) connections.push(kept(await reportOf(m, [], trustStore(), cache, expectedHost, connectionReport, warnings.sink)));
  };
  // Every connection is evidence for the others to its server: its PeerFacts (~260 bytes) are
  // made when it ends, and its model (~5 KB) is let go as soon as it is reported.
  const certificates = new CertificateInterner(4096);
  let ended: { facts: PeerFacts; model: TlsConnectionModel | null }[] = [];
  const summary = await runPipeline(
    input,
    (m) => {
      if (m.kind === 'no-payload') payloadLess.push(m);
      else {
        // The model waits for the end: its certificates become the shared copies (most
        // connections repeat a few chains; ~0.9 KB of buffers per connection on the benchmark).
        for (const c of m.certificates) for (let i = 0; i < c.chain.length; i++) c.chain[i] = certificates.intern(c.chain[i]!);
        ended.push({ facts: peerFactsOf(m, certificates), model: m });
      }
    },
    {
      warn: warnings.sink,
      caps: options.caps,
      signal: options.signal,
      onProgress: options.onProgress,
      shard: options.shard,
      certificates,
      backpressure: () => (payloadLess.length >= PAYLOAD_LESS_BATCH ? reportPayloadLess() : undefined),
    },
  );
  await reportPayloadLess();
  ended.sort((a, b) => a.facts.id - b.facts.id);
  const byServer = new Map<string, PeerFacts[]>();
  for (const { facts, model } of ended) {
    const k = serverKey(model!);
    const list = byServer.get(k);
    if (list) list.push(facts);
    else byServer.set(k, [facts]);
  }
  // Bounded evidence per connection: all the others would be quadratic per server.
  const peersByServer = new Map<string, ServerPeers>();
  for (const [k, list] of byServer) peersByServer.set(k, new ServerPeers(list));
  for (const e of ended) {
    const m = e.model!;
    e.model = null;
    const peers = peersByServer.get(serverKey(m))!.peersOf(e.facts);
    connections.push(kept(await reportOf(m, peers, trustStore(), cache, expectedHost, connectionReport, warnings.sink)));
  }
  ended = [];
  connections.sort((a, b) => a.id - b.id);
  // Only the capture facts and warnings go through the schema here: connections are built field
  // by field to the schema by connectionReport, and parsing each one copied it (on a million
  // connections, most of the time and memory). Tests check every report against the schema.
  // zod is loaded here, not at start-up: the streaming path (ndjson) never needs it (~0.05 s).
  const { reportSchema } = await import('./report/schema.js');
  const report = reportSchema.parse({
    schemaVersion: 1,
    capture: captureReport(summary, options.fileName),
    connections: [],
    warnings: warnings.list(),
  } satisfies Report);
  report.connections = connections;
  return report;
}

/** Payload-less connections reported between reads once this many wait (see analyze()). */
const PAYLOAD_LESS_BATCH = 256;

/** What `analyzeStream` yields: connections as they finish, then the capture facts and warnings. */
export type StreamItem =
  | { kind: 'connection'; connection: ConnectionReport }
  | { kind: 'end'; capture: Report['capture']; warnings: Report['warnings'] };

/**
 * Analyzes a capture as a stream: yields each connection as soon as its TCP connection ends and
 * it is diagnosed (cross-connection evidence comes from the connections seen before it), then
 * one `end` item with the capture facts and the warnings. Memory stays flat on long captures.
 *
 * @throws CaptureError when the input is not a capture or cannot be read.
 */
export function analyzeStream(input: CaptureInput, options: AnalyzeOptions = {}): AsyncGenerator<StreamItem> {
  return streamRendered(input, options, (model, diagnosis, cache, warn) => ({ kind: 'connection', connection: connectionReport(model, diagnosis, cache, warn) }));
}

/** The last item of {@link streamRendered}: the capture facts and the warnings. */
export type StreamEnd = Extract<StreamItem, { kind: 'end' }>;

/**
 * {@link analyzeStream} with each diagnosed connection rendered by `render` (into the item yielded
 * for it: the report object, or straight its ndjson line, src/report/connection-line.ts), then
 * the `end` item. Internal: the CLI's ndjson path.
 */
export async function* streamRendered<T>(input: CaptureInput, options: AnalyzeOptions, render: Render<T>): AsyncGenerator<T | StreamEnd> {
  const warnings = new WarningCollector(options.maxWarnings);
  const trustStore = trustStoreOf(options.trustStore);
  const cache = new CertificateCache();
  const expectedHost = options.expectedHost ?? null;
  const peersByServer = new Map<string, PeerFacts[]>();
  const certificates = new CertificateInterner(4096);
  let peerCount = 0;
  // A queue: taken slots are cleared at once, the array compacted now and then.
  let ready: (TlsConnectionModel | undefined)[] = [];
  let readyHead = 0;
  let wake: (() => void) | null = null;
  // Reading stops while this many finished connections wait for their diagnosis (a read of
  // 1 MiB can end a thousand short connections; without this they pile up).
  const HIGH_WATER = 256;
  let drained: (() => void) | null = null;
  const backpressure = (): Promise<void> | undefined =>
    ready.length - readyHead < HIGH_WATER
      ? undefined
      : new Promise<void>((resolve) => {
          drained = resolve;
        });
  let done = false;
  let failure: unknown = null;
  let summary: CaptureSummary | null = null;
  // Stops the reader when the caller's signal aborts, or when the caller leaves the loop early
  // (the reader may be waiting on backpressure that nobody will release).
  const stop = new AbortController();
  const outer = options.signal;
  const forward = (): void => stop.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward, { once: true });

  const reading = runPipeline(
    input,
    (m) => {
      ready.push(m);
      wake?.();
    },
    { warn: warnings.sink, caps: options.caps, signal: stop.signal, onProgress: options.onProgress, backpressure, shard: options.shard, certificates },
  ).then(
    (s) => {
      summary = s;
    },
    (e: unknown) => {
      failure = e;
    },
  ).finally(() => {
    done = true;
    wake?.();
  });

  try {
    for (;;) {
      stop.signal.throwIfAborted();
      const m = readyHead < ready.length ? ready[readyHead] : undefined;
      if (m) ready[readyHead++] = undefined;
      if (readyHead === ready.length) {
        ready.length = 0;
        readyHead = 0;
      } else if (readyHead >= 1024 && readyHead * 2 >= ready.length) {
        ready = ready.slice(readyHead);
        readyHead = 0;
      }
      if (drained !== null && ready.length - readyHead < HIGH_WATER / 2) {
        const resume = drained as () => void;
        drained = null;
        resume();
      }
      if (m) {
        const k = serverKey(m);
        const peers = peersByServer.get(k) ?? [];
        const rendered = await reportOf(m, peers, trustStore, cache, expectedHost, render, warnings.sink);
        if (m.kind === 'tls') {
          peers.push(peerFactsOf(m, certificates));
          peerCount++;
          if (peers.length > PEERS_PER_SERVER) {
            peers.shift();
            peerCount--;
          }
          // Re-inserting keeps the Map in least-recently-seen order, oldest first.
          peersByServer.delete(k);
          peersByServer.set(k, peers);
          while (peerCount > MAX_PEERS) {
            const [oldest, list] = peersByServer.entries().next().value!;
            peersByServer.delete(oldest);
            peerCount -= list.length;
          }
        }
        yield rendered;
        continue;
      }
      if (done) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
  } finally {
    outer?.removeEventListener('abort', forward);
    if (!done) {
      stop.abort(new Error('analyzeStream: the caller stopped early'));
      const release = drained as (() => void) | null;
      release?.();
    }
  }
  await reading;
  if (failure !== null) throw failure;
  yield { kind: 'end', capture: captureReport(summary!, options.fileName), warnings: warnings.list() };
}
