/**
 * The CLI's work, apart from process wiring so tests can call it: returns the exit status and
 * writes to the given streams. Never lets a stack trace reach the user.
 */
import { readFileSync } from 'node:fs';
import { analyze, analyzeStream, loadTrustStore } from '../analyze.js';
import { CaptureError, type CaptureInput } from '../capture/packet.js';
import type { TrustStore } from '../x509/index.js';
import { renderText, ansiStyle, plainStyle } from '../report/text.js';
import type { Report } from '../report/schema.js';
import { parseArgs, UsageError, USAGE } from './args.js';

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  /** Version text for --version. */
  version: string;
}

/** One line for the user: what went wrong, no stack. */
function oneLine(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0]!;
  return String(e);
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
  let anyFailed = false;
  const warnStderr = (file: string, warnings: Report['warnings']): void => {
    if (opts.quiet) return;
    for (const w of warnings.slice(0, 20)) io.stderr.write(`warning: ${file}: ${w.frame === null ? '' : `frame ${w.frame}: `}${w.text}\n`);
    if (warnings.length > 20) io.stderr.write(`warning: ${file}: ${warnings.length - 20} more warnings\n`);
  };
  const reports: Report[] = [];
  for (const file of opts.inputs) {
    const input: CaptureInput = file === '-' ? io.stdin : file;
    const shownName = file === '-' ? 'stdin' : file;
    const options = { trustStore, expectedHost: opts.host, fileName: opts.inputs.length > 1 ? shownName : undefined };
    try {
      if (opts.format === 'ndjson') {
        for await (const item of analyzeStream(input, options)) {
          if (item.kind === 'connection') {
            if (item.connection.outcome === 'failed') anyFailed = true;
            io.stdout.write(`${JSON.stringify(opts.inputs.length > 1 ? { file: shownName, ...item.connection } : item.connection)}\n`);
          } else warnStderr(shownName, item.warnings);
        }
        continue;
      }
      const report = await analyze(input, options);
      if (report.connections.some((c) => c.outcome === 'failed')) anyFailed = true;
      if (opts.format === 'json') reports.push(report);
      else io.stdout.write(renderText(report, color ? ansiStyle : plainStyle));
    } catch (e) {
      if (e instanceof CaptureError) {
        io.stderr.write(`tls-handshake-analyzer: ${shownName}: ${oneLine(e)}\n`);
      } else {
        io.stderr.write(`tls-handshake-analyzer: ${shownName}: internal error: ${oneLine(e)}\n`);
      }
      return 2;
    }
  }
  if (opts.format === 'json') io.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  return anyFailed ? 1 : 0;
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
