import type { FileHandle } from 'node:fs/promises';
import { unreadable } from './input-chunks.js';
import type { CaptureError } from './packet.js';

/**
 * A read in flight. It settles with its error rather than rejecting: it may fail while the
 * caller awaits something else (backpressure), when a rejection nobody awaits yet would count
 * as unhandled and end the process.
 */
interface PendingRead {
  into: Uint8Array;
  /** File offset read from, or null for a read at the file position. */
  position: number | null;
  result: Promise<number | CaptureError>;
}

/**
 * Sequential reads of a file into a few buffers that take turns: the caller parses the chunk it
 * was handed while `readAhead()` fills the others on libuv's thread pool.
 *
 * A regular file, once `first()` has seen it is one, gets up to `readsAhead` reads in flight at
 * once, each at its own offset: a read that the thread pool runs late (its thread not scheduled:
 * the parsing thread and the garbage collector's helpers share the cores) then has several
 * chunks' parsing time to finish instead of one, and the parsing thread does not wait for it.
 * Anything else (a FIFO, a character device) is read at the file position, one read in flight.
 */
export class ChunkReader {
  /** Buffers neither handed out last nor being read into (each buffer is free, in flight or current). */
  private free: Uint8Array[];
  /** Reads in flight, oldest (next to hand out) first. */
  private inFlight: PendingRead[] = [];
  /** The buffer last handed out: the caller is parsing it. */
  private current: Uint8Array | null = null;
  /** Offset of the next read, or null for reads at the file position (one in flight). */
  private position: number | null = null;
  /** Buffers still to make for reads ahead (made on first use: a gzip file never reads ahead here). */
  private unmade = 0;
  private readonly size: number;
  /** Bytes in the buffer last handed out. */
  length = 0;

  /**
   * @param readsAhead reads in flight at most for a regular file (default 1, i.e. two buffers);
   *   each costs a buffer of `chunkSize` bytes
   */
  constructor(
    private readonly file: FileHandle,
    private readonly path: string,
    chunkSize: number,
    private readonly readsAhead = 1,
  ) {
    // Two bytes at least, so that the first read can tell gzip even with 1-byte chunks.
    this.size = Math.max(chunkSize, 2);
    this.free = [new Uint8Array(this.size), new Uint8Array(this.size)];
  }

  /** The buffer holding the first chunk (its `length` bytes), read until it holds at least `min` bytes or the file ends. */
  async first(min: number): Promise<Uint8Array> {
    const into = this.free.shift()!;
    let filled = 0;
    while (filled < min) {
      const n = await this.read(into.subarray(filled), null);
      if (n === 0) break;
      filled += n;
    }
    this.current = into;
    this.length = filled;
    if (this.readsAhead > 1 && filled > 0 && (await this.isRegularFile())) {
      // Reads at the file position so far, from offset 0: the next one starts where they ended.
      this.position = filled;
      this.unmade = this.readsAhead - 1;
    }
    return into;
  }

  /**
   * Starts reading the next chunks into the buffers not handed out last: as many as allowed
   * in flight. The buffer handed out before the last one is overwritten from here on.
   */
  readAhead(): void {
    const most = this.position === null ? 1 : this.readsAhead;
    while (this.inFlight.length < most) {
      let into = this.free.shift();
      if (into === undefined && this.unmade > 0) {
        this.unmade--;
        into = new Uint8Array(this.size);
      }
      if (into === undefined) break;
      this.issue(into);
    }
  }

  /**
   * The buffer holding the next chunk (its `length` bytes; 0 at the end of the file).
   * @throws CaptureError `unreadable` when the read failed
   */
  async next(): Promise<Uint8Array> {
    if (this.inFlight.length === 0) this.readAhead();
    const read = this.inFlight.shift()!;
    const result = await read.result;
    if (typeof result !== 'number') {
      await this.settle();
      throw result;
    }
    if (read.position !== null && result < read.into.length) {
      // Short: the file ended there when it was read. The reads issued after it started from
      // where a full chunk would have ended; they go, and reading goes on from where this one
      // ended (so a file still being written is read without a gap, as one read at a time would).
      await this.settle();
      this.position = read.position + result;
    }
    if (this.current !== null && this.current !== read.into) this.free.push(this.current);
    this.current = read.into;
    this.length = result;
    return read.into;
  }

  /** Waits for the reads still in flight (the reading stopped early, or they are stale), so the file can be closed. */
  async settle(): Promise<void> {
    const reads = this.inFlight;
    this.inFlight = [];
    for (const r of reads) {
      await r.result;
      this.free.push(r.into);
    }
  }

  private issue(into: Uint8Array): void {
    const position = this.position;
    if (position !== null) this.position = position + into.length;
    const result = this.read(into, position).catch((err: unknown) => err as CaptureError);
    this.inFlight.push({ into, position, result });
  }

  private async isRegularFile(): Promise<boolean> {
    try {
      return (await this.file.stat()).isFile();
    } catch {
      // Reading has worked: stay with reads at the file position, which need no answer here.
      return false;
    }
  }

  private async read(into: Uint8Array, position: number | null): Promise<number> {
    try {
      return (await this.file.read(into, 0, into.length, position)).bytesRead;
    } catch (err) {
      throw unreadable(this.path, err);
    }
  }
}
