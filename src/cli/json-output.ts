/**
 * Writes reports as JSON text piece by piece: the bytes of `JSON.stringify(x, null, 2)`, one
 * connection at a time, in chunks of about 64 KiB of UTF-8 handed to the writer as they fill,
 * so printing a report of a million connections never builds one string of hundreds of
 * megabytes next to the report itself, and never queues more than the writer accepts.
 *
 * Each value is indented by V8 itself (see {@link wrapping}) and encoded straight into the chunk:
 * on the million-SYN capture that cut printing from ~11 to ~7 s of CPU. Honouring the writer's
 * backpressure keeps a slow pipe from queueing the whole text: without it, that capture's json
 * through `| (sleep 25; cat)` grew past 4 GB and was killed (docs/decisions.md, "`--format json` printing").
 */
import type { Report } from '../report/schema.js';

/** Takes text; what it returns is ignored. */
type Write = (s: string) => unknown;

/** Takes a chunk of UTF-8 that stays the receiver's; a returned promise is awaited before the next. */
export type WriteBytes = (chunk: Uint8Array) => unknown;

/** Chunks handed on are about this size (one write call each). */
const CHUNK = 64 * 1024;

/**
 * Characters before and after a value's text in `JSON.stringify` of it wrapped in `depth` arrays
 * (`[[v]]` for depth 2) with an indent of 2: the value's lines then come indented `depth` levels
 * deeper, by V8 itself, with no pass over the text to indent it again.
 */
function wrapping(depth: number): { before: number; after: number } {
  let before = 0;
  let after = 0;
  // Array k adds `[`, a line break and its items' indent before; a line break, its own indent and `]` after.
  for (let k = 0; k < depth; k++) {
    before += 2 + 2 * (k + 1);
    after += 2 + 2 * k;
  }
  return { before, after };
}

const WRAPPINGS = Array.from({ length: 8 }, (_, depth) => wrapping(depth));

/**
 * Collects JSON text as UTF-8 bytes. `take()` hands over the bytes so far and starts a new
 * buffer: the receiver may keep a chunk (a stream queues it), so one is never written twice.
 */
class Utf8Chunks {
  private out = new Uint8Array(CHUNK + 4096);
  private at = 0;
  private readonly encoder = new TextEncoder();

  /** Bytes collected since the last `take()`. */
  get length(): number {
    return this.at;
  }

  /** Appends text as it is (the report's own structure: keys, brackets, indentation). */
  text(s: string): void {
    this.room(s.length * 3);
    this.at += this.encoder.encodeInto(s, this.out.subarray(this.at)).written;
  }

  /**
   * Appends `JSON.stringify(value, null, 2)` as it reads `depth` levels deep: its lines after
   * the first indented by that much more.
   */
  indented(value: unknown, depth: number): void {
    let wrapped = value;
    for (let k = 0; k < depth; k++) wrapped = [wrapped];
    // Wrapped, a value with no JSON text (undefined) comes out as null, as in an array.
    const json = JSON.stringify(wrapped, null, 2);
    const { before, after } = WRAPPINGS[depth] ?? wrapping(depth);
    this.text(json.slice(before, json.length - after));
  }

  /** The bytes collected so far; the next ones go to a new buffer. */
  take(): Uint8Array {
    const chunk = this.out.subarray(0, this.at);
    this.out = new Uint8Array(CHUNK + 4096);
    this.at = 0;
    return chunk;
  }

  /** Makes room for `bytes` more. */
  private room(bytes: number): void {
    if (this.out.length - this.at >= bytes) return;
    const bigger = new Uint8Array(Math.max(2 * this.out.length, this.at + bytes));
    bigger.set(this.out.subarray(0, this.at));
    this.out = bigger;
  }
}

/**
 * The text of one report object (its `{` where the caller is, its fields at `depth` + 1), in
 * chunks of about {@link CHUNK} bytes. Arrays of the report (connections, warnings) are laid out
 * one element at a time.
 */
function* reportChunks(report: Report, depth: number, buf: Utf8Chunks): Generator<Uint8Array, void, undefined> {
  const pad = '  '.repeat(depth + 1);
  // As JSON.stringify, leave out fields that have no JSON text.
  const fields = (Object.keys(report) as (keyof Report)[]).filter((k) => {
    const type = typeof report[k];
    return type !== 'undefined' && type !== 'function' && type !== 'symbol';
  });
  buf.text('{');
  for (let f = 0; f < fields.length; f++) {
    const key = fields[f]!;
    buf.text(`\n${pad}${JSON.stringify(key)}: `);
    const value: unknown = report[key];
    if (Array.isArray(value) && value.length > 0) {
      buf.text('[');
      const itemPad = `\n${pad}  `;
      for (let j = 0; j < value.length; j++) {
        buf.text(j > 0 ? `,${itemPad}` : itemPad);
        buf.indented(value[j], depth + 2);
        if (buf.length >= CHUNK) yield buf.take();
      }
      buf.text(`\n${pad}]`);
    } else buf.indented(value, depth + 1);
    if (f < fields.length - 1) buf.text(',');
  }
  buf.text(`\n${'  '.repeat(depth)}}`);
}

/** The chunks of `--format json` for one capture (`several` false) or several. */
function* outputChunks(reports: readonly Report[], several: boolean): Generator<Uint8Array, void, undefined> {
  const buf = new Utf8Chunks();
  if (!several) yield* reportChunks(reports[0]!, 0, buf);
  else {
    buf.text('{\n  "schemaVersion": 1,\n  "reports": [');
    for (let i = 0; i < reports.length; i++) {
      buf.text(`${i > 0 ? ',' : ''}\n    `);
      yield* reportChunks(reports[i]!, 2, buf);
    }
    buf.text(reports.length > 0 ? '\n  ]\n}' : ']\n}');
  }
  buf.text('\n');
  yield buf.take();
}

/** Hands each chunk to `write`, awaiting what it returns when that is a promise (a full stdout). */
async function writeChunks(chunks: Iterable<Uint8Array>, write: WriteBytes): Promise<void> {
  for (const chunk of chunks) {
    const wait = write(chunk);
    if (wait instanceof Promise) await wait;
  }
}

/** Hands each chunk to `write` as text, synchronously. */
function writeChunksAsText(chunks: Iterable<Uint8Array>, write: Write): void {
  const decoder = new TextDecoder();
  // Chunks end between two connections, never inside a UTF-8 sequence, so each decodes alone.
  for (const chunk of chunks) write(decoder.decode(chunk));
}

/**
 * One report, as `--format json` prints it for one capture (a newline at the end): the bytes of
 * `JSON.stringify(report, null, 2)`, one connection at a time, in chunks of about 64 KiB.
 *
 * @param write receives each chunk (it may keep it); when it returns a promise (stdout is full),
 *   the next chunk waits for it, so what is not written yet never piles up.
 */
export function streamJsonReport(report: Report, write: WriteBytes): Promise<void> {
  return writeChunks(outputChunks([report], false), write);
}

/** Several captures: `{ "schemaVersion": 1, "reports": [ ... ] }` (a newline at the end), as {@link streamJsonReport}. */
export function streamJsonReports(reports: readonly Report[], write: WriteBytes): Promise<void> {
  return writeChunks(outputChunks(reports, true), write);
}

/**
 * {@link streamJsonReport} as text, written synchronously: `write`'s result is ignored, so it
 * does not wait for a slow stdout. Prefer `streamJsonReport`.
 */
export function writeJsonReport(report: Report, write: Write): void {
  writeChunksAsText(outputChunks([report], false), write);
}

/** {@link streamJsonReports} as text, written synchronously (see {@link writeJsonReport}). */
export function writeJsonReports(reports: readonly Report[], write: Write): void {
  writeChunksAsText(outputChunks(reports, true), write);
}
