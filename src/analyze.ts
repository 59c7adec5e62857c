/**
 * The library's entry points: `analyze` returns the whole report; `analyzeStream` yields each
 * connection as soon as it is finished and diagnosed.
 */
import { readFile } from 'node:fs/promises';
import type { CaptureInput, CaptureSummary } from './capture/packet.js';
import { runPipeline, type Caps } from './pipeline.js';
import type { TlsConnectionModel } from './tls/model.js';
import { CertificateCache, TrustStore } from './x509/index.js';
import { diagnoseConnection } from './diagnose/engine.js';
import { connectionReport } from './report/connection-report.js';
import { reportSchema, type ConnectionReport, type Report } from './report/schema.js';
import { WarningCollector } from './report/warnings.js';
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

/** Connections to one server kept as cross-connection evidence while streaming. */
const PEERS_PER_SERVER = 16;

/** Diagnoses one model and renders its report object. */
async function reportOf(
  model: TlsConnectionModel,
  peers: readonly TlsConnectionModel[],
  trustStore: TrustStore,
  cache: CertificateCache,
  expectedHost: string | null,
): Promise<ConnectionReport> {
  const diagnosis = await diagnoseConnection(model, { trustStore, cache, expectedHost, peers });
  return connectionReport(model, diagnosis, cache);
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
 * Every connection is diagnosed with the other connections to the same server as evidence.
 *
 * @param input a file path, a Uint8Array, a Node Readable or an AsyncIterable of chunks; gzip is
 *   read transparently.
 * @throws CaptureError when the input is not a capture or cannot be read.
 */
export async function analyze(input: CaptureInput, options: AnalyzeOptions = {}): Promise<Report> {
  const warnings = new WarningCollector(options.maxWarnings);
  const models: TlsConnectionModel[] = [];
  const summary = await runPipeline(input, (m) => models.push(m), {
    warn: warnings.sink,
    caps: options.caps,
    signal: options.signal,
  });
  models.sort((a, b) => a.tcp.id - b.tcp.id);
  const byServer = new Map<string, TlsConnectionModel[]>();
  for (const m of models) {
    const k = serverKey(m);
    const list = byServer.get(k);
    if (list) list.push(m);
    else byServer.set(k, [m]);
  }
  const trustStore = trustStoreOf(options.trustStore);
  const cache = new CertificateCache();
  const connections: ConnectionReport[] = [];
  for (const m of models) {
    const peers = byServer.get(serverKey(m))!.filter((p) => p !== m);
    connections.push(await reportOf(m, peers, trustStore, cache, options.expectedHost ?? null));
  }
  const report: Report = {
    schemaVersion: 1,
    capture: captureReport(summary, options.fileName),
    connections,
    warnings: warnings.list(),
  };
  return reportSchema.parse(report);
}

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
export async function* analyzeStream(input: CaptureInput, options: AnalyzeOptions = {}): AsyncGenerator<StreamItem> {
  const warnings = new WarningCollector(options.maxWarnings);
  const trustStore = trustStoreOf(options.trustStore);
  const cache = new CertificateCache();
  const expectedHost = options.expectedHost ?? null;
  const peersByServer = new Map<string, TlsConnectionModel[]>();
  const ready: TlsConnectionModel[] = [];
  let wake: (() => void) | null = null;
  let done = false;
  let failure: unknown = null;
  let summary: CaptureSummary | null = null;

  const reading = runPipeline(
    input,
    (m) => {
      ready.push(m);
      wake?.();
    },
    { warn: warnings.sink, caps: options.caps, signal: options.signal },
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

  for (;;) {
    const m = ready.shift();
    if (m) {
      const k = serverKey(m);
      const peers = peersByServer.get(k) ?? [];
      const report = await reportOf(m, peers, trustStore, cache, expectedHost);
      if (m.kind === 'tls') {
        peers.push(m);
        if (peers.length > PEERS_PER_SERVER) peers.shift();
        peersByServer.set(k, peers);
      }
      yield { kind: 'connection', connection: report };
      continue;
    }
    if (done) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = null;
  }
  await reading;
  if (failure !== null) throw failure;
  yield { kind: 'end', capture: captureReport(summary!, options.fileName), warnings: warnings.list() };
}
