import type { FileHandle } from 'node:fs/promises';
import { unreadable } from './input-chunks.js';
import type { CaptureError } from './packet.js';

/**
 * Sequential reads of a file (or a FIFO: reads follow the file position) into two buffers that
 * take turns, with at most one read in flight: the caller parses the chunk it was handed while
 * `readAhead()` fills the other buffer on libuv's thread pool.
 */
export class ChunkReader {
  private readonly buffers: [Uint8Array, Uint8Array];
  /** Index of the buffer the next read goes to. */
  private turn = 0;
  /**
   * The read in flight. It settles with its error rather than rejecting: it may fail while the
   * caller awaits something else (backpressure), when a rejection nobody awaits yet would count
   * as unhandled and end the process.
   */
  private pending: Promise<number | CaptureError> | null = null;
  /** Bytes in the buffer last handed out. */
  length = 0;

  constructor(
    private readonly file: FileHandle,
    private readonly path: string,
    chunkSize: number,
  ) {
    // Two bytes at least, so that the first read can tell gzip even with 1-byte chunks.
    const size = Math.max(chunkSize, 2);
    this.buffers = [new Uint8Array(size), new Uint8Array(size)];
  }

  /** The buffer holding the first chunk (its `length` bytes), read until it holds at least `min` bytes or the file ends. */
  async first(min: number): Promise<Uint8Array> {
    const into = this.buffers[this.turn]!;
    let filled = 0;
    while (filled < min) {
      const n = await this.read(into.subarray(filled));
      if (n === 0) break;
      filled += n;
    }
    this.turn ^= 1;
    this.length = filled;
    return into;
  }

  /** Starts reading the next chunk into the buffer not handed out last. */
  readAhead(): void {
    this.pending = this.read(this.buffers[this.turn]!).catch((err: unknown) => err as CaptureError);
  }

  /**
   * The buffer holding the chunk read ahead (its `length` bytes; 0 at the end of the file).
   * @throws CaptureError `unreadable` when the read failed
   */
  async next(): Promise<Uint8Array> {
    const read = this.pending ?? this.read(this.buffers[this.turn]!);
    this.pending = null;
    const into = this.buffers[this.turn]!;
    const result = await read;
    if (typeof result !== 'number') throw result;
    this.length = result;
    this.turn ^= 1;
    return into;
  }

  /** Waits for a read still in flight (the reading stopped early), so the file can be closed. */
  async settle(): Promise<void> {
    const read = this.pending;
    this.pending = null;
    if (read) await read;
  }

  private async read(into: Uint8Array): Promise<number> {
    try {
      return (await this.file.read(into, 0, into.length, null)).bytesRead;
    } catch (err) {
      throw unreadable(this.path, err);
    }
  }
}
