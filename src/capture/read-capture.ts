import { open, type FileHandle } from 'node:fs/promises';
import type { WarningSink } from '../report/warning.js';
import { CaptureParser } from './capture-parser.js';
import { ChunkReader } from './chunk-reader.js';
import {
  fileChunks,
  firstBytes,
  gunzip,
  GunzipError,
  isGzip,
  peek,
  rejoin,
  slices,
  unreadable,
} from './input-chunks.js';
import { CaptureError, type CaptureInput, type CaptureSummary, type PacketHandler } from './packet.js';

/** Options of {@link readCapture}. */
export interface ReadOptions {
  /** Receives warnings (cut-short file, corrupt block, ...) with their frame numbers. Default: dropped. */
  warn?: WarningSink;
  /**
   * Bytes per read, default 1 MiB: smaller reads cost speed (64 KiB halves it). A regular file
   * is read into three buffers of this size, the next two chunks while the current one is
   * parsed (a FIFO into two, one chunk ahead).
   */
  chunkSize?: number;
  /** Aborts the read: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Called after each read with the input bytes consumed so far (compressed bytes for a gzip
   * file, so it compares with the file's size). For progress display: keep it cheap.
   */
  onProgress?: (bytesRead: number) => void;
  /**
   * Called between chunks; when it returns a promise, no more packets are handed on until it
   * settles (a file's next chunk may already be read into the reader's second buffer, so memory
   * stays bounded). Lets a consumer that works asynchronously (e.g. one awaiting each
   * connection's diagnosis) hold the reader back, so what it has not taken yet does not pile up.
   */
  backpressure?: () => Promise<void> | void;
}

const DEFAULT_CHUNK_SIZE = 1 << 20;
/**
 * Reads in flight at most for a regular file (see ChunkReader), i.e. three buffers of chunkSize.
 * With one, the parsing thread waited ~0.1 s per GB for reads the thread pool ran late; with
 * three, it spent more CPU parsing (chunks read longer before they are parsed are colder in cache).
 */
const READS_AHEAD = 2;

/**
 * Reads a pcap or pcapng capture and calls `handler.onPacket` synchronously for each packet,
 * in file order. Gzip-compressed input is decompressed on the fly.
 *
 * The packet object passed to the handler is reused, and its bytes live in a buffer that is
 * overwritten by the next read: copy what you keep beyond the call.
 *
 * @param input a file path, the bytes of a capture, a Node Readable (e.g. `process.stdin`),
 *   or an AsyncIterable of byte chunks
 * @returns what the capture held: format, link types, packet count, first/last timestamps, bytes
 * @throws CaptureError `not-a-capture` when the input is not pcap/pcapng (the message names what
 *   it is), `unreadable` when it cannot be read, `unsupported` for other capture formats.
 *   Damage inside a capture (cut-short file, lying lengths) is a warning, not an exception.
 */
export async function readCapture(
  input: CaptureInput,
  handler: PacketHandler,
  options: ReadOptions = {},
): Promise<CaptureSummary> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  }
  const signal = options.signal;
  signal?.throwIfAborted();
  const parserOptions: ParserOptions = { warn: options.warn, bufferSize: chunkSize, onProgress: options.onProgress, backpressure: options.backpressure };
  if (typeof input === 'string') return readFile(input, handler, parserOptions, chunkSize, signal);
  if (input instanceof Uint8Array) {
    if (isGzip(input)) {
      return readGzip(slices(input, chunkSize), handler, parserOptions, chunkSize, signal);
    }
    const parser = new CaptureParser(handler, parserOptions);
    parser.push(input);
    return parser.end();
  }
  return readStream(input as AsyncIterable<unknown>, handler, parserOptions, chunkSize, signal);
}

type ParserOptions = {
  warn: WarningSink | undefined;
  bufferSize: number;
  onProgress?: ((bytesRead: number) => void) | undefined;
  backpressure?: (() => Promise<void> | void) | undefined;
};

/** Passes chunks through, reporting the running byte count. */
async function* counted(source: AsyncIterable<Uint8Array>, onProgress: (bytesRead: number) => void): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    onProgress(total);
    yield chunk;
  }
}

/**
 * Reads a file in chunks into buffers that take turns: while the parser works through one
 * chunk, the next ones are already being read into the others (file reads run on libuv's thread
 * pool), so reading and parsing overlap instead of alternating. Whole records are parsed in place in
 * the chunk they arrived in; only a record split between two chunks is copied.
 */
async function readFile(
  path: string,
  handler: PacketHandler,
  options: ParserOptions,
  chunkSize: number,
  signal: AbortSignal | undefined,
): Promise<CaptureSummary> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (err) {
    throw unreadable(path, err);
  }
  const reader = new ChunkReader(file, path, chunkSize, READS_AHEAD);
  try {
    // The first bytes decide between plain and gzip: nothing is read ahead until then.
    let chunk = await reader.first(2);
    let length = reader.length;
    if (isGzip(chunk.subarray(0, length))) {
      return await readGzip(rejoin([chunk.slice(0, length)], fileChunks(file, chunkSize, path)), handler, options, chunkSize, signal);
    }
    // The parser's own buffer only carries records split between chunks.
    const parser = new CaptureParser(handler, options);
    let total = 0;
    while (length > 0) {
      reader.readAhead();
      // The whole buffer and a length, not a subarray: packets keep pointing at the same buffers.
      parser.push(chunk, length);
      total += length;
      options.onProgress?.(total);
      if (parser.stopped) break;
      signal?.throwIfAborted();
      // The read in flight fills a buffer of its own; what waits here is the parsing, i.e. the
      // packets handed on, which is what a consumer that has fallen behind must hold back.
      const wait = options.backpressure?.();
      if (wait) await wait;
      chunk = await reader.next();
      length = reader.length;
    }
    return parser.end();
  } finally {
    await reader.settle();
    await file.close();
  }
}

async function readStream(
  source: AsyncIterable<unknown>,
  handler: PacketHandler,
  options: ParserOptions,
  chunkSize: number,
  signal: AbortSignal | undefined,
): Promise<CaptureSummary> {
  if (typeof (source as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] !== 'function') {
    throw new CaptureError('cannot read the input: it is neither a path, bytes, a Readable nor an AsyncIterable', 'unreadable');
  }
  const { head, headLength, rest } = await peek(source, 2);
  const joined = rejoin(head, rest);
  // readGzip counts the compressed chunks itself.
  if (isGzip(firstBytes(head, Math.min(headLength, 2)))) {
    return readGzip(joined, handler, options, chunkSize, signal);
  }
  const chunks = options.onProgress ? counted(joined, options.onProgress) : joined;
  const parser = new CaptureParser(handler, options);
  for await (const chunk of chunks) {
    signal?.throwIfAborted();
    parser.push(chunk);
    if (parser.stopped) break;
    const wait = options.backpressure?.();
    if (wait) await wait;
  }
  return parser.end();
}

/**
 * Decompresses and parses. Data cut short or corrupt after some packets is a warning (the
 * packets before it are good); gzip data that yields nothing is unreadable.
 */
async function readGzip(
  compressed: AsyncIterable<Uint8Array>,
  handler: PacketHandler,
  options: ParserOptions,
  chunkSize: number,
  signal: AbortSignal | undefined,
): Promise<CaptureSummary> {
  const parser = new CaptureParser(handler, { ...options, decompressed: true });
  const input = options.onProgress ? counted(compressed, options.onProgress) : compressed;
  try {
    for await (const chunk of gunzip(input, chunkSize)) {
      signal?.throwIfAborted();
      parser.push(chunk);
      if (parser.stopped) break;
      const wait = options.backpressure?.();
      if (wait) await wait;
    }
  } catch (err) {
    if (!(err instanceof GunzipError)) throw err;
    if (parser.bytesRead === 0) {
      throw new CaptureError(`cannot decompress the gzip-compressed input: ${err.message}`, 'unreadable');
    }
    options.warn?.(null, `gzip-compressed input is damaged after ${parser.bytesRead} decompressed bytes (${err.message}); read what came before`);
  }
  return parser.end();
}
