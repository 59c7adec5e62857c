/**
 * The ndjson output of one capture, handed on in batches: the one-thread path (analyze-file.ts)
 * writes them to stdout, a shard (src/parallel/shard-task.ts) posts them to the main thread.
 */
import { streamRendered, type AnalyzeOptions } from '../analyze.js';
import type { CaptureInput } from '../capture/packet.js';
import { ConnectionLineWriter } from '../report/connection-line.js';
import type { Report } from '../report/schema.js';

/** What the lines alone do not say. */
export interface NdjsonOutcome {
  /** A connection's handshake failed (exit status 1). */
  failed: boolean;
  warnings: Report['warnings'];
}

/**
 * Analyzes `input` and gives its ndjson lines (each ending in a newline) to `emit` in batches of
 * about `batchChars` characters; a promise `emit` returns holds the analysis back until it settles.
 * Each line is written straight from the model and diagnosis: the report object analyzeStream
 * would build is never needed (docs/decisions.md, "ndjson lines written from the model").
 *
 * @param file the capture's name, put first in each line (several captures), or undefined.
 */
export async function streamNdjsonLines(
  input: CaptureInput,
  options: AnalyzeOptions,
  file: string | undefined,
  batchChars: number,
  emit: (batch: string) => Promise<void> | void,
): Promise<NdjsonOutcome> {
  const outcome: NdjsonOutcome = { failed: false, warnings: [] };
  const writer = new ConnectionLineWriter();
  const items = streamRendered(input, options, (model, diagnosis, cache, warn) => ({
    kind: 'line' as const,
    text: writer.line(model, diagnosis, cache, warn, file),
    failed: diagnosis.outcome === 'failed',
  }));
  let batch = '';
  for await (const item of items) {
    if (item.kind === 'line') {
      if (item.failed) outcome.failed = true;
      batch += `${item.text}\n`;
      if (batch.length >= batchChars) {
        const wait = emit(batch);
        batch = '';
        if (wait) await wait;
      }
    } else outcome.warnings = item.warnings;
  }
  if (batch) await emit(batch);
  return outcome;
}
