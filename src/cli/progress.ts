/**
 * The progress line of long runs: bytes read of the total, rate and time left, redrawn in place
 * on stderr. Shown only on a terminal and without --quiet; pipes and logs get nothing.
 */

/** Where the progress line goes: a terminal-like stream. */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Receives byte counts and redraws the line, at most every `intervalMs`. */
export interface Progress {
  /** Bytes read so far by one of the inputs (`slot` tells inputs apart when several run at once). */
  update(bytesRead: number, slot?: number): void;
  /** Erases the line (before other stderr output and at the end). */
  clear(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Bytes to read in all, when known (regular files); null for stdin or pipes. */
  totalBytes: number | null;
  /** Minimum time between redraws (default 250 ms). */
  intervalMs?: number;
  /** Clock, for tests (default `performance.now`). */
  now?: () => number;
}

const SILENT: Progress = { update() {}, clear() {} };

/** A progress display on `stream`, or a silent one off a terminal or when `quiet`. */
export function createProgress(stream: ProgressStream, quiet: boolean, options: ProgressOptions): Progress {
  if (quiet || !stream.isTTY) return SILENT;
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 250;
  const start = now();
  const bySlot = new Map<number, number>();
  let read = 0;
  let lastDraw = -Infinity;
  let shown = false;
  return {
    update(bytesRead: number, slot = 0): void {
      read += bytesRead - (bySlot.get(slot) ?? 0);
      bySlot.set(slot, bytesRead);
      const t = now();
      if (t - lastDraw < interval) return;
      lastDraw = t;
      const line = progressLine(read, options.totalBytes, (t - start) / 1000);
      const width = stream.columns && stream.columns > 10 ? stream.columns - 1 : 79;
      stream.write(`\r${line.slice(0, width)}\x1b[K`);
      shown = true;
    },
    clear(): void {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
      lastDraw = -Infinity;
    },
  };
}

/** "read 512 MB of 1.0 GB (50%), 830 MB/s, 1 s left": the text of the line. */
export function progressLine(read: number, total: number | null, elapsedSec: number): string {
  const rate = elapsedSec > 0 ? read / elapsedSec : 0;
  const parts = [`read ${bytes(read)}${total !== null ? ` of ${bytes(total)} (${Math.min(100, Math.floor((100 * read) / Math.max(total, 1)))}%)` : ''}`];
  if (rate > 0) parts.push(`${bytes(rate)}/s`);
  if (total !== null && rate > 0 && read < total) parts.push(`${duration((total - read) / rate)} left`);
  return parts.join(', ');
}

function bytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(0)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${Math.round(n)} B`;
}

function duration(sec: number): string {
  const s = Math.ceil(sec);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
