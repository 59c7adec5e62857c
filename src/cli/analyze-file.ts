/**
 * One input of the command line, analyzed in the output format asked for: the unit of work that
 * runs either in the main thread or in a worker thread (worker.ts), with the same results.
 */
import { statSync } from 'node:fs';
import { analyze, loadTrustStore } from '../analyze.js';
import { CaptureError, type CaptureInput } from '../capture/packet.js';
import { renderText, ansiStyle, plainStyle } from '../report/text.js';
import type { Report } from '../report/schema.js';
import type { TrustStore } from '../x509/index.js';
import type { OutputFormat } from './args.js';
import { streamNdjsonLines } from './ndjson-lines.js';

/** What to analyze and how (plain data: it crosses to worker threads). */
export interface FileTask {
  /** A path, or '-' for stdin (never sent to a worker). */
  input: string;
  /** The name shown in messages and, when `tagFile`, in the output (`stdin` for '-'). */
  shownName: string;
  /** Put `file` in the report's capture and in each ndjson line (several inputs). */
  tagFile: boolean;
  format: OutputFormat;
  color: boolean;
  /** The --trust-store PEM file, or null for Node's roots. */
  trustStorePath: string | null;
  host: string | null;
}

/** The outcome of one input. */
export interface FileResult {
  /** 0 no failed handshake, 1 some failed, 2 unreadable. */
  status: 0 | 1 | 2;
  /** The one-line error, when status is 2. */
  error: string | null;
  /** The rendered report (text format). */
  text: string | null;
  /** The report (json format). */
  report: Report | null;
  warnings: Report['warnings'];
}

/** Streams the file's output while it is analyzed. */
export interface FileEvents {
  /** ndjson lines (each ending in a newline), in batches; a returned promise holds the analysis back (a slow stdout). */
  lines(text: string): Promise<void> | void;
  /** Input bytes read so far. */
  progress(bytesRead: number): void;
}

/** Input bytes of a regular file, or null (stdin, FIFOs, missing files). */
export function inputSize(input: string): number | null {
  if (input === '-') return null;
  try {
    const st = statSync(input);
    return st.isFile() ? st.size : null;
  } catch {
    return null;
  }
}

/** One line for the user: what went wrong, no stack. */
export function oneLine(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0]!;
  return String(e);
}

/** ndjson lines are handed on in batches of about this many characters (fewer messages between threads). */
const LINE_BATCH = 64 * 1024;

/**
 * Analyzes one input. Never throws for a bad input: an unreadable capture or trust store gives
 * status 2 with its one-line error.
 *
 * @param trustStore an already loaded store (main thread); when absent, `task.trustStorePath` is read.
 */
export async function analyzeFile(
  task: FileTask,
  events: FileEvents,
  stdin: NodeJS.ReadableStream | null = null,
  trustStore?: TrustStore,
): Promise<FileResult> {
  const result: FileResult = { status: 0, error: null, text: null, report: null, warnings: [] };
  try {
    if (trustStore === undefined && task.trustStorePath !== null) trustStore = await loadTrustStore(task.trustStorePath);
  } catch (e) {
    return { ...result, status: 2, error: `cannot read trust store ${task.trustStorePath}: ${oneLine(e)}` };
  }
  if (task.input === '-' && stdin === null) return { ...result, status: 2, error: 'stdin is read only in the main thread' };
  const input: CaptureInput = task.input === '-' ? stdin! : task.input;
  const options = {
    trustStore,
    expectedHost: task.host,
    fileName: task.tagFile ? task.shownName : undefined,
    onProgress: events.progress,
  };
  try {
    if (task.format === 'ndjson') {
      const outcome = await streamNdjsonLines(input, options, task.tagFile ? task.shownName : undefined, LINE_BATCH, (batch) => events.lines(batch));
      if (outcome.failed) result.status = 1;
      result.warnings = outcome.warnings;
      return result;
    }
    const report = await analyze(input, options);
    if (report.connections.some((c) => c.outcome === 'failed')) result.status = 1;
    result.warnings = report.warnings;
    if (task.format === 'json') result.report = report;
    else result.text = renderText(report, task.color ? ansiStyle : plainStyle);
    return result;
  } catch (e) {
    const error = e instanceof CaptureError ? oneLine(e) : `internal error: ${oneLine(e)}`;
    return { ...result, status: 2, error };
  }
}
