// The output lines of --lines and --dump, written to stdout in batches of about 1 MiB (one
// write per line costs more than the lines), the last batch when the command flushes.
import { writeSync } from 'node:fs';

let batch = '';

/** Adds one line (without its newline) to stdout. */
export function writeStdoutLine(line) {
  batch += line + '\n';
  if (batch.length > 1 << 20) { writeSync(1, batch); batch = ''; }
}

/** Writes what is left: once, at the end of the run. */
export function flushStdout() {
  if (batch.length > 0) writeSync(1, batch);
  batch = '';
}
