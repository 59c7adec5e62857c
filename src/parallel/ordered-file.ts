/**
 * The command line's unit of work with its warnings in the canonical order (warning-order.ts),
 * so that one thread and shards list them alike.
 */
import { analyzeFile, type FileEvents, type FileResult, type FileTask } from '../cli/analyze-file.js';
import { renderText, ansiStyle, plainStyle } from '../report/text.js';
import type { TrustStore } from '../x509/index.js';
import { canonicalWarnings } from './warning-order.js';

/** {@link analyzeFile}, with the warnings (of the result, of the json report and of the text) in the canonical order. */
export async function analyzeFileInOrder(
  task: FileTask,
  events: FileEvents,
  stdin: NodeJS.ReadableStream | null = null,
  trustStore?: TrustStore,
): Promise<FileResult> {
  // Text is rendered here from the report, once its warnings are in order.
  const r = await analyzeFile(task.format === 'text' ? { ...task, format: 'json' } : task, events, stdin, trustStore);
  const warnings = canonicalWarnings(r.warnings);
  if (r.report === null) return { ...r, warnings };
  const report = { ...r.report, warnings };
  if (task.format === 'json') return { ...r, report, warnings };
  return { ...r, report: null, text: renderText(report, task.color ? ansiStyle : plainStyle), warnings };
}
