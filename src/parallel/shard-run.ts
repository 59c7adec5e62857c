/**
 * One capture analyzed in K threads, split by flow (`--jobs K` with one regular file): this
 * thread and K-1 workers each read the whole file and analyze one shard of its TCP connections
 * (shard-task.ts); this thread also numbers the connections as the whole capture does
 * (numbering.ts), passes ndjson lines on as they come, and merges the reports of json and text.
 */
import { Worker } from 'node:worker_threads';
import type { FileEvents, FileResult, FileTask } from '../cli/analyze-file.js';
import type { ShardIdsMessage, ShardMessage, ShardTaskMessage } from '../cli/worker-protocol.js';
import { renderText, ansiStyle, plainStyle } from '../report/text.js';
import type { ConnectionReport, Report } from '../report/schema.js';
import { GlobalNumbering } from './numbering.js';
import { runShard, WorkerNumbering, type ShardResult, type ShardTask } from './shard-task.js';
import type { TrustStore } from '../x509/index.js';
import { mergeWarnings } from './warning-order.js';

/** Options of {@link analyzeInShards}. */
export interface ShardRunOptions {
  /** Number of shards, 2 or more: shard 0 in this thread, one worker thread for each other. */
  shards: number;
  /** The compiled worker.js. */
  workerScript: string;
  /** Limits of each worker's heap (see worker_threads' resourceLimits); none by default. */
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number };
  /** The --trust-store already loaded by this thread (shard 0 uses it; workers read `task.trustStorePath`). */
  trustStore?: TrustStore;
  /**
   * Where ndjson lines go, as UTF-8 bytes (a promise returned holds nothing back: the shards
   * do not wait for stdout). Without it they go to `events.lines` as text.
   */
  writeBytes?: (bytes: Uint8Array) => unknown;
}

/**
 * Analyzes one file in shards. The result is the one {@link analyzeFile} gives for the same task
 * in one thread (json byte for byte once both lists of warnings are in the canonical order of
 * warning-order.ts; ndjson the same lines, in the order connections end in their shards).
 *
 * Shard 0 runs in this thread, which otherwise only waits: each thread that analyzes pays for
 * its own module loading, JIT warm-up, Node's root certificates parsed and its read of the whole
 * file, so K shards cost K of those, not K + 1 (docs/decisions.md, "One capture split over worker threads by flow"). This thread answers
 * the workers' numbering reports between its own chunks (its reads are asynchronous).
 */
export function analyzeInShards(task: FileTask, events: FileEvents, options: ShardRunOptions): Promise<FileResult> {
  const k = options.shards;
  const numbering = new GlobalNumbering(k);
  const workers: Worker[] = [];
  const results: (ShardResult | null)[] = new Array<ShardResult | null>(k).fill(null);
  const bytes = new Array<number>(k).fill(0);
  let left = k;
  let settled = false;
  return new Promise<FileResult>((resolve) => {
    const local = new WorkerNumbering((m) => handle(0, m));
    const stop = new AbortController();
    const finish = (result: FileResult): void => {
      if (settled) return;
      settled = true;
      // Shards still running (after an error elsewhere) wait for ids that will never come:
      // this thread's is stopped (woken to see the signal), the workers ended.
      stop.abort(new Error('another shard failed'));
      local.receive([]);
      void Promise.all(workers.map((w) => w.terminate())).then(() => resolve(result));
    };
    const fail = (error: string): void => finish({ status: 2, error, text: null, report: null, warnings: [] });
    const sendIds = (s: number, ids: number[]): void => {
      if (s === 0) local.receive(ids);
      else workers[s - 1]!.postMessage({ kind: 'ids', ids } satisfies ShardIdsMessage);
    };
    function handle(i: number, m: ShardMessage): void {
      if (settled) return;
      switch (m.kind) {
        case 'numbering': {
          numbering.report(i, m.opened, m.passed);
          numbering.assign().forEach((list, s) => {
            if (list.length > 0) sendIds(s, list);
          });
          // The slowest shard tells how far the analysis is.
          if (m.bytesRead > bytes[i]!) {
            bytes[i] = m.bytesRead;
            events.progress(Math.min(...bytes));
          }
          break;
        }
        case 'lines':
          if (options.writeBytes) options.writeBytes(m.bytes);
          else void events.lines(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength).toString('utf8'));
          break;
        case 'done':
          if (m.result.status === 2) {
            fail(m.result.error ?? 'internal error');
            return;
          }
          results[i] = m.result;
          if (--left === 0) finish(merged(task, results as ShardResult[]));
          break;
      }
    }
    for (let i = 1; i < k; i++) {
      const worker = new Worker(options.workerScript, options.resourceLimits ? { resourceLimits: options.resourceLimits } : undefined);
      workers.push(worker);
      worker.on('message', (m: ShardMessage) => handle(i, m));
      worker.on('error', (e) => fail(`internal error: ${e.message.split('\n')[0]}`));
      worker.on('exit', () => {
        if (results[i] === null) fail('internal error: a worker thread stopped before its shard was done');
      });
      const message: ShardTaskMessage = { kind: 'shard', shard: shardTask(task, i, k) };
      worker.postMessage(message);
    }
    void runShard(shardTask(task, 0, k), local, (m) => handle(0, m), options.trustStore, stop.signal).then(
      (result) => handle(0, { kind: 'done', result }),
      (e: unknown) => fail(`internal error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`),
    );
  });
}

function shardTask(task: FileTask, index: number, count: number): ShardTask {
  return { input: task.input, index, count, format: task.format, trustStorePath: task.trustStorePath, host: task.host };
}

/** The shards' results as one file's. */
function merged(task: FileTask, results: readonly ShardResult[]): FileResult {
  const status = results.reduce<0 | 1 | 2>((s, r) => (r.status > s ? r.status : s), 0);
  const warnings = mergeWarnings(results.map((r) => r.warnings));
  const result: FileResult = { status, error: null, text: null, report: null, warnings };
  if (task.format === 'ndjson') return result;
  const connections: ConnectionReport[] = [];
  for (const r of results) for (const c of r.report!.connections) connections.push(c);
  connections.sort((a, b) => a.id - b.id);
  // Shard 0's report gives the capture's facts and the order of the keys.
  const report: Report = { ...results[0]!.report!, connections, warnings };
  if (task.format === 'json') result.report = report;
  else result.text = renderText(report, task.color ? ansiStyle : plainStyle);
  return result;
}
