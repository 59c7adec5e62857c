/**
 * Writes reports as JSON text piece by piece: the same text as `JSON.stringify(x, null, 2)`, but
 * one connection at a time, so printing a report of a million connections never builds one
 * string of hundreds of megabytes next to the report itself.
 */
import type { Report } from '../report/schema.js';

type Write = (s: string) => unknown;

/** `JSON.stringify(value, null, 2)` re-indented to sit `depth` levels deep. */
function nested(value: unknown, depth: number): string {
  const text = JSON.stringify(value, null, 2);
  return depth === 0 ? text : text.replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

/** Writes one report object, its fields at `depth` + 1. */
function writeReport(report: Report, depth: number, write: Write): void {
  const pad = '  '.repeat(depth + 1);
  const keys = Object.keys(report) as (keyof Report)[];
  write('{');
  keys.forEach((key, i) => {
    write(`\n${pad}${JSON.stringify(key)}: `);
    const value = report[key];
    if (key === 'connections' && Array.isArray(value) && value.length > 0) {
      write('[');
      value.forEach((c, j) => write(`${j > 0 ? ',' : ''}\n${pad}  ${nested(c, depth + 2)}`));
      write(`\n${pad}]`);
    } else write(nested(value, depth + 1));
    if (i < keys.length - 1) write(',');
  });
  write(`\n${'  '.repeat(depth)}}`);
}

/** One report, as `--format json` prints it for one capture (a newline at the end). */
export function writeJsonReport(report: Report, write: Write): void {
  writeReport(report, 0, write);
  write('\n');
}

/** Several captures: `{ "schemaVersion": 1, "reports": [ ... ] }` (a newline at the end). */
export function writeJsonReports(reports: readonly Report[], write: Write): void {
  write('{\n  "schemaVersion": 1,\n  "reports": [');
  reports.forEach((r, i) => {
    write(`${i > 0 ? ',' : ''}\n    `);
    writeReport(r, 2, write);
  });
  write(reports.length > 0 ? '\n  ]\n}\n' : ']\n}\n');
}
