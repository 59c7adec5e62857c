import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { open } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChunkReader } from '../../src/capture/chunk-reader.js';
import { CaptureError } from '../../src/capture/packet.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chunk-reader-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const content = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31 + 7) & 0xff);

function toFile(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

const waitForIo = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('ChunkReader', () => {
  it('hands the file out in order, in chunks of at most chunkSize bytes from two buffers taking turns', async () => {
    const file = await open(toFile('order.bin', content), 'r');
    try {
      const reader = new ChunkReader(file, 'order.bin', 300);
      const seen: number[] = [];
      const buffers: Uint8Array[] = [];
      let chunk = await reader.first(2);
      while (reader.length > 0) {
        buffers.push(chunk);
        expect(reader.length).toBeLessThanOrEqual(300);
        seen.push(...chunk.subarray(0, reader.length));
        reader.readAhead();
        chunk = await reader.next();
      }
      expect(Uint8Array.from(seen)).toEqual(content);
      expect(new Set(buffers).size).toBe(2);
      for (let i = 1; i < buffers.length; i++) expect(buffers[i]).not.toBe(buffers[i - 1]);
    } finally {
      await file.close();
    }
  });

  it('reads ahead into the other buffer: the chunk being parsed is not overwritten', async () => {
    const file = await open(toFile('ahead.bin', content), 'r');
    try {
      const reader = new ChunkReader(file, 'ahead.bin', 400);
      const first = await reader.first(2);
      const before = first.slice(0, reader.length);
      reader.readAhead();
      await waitForIo();
      expect(first.subarray(0, before.length)).toEqual(before);
      const second = await reader.next();
      expect(second).not.toBe(first);
      expect(second.subarray(0, reader.length)).toEqual(content.subarray(400, 800));
    } finally {
      await file.close();
    }
  });

  it('a read-ahead that fails while the caller is busy surfaces from next() as unreadable; settle() takes one never asked for', async () => {
    // Opening a directory succeeds on Linux; reading it fails with EISDIR.
    const handle = await open(dir, 'r');
    try {
      const taken = new ChunkReader(handle, dir, 64);
      taken.readAhead();
      await waitForIo();
      const err = await taken.next().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CaptureError);
      expect((err as CaptureError).code).toBe('unreadable');
      expect((err as CaptureError).message).toMatch(/EISDIR/);

      const abandoned = new ChunkReader(handle, dir, 64);
      abandoned.readAhead();
      await waitForIo();
      await expect(abandoned.settle()).resolves.toBeUndefined();
    } finally {
      await handle.close();
    }
  });

  it('a regular file gets three reads in flight into four buffers, handed out in file order', async () => {
    const big = Uint8Array.from({ length: 5000 }, (_, i) => (i * 131 + 3) & 0xff);
    const file = await open(toFile('ahead3.bin', big), 'r');
    try {
      const reader = new ChunkReader(file, 'ahead3.bin', 300, 3);
      const seen: number[] = [];
      const buffers: Uint8Array[] = [];
      let chunk = await reader.first(2);
      while (reader.length > 0) {
        buffers.push(chunk);
        const mine = chunk.slice(0, reader.length);
        reader.readAhead();
        await waitForIo();
        // Every read in flight has finished by now: none of them went into the chunk handed out.
        expect(chunk.subarray(0, mine.length)).toEqual(mine);
        seen.push(...mine);
        chunk = await reader.next();
      }
      expect(Uint8Array.from(seen)).toEqual(big);
      expect(new Set(buffers).size).toBe(4);
      for (let i = 1; i < buffers.length; i++) expect(buffers[i]).not.toBe(buffers[i - 1]);
    } finally {
      await file.close();
    }
  });

  it('a file that grows after a short read is read on from where that read ended: no gap, no repeat', async () => {
    const name = toFile('growing.bin', content);
    const more = Uint8Array.from({ length: 500 }, (_, i) => (i * 7 + 1) & 0xff);
    const file = await open(name, 'r');
    try {
      const reader = new ChunkReader(file, name, 300, 3);
      const seen: number[] = [];
      let chunk = await reader.first(2);
      let appended = false;
      while (reader.length > 0) {
        seen.push(...chunk.subarray(0, reader.length));
        reader.readAhead();
        // The reads in flight reach past the end (the one at 1200 finds nothing) before the file grows.
        await waitForIo();
        if (!appended && seen.length >= 600) {
          fs.appendFileSync(name, more);
          appended = true;
        }
        chunk = await reader.next();
      }
      expect(Uint8Array.from(seen)).toEqual(Uint8Array.from([...content, ...more]));
    } finally {
      await file.close();
    }
  });

  it('a FIFO is read at the file position, one read at a time, even when more reads ahead are allowed', async () => {
    const fifo = path.join(dir, 'capture.fifo');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      console.warn('mkfifo is not available: FIFO reading not tested');
      return;
    }
    const writer = fs.createWriteStream(fifo);
    const written = new Promise<void>((resolve, reject) => {
      writer.on('error', reject);
      writer.end(content, () => resolve());
    });
    const file = await open(fifo, 'r');
    try {
      const reader = new ChunkReader(file, fifo, 300, 3);
      const seen: number[] = [];
      let chunk = await reader.first(2);
      while (reader.length > 0) {
        seen.push(...chunk.subarray(0, reader.length));
        reader.readAhead();
        chunk = await reader.next();
      }
      await written;
      expect(Uint8Array.from(seen)).toEqual(content);
    } finally {
      await file.close();
    }
  });

  it('the first chunk is read until it holds enough bytes to tell the format, even with 1-byte chunks', async () => {
    const file = await open(toFile('tiny.bin', content.subarray(0, 5)), 'r');
    try {
      const reader = new ChunkReader(file, 'tiny.bin', 1);
      const chunk = await reader.first(2);
      expect(reader.length).toBe(2);
      expect(chunk.subarray(0, 2)).toEqual(content.subarray(0, 2));
    } finally {
      await file.close();
    }
  });
});
