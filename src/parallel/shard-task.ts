/**
 * One shard of one capture, as a worker thread analyzes it: the whole file is read, only the
 * shard's TCP flows are analyzed (runPipeline's `shard`), and connection ids are the whole
 * capture's, learnt from the main thread (numbering.ts).
 */
import { analyze, loadTrustStore } from '../analyze.js';
import { CaptureError } from '../capture/packet.js';
import type { Caps } from '../pipeline.js';
import type { Report } from '../report/schema.js';
import type { Warning } from '../report/warning.js';
import type { TrustStore } from '../x509/index.js';
import { DEFAULT_MAX_LIVE_CONNECTIONS } from '../tcp/connection-table.js';
import type { OutputFormat } from '../cli/args.js';
import type { ShardMessage } from '../cli/worker-protocol.js';
import { oneLine } from '../cli/analyze-file.js';
import { streamNdjsonLines } from '../cli/ndjson-lines.js';
import type { ShardNumbering } from './numbering.js';

/** What to analyze (plain data: it crosses to the worker). */
export interface ShardTask {
  /** Path of a regular file (every shard reads it). */
  input: string;
  index: number;
  count: number;
  format: OutputFormat;
  /** The --trust-store PEM file, or null for Node's roots. */
  trustStorePath: string | null;
  host: string | null;
}

/** The outcome of one shard. */
export interface ShardResult {
  /** 0 no failed handshake, 1 some failed, 2 unreadable. */
  status: 0 | 1 | 2;
  /** The one-line error, when status is 2. */
  error: string | null;
  /** The shard's report (json and text formats): its connections, with global ids. */
  report: Report | null;
  /** The shard's warnings, in the order they were made. */
  warnings: Warning[];
}

/** Defaults of the caps over all connections (src/tcp/connection-table.ts), shared out between the shards. */
const MAX_PENDING_TOTAL = 256 * 1024 * 1024;

/** The caps of one shard of `count`: the limits over all connections divided by the shards, per-connection ones as they are. */
export function shardCaps(count: number): Caps {
  return {
    maxPendingBytesTotal: Math.floor(MAX_PENDING_TOTAL / count),
    maxLiveConnections: Math.ceil(DEFAULT_MAX_LIVE_CONNECTIONS / count),
  };
}

/**
 * A shard's side of the numbering (in a worker, or shard 0 in the main thread): reports the
 * shard's new connections with its progress, and keeps the global ids the main thread sends back.
 */
export class WorkerNumbering implements ShardNumbering {
  private batch: number[] = [];
  private readonly ids: number[] = [];
  private waiting: (() => void)[] = [];
  private bytesRead = 0;

  constructor(private readonly post: (m: ShardMessage) => void) {}

  opened(firstFrame: number): void {
    this.batch.push(firstFrame);
  }

  passed(frame: number): void {
    // Progress rides on this message (one per chunk read), not on one of its own.
    this.post({ kind: 'numbering', opened: this.batch, passed: frame, bytesRead: this.bytesRead });
    this.batch = [];
  }

  /** Input bytes read so far, sent with the next report. */
  progress(bytesRead: number): void {
    this.bytesRead = bytesRead;
  }

  globalId(localId: number): number | undefined {
    return this.ids[localId];
  }

  changed(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Global ids of the next local ids, from the main thread. */
  receive(ids: readonly number[]): void {
    for (const id of ids) this.ids.push(id);
    const wake = this.waiting;
    this.waiting = [];
    for (const w of wake) w();
  }
}

/** ndjson lines are posted in batches of about this many characters (fewer, larger messages). */
const LINE_BATCH = 256 * 1024;

/**
 * Posts ndjson lines as UTF-8 bytes whose buffer moves to the main thread: a string would be
 * copied by the message and encoded again for stdout there, and the main thread serves K shards.
 */
function postLines(text: string, post: (m: ShardMessage, transfer?: ArrayBuffer[]) => void): void {
  const bytes = Buffer.from(text, 'utf8');
  // Small Buffers share a pool: only one that owns its whole ArrayBuffer can be moved.
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
  post({ kind: 'lines', bytes: own }, [own.buffer as ArrayBuffer]);
}

/**
 * Analyzes one shard; never throws for a bad input (status 2 and its one-line error).
 *
 * @param trustStore an already loaded store (the main thread's); when absent, `task.trustStorePath` is read.
 * @param signal stops the shard (another one failed): it then ends with status 2.
 */
export async function runShard(
  task: ShardTask,
  numbering: WorkerNumbering,
  post: (m: ShardMessage, transfer?: ArrayBuffer[]) => void,
  trustStore?: TrustStore,
  signal?: AbortSignal,
): Promise<ShardResult> {
  const result: ShardResult = { status: 0, error: null, report: null, warnings: [] };
  try {
    if (trustStore === undefined && task.trustStorePath !== null) trustStore = await loadTrustStore(task.trustStorePath);
  } catch (e) {
    return { ...result, status: 2, error: `cannot read trust store ${task.trustStorePath}: ${oneLine(e)}` };
  }
  const options = {
    trustStore,
    expectedHost: task.host,
    caps: shardCaps(task.count),
    shard: { index: task.index, count: task.count, numbering },
    onProgress: (bytesRead: number) => numbering.progress(bytesRead),
    signal,
  };
  try {
    if (task.format === 'ndjson') {
      const outcome = await streamNdjsonLines(task.input, options, undefined, LINE_BATCH, (batch) => postLines(batch, post));
      if (outcome.failed) result.status = 1;
      result.warnings = outcome.warnings;
      return result;
    }
    const report = await analyze(task.input, options);
    if (report.connections.some((c) => c.outcome === 'failed')) result.status = 1;
    result.warnings = report.warnings;
    result.report = report;
    return result;
  } catch (e) {
    const error = e instanceof CaptureError ? oneLine(e) : `internal error: ${oneLine(e)}`;
    return { ...result, status: 2, error };
  }
}
