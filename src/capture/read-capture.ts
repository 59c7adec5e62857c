import { open, type FileHandle } from 'node:fs/promises';
import type { WarningSink } from '../report/warning.js';
import { CaptureParser } from './capture-parser.js';
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
  /** Bytes per read, default 1 MiB: smaller reads cost speed (64 KiB halves it). */
  chunkSize?: number;
  /** Aborts the read: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Called after each read with the input bytes consumed so far (compressed bytes for a gzip
   * file, so it compares with the file's size). For progress display: keep it cheap.
   */
  onProgress?: (bytesRead: number) => void;
  /**
   * Called before each read; when it returns a promise, the read waits for it. Lets a consumer
   * that works asynchronously (e.g. one awaiting each connection's diagnosis) hold the reader
   * back, so what it has not taken yet does not pile up in memory.
   */
  backpressure?: () => Promise<void> | void;
}

const DEFAULT_CHUNK_SIZE = 1 << 20;

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
 * Reads a file into the parser's own reused buffer: no allocation per read, and whole records
 * are parsed where they were read.
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
  try {
    const parser = new CaptureParser(handler, options);
    // Reads with position null follow the file position, so pipes and FIFOs work too.
    const read = async (into: Uint8Array): Promise<number> => {
      try {
        return (await file.read(into, 0, into.length, null)).bytesRead;
      } catch (err) {
        throw unreadable(path, err);
      }
    };
    // The first bytes decide between plain and gzip: hold them back until then.
    const first = parser.writable();
    let sniffed = 0;
    while (sniffed < 2) {
      const n = await read(first.subarray(sniffed));
      if (n === 0) break;
      sniffed += n;
    }
    if (isGzip(first.subarray(0, sniffed))) {
      const head = first.slice(0, sniffed);
      return await readGzip(rejoin([head], fileChunks(file, chunkSize, path)), handler, options, chunkSize, signal);
    }
    parser.commit(sniffed);
    let total = sniffed;
    if (sniffed > 0) options.onProgress?.(total);
    if (sniffed > 0) {
      while (!parser.stopped) {
        signal?.throwIfAborted();
        const wait = options.backpressure?.();
        if (wait) await wait;
        const n = await read(parser.writable());
        if (n === 0) break;
        parser.commit(n);
        total += n;
        options.onProgress?.(total);
      }
    }
    return parser.end();
  } finally {
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
  const chunks = options.onProgress ? counted(joined, options.onProgress) : joined;
  if (isGzip(firstBytes(head, Math.min(headLength, 2)))) {
    return readGzip(chunks, handler, options, chunkSize, signal);
  }
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
