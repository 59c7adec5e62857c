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
import { analyzeFile, inputSize, oneLine, type FileTask } from './analyze-file.js';
import { runOrdered, WorkerPool, type FileRunner } from './parallel.js';
import { createProgress } from './progress.js';
import { writeJsonReport, writeJsonReports } from './json-output.js';

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  /** Where reports go; `write` returning false and a 'drain' event (a Node stream) pause the analysis. */
  stdout: { write(s: string): unknown; isTTY?: boolean; once?(event: 'drain', listener: () => void): unknown };
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
function bufferedWriter(out: CliIo['stdout']): { write(s: string): Promise<void> | undefined; flush(): void } {
  let buf = '';
  return {
    write(s: string) {
      buf += s;
      if (buf.length < 1 << 16) return undefined;
      const accepted = out.write(buf);
      buf = '';
      if (accepted !== false || !out.once) return undefined;
      return new Promise<void>((resolve) => out.once!('drain', resolve));
    },
    flush() {
      if (buf) out.write(buf);
      buf = '';
    },
  };
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

  // Worker threads pay off only for several files; stdin is read in this thread.
  const jobs = Math.min(opts.jobs ?? availableParallelism(), tasks.length);
  const pool = jobs > 1 && io.workerScript !== undefined ? new WorkerPool(io.workerScript) : null;
  const inThread: FileRunner = (task, events) => analyzeFile(task, events, io.stdin, trustStore);
  const run: FileRunner = pool ? (task, events) => (task.input === '-' ? inThread(task, events) : pool.run(task, events)) : inThread;

  let status = 0;
  const reports: Report[] = [];
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
        if (result.report !== null) {
          if (several) reports.push(result.report);
          else writeJsonReport(result.report, out.write);
        }
        if (!opts.quiet && result.warnings.length > 0) {
          out.flush();
          for (const w of result.warnings.slice(0, 20)) stderr(`warning: ${name}: ${w.frame === null ? '' : `frame ${w.frame}: `}${w.text}\n`);
          if (result.warnings.length > 20) stderr(`warning: ${name}: ${result.warnings.length - 20} more warnings\n`);
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
  if (opts.format === 'json' && several) writeJsonReports(reports, out.write);
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
