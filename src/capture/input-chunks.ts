import { createGunzip } from 'node:zlib';
import { pipeline, Readable } from 'node:stream';
import type { FileHandle } from 'node:fs/promises';
import { CaptureError } from './packet.js';

/** True when the bytes begin with the gzip magic (RFC 1952: ID1 0x1f, ID2 0x8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A chunk as bytes; a stream switched to text (setEncoding) cannot carry a capture. */
export function asBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') {
    throw new CaptureError('cannot read the stream: it delivers text, not bytes (was setEncoding called on it?)', 'unreadable');
  }
  throw new CaptureError(`cannot read the stream: it delivers ${typeof chunk} chunks, not bytes`, 'unreadable');
}

/** The first chunks of a source, enough to hold at least `n` bytes, and the iterator positioned after them. */
export async function peek(
  source: AsyncIterable<unknown>,
  n: number,
): Promise<{ head: Uint8Array[]; headLength: number; rest: AsyncIterator<unknown> }> {
  const rest = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headLength = 0;
  while (headLength < n) {
    const r = await rest.next();
    if (r.done) break;
    const chunk = asBytes(r.value);
    head.push(chunk);
    headLength += chunk.length;
  }
  return { head, headLength, rest };
}

/** The first `n` bytes of a list of chunks. */
export function firstBytes(chunks: Uint8Array[], n: number): Uint8Array {
  const out = new Uint8Array(n);
  let filled = 0;
  for (const c of chunks) {
    if (filled >= n) break;
    const take = Math.min(c.length, n - filled);
    out.set(c.subarray(0, take), filled);
    filled += take;
  }
  return out.subarray(0, filled);
}

/** The peeked chunks, then the rest of the iterator; closes the source when the consumer stops early. */
export async function* rejoin(head: Uint8Array[], rest: AsyncIterator<unknown>): AsyncGenerator<Uint8Array> {
  let finished = false;
  try {
    yield* head;
    for (;;) {
      const r = await rest.next();
      if (r.done) {
        finished = true;
        return;
      }
      yield asBytes(r.value);
    }
  } finally {
    if (!finished) await rest.return?.();
  }
}

/** Fresh-buffer reads of the rest of a file (for gzip, whose inflater may hold on to its input). */
export async function* fileChunks(file: FileHandle, chunkSize: number, path: string): AsyncGenerator<Uint8Array> {
  for (;;) {
    const buffer = new Uint8Array(chunkSize);
    let bytesRead: number;
    try {
      ({ bytesRead } = await file.read(buffer, 0, chunkSize, null));
    } catch (err) {
      throw unreadable(path, err);
    }
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}

/** Slices of a byte array (so gzip input in memory streams through the inflater too). */
export async function* slices(bytes: Uint8Array, chunkSize: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
}

/** Error of a decompression (as opposed to one of the source, which arrives already typed). */
export class GunzipError extends Error {
  override readonly name = 'GunzipError';
}

/**
 * Decompresses a gzip stream chunk by chunk. A zlib failure (corrupt or cut-short data)
 * surfaces as a GunzipError, so the caller can tell it from a failure to read the source.
 */
export async function* gunzip(source: AsyncIterable<Uint8Array>, chunkSize: number): AsyncGenerator<Uint8Array> {
  // zlib's output chunk size: small chunks would slow the parser down as much as small reads.
  const inflater = createGunzip({ chunkSize: Math.max(64, chunkSize) });
  let sourceError: unknown = null;
  const input = Readable.from(source, { objectMode: false });
  input.on('error', (err) => {
    sourceError = err;
  });
  pipeline(input, inflater, () => {});
  try {
    for await (const out of inflater) yield out as Uint8Array;
  } catch (err) {
    if (sourceError) throw sourceError;
    throw new GunzipError(messageOf(err));
  } finally {
    input.destroy();
    inflater.destroy();
  }
}

/** CaptureError for a file that cannot be opened or read. */
export function unreadable(path: string, err: unknown): CaptureError {
  return new CaptureError(`cannot read ${path}: ${messageOf(err)}`, 'unreadable');
}

/** An error's message; duck-typed, as errors from another realm (vm contexts) fail `instanceof Error`. */
export function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}
