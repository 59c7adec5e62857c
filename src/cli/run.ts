/**
 * The CLI's work, apart from process wiring so tests can call it: returns the exit status and
 * writes to the given streams. Never lets a stack trace reach the user.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { loadTrustStore } from '../analyze.js';
import type { TrustStore } from '../x509/index.js';
import type { Report } from '../report/schema.js';
import { parseArgs, UsageError, USAGE } from './args.js';
import { inputSize, oneLine, type FileTask } from './analyze-file.js';
import { analyzeFileInOrder } from '../parallel/ordered-file.js';
import { analyzeInShards } from '../parallel/shard-run.js';
import { runOrdered, WorkerPool, type FileRunner } from './parallel.js';
import { createProgress } from './progress.js';
import { streamJsonReport, streamJsonReports } from './json-output.js';

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  /** Where reports go; `write` returning false and a 'drain' event (a Node stream) pause the analysis. */
  stdout: { write(s: string | Uint8Array): unknown; isTTY?: boolean; once?(event: 'drain', listener: () => void): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  /** Version text for --version. */
  version: string;
  /**
   * The compiled worker.js, for analyzing several files in worker threads (`--jobs`). Without
   * it, files are analyzed one after the other in this thread.
   */
  workerScript?: string;
}

/**
 * Collects small writes into large ones (one syscall per 64 KiB, not one per JSON piece). `write`
 * returns a promise when stdout is full (a pipe read slowly): waiting for it keeps what is not
 * written yet from piling up in memory.
 */
function bufferedWriter(out: CliIo['stdout']): {
  write(s: string): Promise<void> | undefined;
  writeBytes(b: Uint8Array): Promise<void> | undefined;
  flush(): void;
} {
  let buf = '';
  // One wait for 'drain' however many writers are refused meanwhile (shards' lines are not
  // awaited): a listener per refused write would pile up on a slow pipe.
  let draining: Promise<void> | undefined;
  const pushed = (accepted: unknown): Promise<void> | undefined => {
    if (accepted !== false || !out.once) return undefined;
    draining ??= new Promise<void>((resolve) =>
      out.once!('drain', () => {
        draining = undefined;
        resolve();
      }),
    );
    return draining;
  };
  return {
    write(s: string) {
      buf += s;
      if (buf.length < 1 << 16) return undefined;
      const accepted = out.write(buf);
      buf = '';
      return pushed(accepted);
    },
    /** Bytes already encoded (ndjson lines from shards, JSON chunks) go out as they are, after what is buffered. */
    writeBytes(b: Uint8Array) {
      if (buf) out.write(buf);
      buf = '';
      return pushed(out.write(b));
    },
    flush() {
      if (buf) out.write(buf);
      buf = '';
    },
  };
}

/**
 * Cores from which one file is split over threads without --jobs. Each shard pays for its own
 * module loading, root certificates, read + decode of the whole file (~1.0 s CPU on the 1 GB
 * bench capture) and its isolate's background JIT and GC (~1.1 s, on V8's helper threads), while
 * the analysis it takes over is ~1.5 s in all: on 2 cores, 2 shards take ~7.2 s CPU against ~4.5
 * s for one thread, and no less wall time (docs/decisions.md, "One capture split over worker threads by flow").
 */
export const SHARD_MIN_CORES = 4;

/**
 * Most shards without --jobs: every shard reads and decodes the whole file, so beyond a few
 * that duplicated work outgrows what splitting the analysis saves.
 */
export const MAX_DEFAULT_SHARDS = 4;

/**
 * Shards for one regular file when --jobs is not given: 1 below SHARD_MIN_CORES, else one per
 * two cores (a shard keeps about one core busy with its JavaScript and another part-time with
 * its isolate's GC and JIT threads), up to MAX_DEFAULT_SHARDS.
 */
export function shardsByDefault(cores: number): number {
  return cores >= SHARD_MIN_CORES ? Math.min(Math.floor(cores / 2), MAX_DEFAULT_SHARDS) : 1;
}

/** Runs the CLI; resolves to the exit status (0, 1 or 2). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    io.stderr.write(`tls-handshake-analyzer: ${oneLine(e)}\n${e instanceof UsageError ? 'Try --help.\n' : ''}`);
    return 2;
  }
  if (opts.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (opts.version) {
    io.stdout.write(`${io.version}\n`);
    return 0;
  }
  if (opts.keylog !== null) {
    io.stderr.write('tls-handshake-analyzer: --keylog: TLS 1.3 decryption is on the roadmap and not implemented in this version\n');
    return 2;
  }
  let trustStore: TrustStore | undefined;
  try {
    if (opts.trustStore !== null) trustStore = await loadTrustStore(opts.trustStore);
  } catch (e) {
    io.stderr.write(`tls-handshake-analyzer: cannot read trust store ${opts.trustStore}: ${oneLine(e)}\n`);
    return 2;
  }
  if (trustStore && trustStore.size === 0) {
    io.stderr.write(`tls-handshake-analyzer: trust store ${opts.trustStore} holds no certificate\n`);
    return 2;
  }
  const color = opts.color ?? Boolean(io.stdout.isTTY);
  const several = opts.inputs.length > 1;
  const tasks: FileTask[] = opts.inputs.map((input) => ({
    input,
    shownName: input === '-' ? 'stdin' : input,
    tagFile: several,
    format: opts.format,
    color,
    trustStorePath: opts.trustStore,
    host: opts.host,
  }));
  const sizes = opts.inputs.map(inputSize);
  const total = sizes.every((n) => n !== null) ? sizes.reduce<number>((a, n) => a + n!, 0) : null;
  const progress = createProgress(io.stderr, opts.quiet, { totalBytes: total });
  const stderr = (s: string): void => {
    progress.clear();
    io.stderr.write(s);
  };
  const out = bufferedWriter(io.stdout);

  // Several files: one worker thread per file at a time. One regular file: split by flow over
  // threads (src/parallel/) when --jobs asks for it, or by default on machines with enough
  // cores (shardsByDefault). stdin, and --jobs 1, are read in this thread.
  const cores = opts.jobs ?? availableParallelism();
  const shards = several || sizes[0] === null || io.workerScript === undefined ? 1 : opts.jobs ?? shardsByDefault(cores);
  const jobs = Math.min(cores, tasks.length);
  const pool = jobs > 1 && io.workerScript !== undefined ? new WorkerPool(io.workerScript) : null;
  const inThread: FileRunner =
    shards > 1
      ? (task, events) => analyzeInShards(task, events, { shards, workerScript: io.workerScript!, trustStore, writeBytes: out.writeBytes })
      : (task, events) => analyzeFileInOrder(task, events, io.stdin, trustStore);
  const run: FileRunner = pool ? (task, events) => (task.input === '-' ? inThread(task, events) : pool.run(task, events)) : inThread;

  let status = 0;
  const reports: Report[] = [];
  // One file's JSON is streamed after the analysis (with backpressure), and its warnings follow it.
  const laterWarnings: (() => void)[] = [];
  try {
    await runOrdered(tasks, pool ? jobs : 1, run, {
      lines: (_i, text) => out.write(text),
      progress: (i, bytesRead) => progress.update(bytesRead, i),
      done(i, result) {
        const name = tasks[i]!.shownName;
        status = Math.max(status, result.status);
        if (result.error !== null) {
          out.flush();
          stderr(`tls-handshake-analyzer: ${name}: ${result.error}\n`);
          return;
        }
        if (result.text !== null) out.write(result.text);
        if (result.report !== null) reports.push(result.report);
        if (!opts.quiet && result.warnings.length > 0) {
          const print = (): void => {
            out.flush();
            for (const w of result.warnings.slice(0, 20)) stderr(`warning: ${name}: ${w.frame === null ? '' : `frame ${w.frame}: `}${w.text}\n`);
            if (result.warnings.length > 20) stderr(`warning: ${name}: ${result.warnings.length - 20} more warnings\n`);
          };
          if (result.report !== null && !several) laterWarnings.push(print);
          else print();
        }
      },
    });
  } catch (e) {
    out.flush();
    stderr(`tls-handshake-analyzer: internal error: ${oneLine(e)}\n`);
    status = 2;
  } finally {
    await pool?.close();
  }
  if (opts.format === 'json') {
    out.flush();
    if (several) await streamJsonReports(reports, out.writeBytes);
    else if (reports.length === 1) await streamJsonReport(reports[0]!, out.writeBytes);
  }
  for (const print of laterWarnings) print();
  out.flush();
  progress.clear();
  return status;
}

/** The package version, read from package.json next to the compiled code. */
export function packageVersion(scriptPath: string): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', `file://${scriptPath}`), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
