import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { CaptureError, type CaptureInput } from '../../src/capture/packet.js';
import { readCapture } from '../../src/capture/read-capture.js';
import { collect, concat, epb, idb, payload, pcapHeader, pcapRecord, shb, split64, type Collected } from './capture-bytes.js';

const pcap = concat(
  pcapHeader(),
  ...Array.from({ length: 20 }, (_, i) => pcapRecord({ sec: 1700000000 + i, frac: i * 1000, data: payload(40 + i * 13, i) })),
);
const pcapng = concat(
  shb(),
  idb({ linkType: 1 }),
  ...Array.from({ length: 20 }, (_, i) => epb({ ...split64(1_700_000_000_000_000n + BigInt(i) * 1_000_001n), data: payload(40 + i * 13, i) })),
);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-capture-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function toFile(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

describe.each([
  ['pcap', pcap],
  ['pcapng', pcapng],
])('every input kind gives the same %s result', (name, bytes) => {
  let expected: Collected;
  beforeAll(async () => {
    expected = await collect(bytes);
    expect(expected.packets).toHaveLength(20);
  });

  const kinds: Array<[string, () => Promise<Collected>]> = [
    ['a file path', () => collect(toFile(`${name}.cap`, bytes))],
    ['a file path, 7-byte reads', () => collect(toFile(`${name}-7.cap`, bytes), { chunkSize: 7 })],
    ['a file path, 1-byte reads', () => collect(toFile(`${name}-1.cap`, bytes), { chunkSize: 1 })],
    ['a Node Readable', () => collect(Readable.from(Buffer.from(bytes)))],
    ['a Readable of 5-byte chunks', () => collect(Readable.from(chunked(bytes, 5)))],
    ['an AsyncIterable of 7-byte chunks', () => collect(chunked(bytes, 7))],
    ['an AsyncIterable of 1-byte chunks', () => collect(chunked(bytes, 1))],
    ['gzip bytes', () => collect(gzipSync(bytes))],
    ['a gzip file, 7-byte reads', () => collect(toFile(`${name}.cap.gz`, gzipSync(bytes)), { chunkSize: 7 })],
    ['a gzip file, 1-byte reads', () => collect(toFile(`${name}-1.cap.gz`, gzipSync(bytes)), { chunkSize: 1 })],
    ['a gzip file', () => collect(toFile(`${name}-b.cap.gz`, gzipSync(bytes)))],
    ['a gzip stream of 3-byte chunks', () => collect(chunked(gzipSync(bytes), 3))],
  ];
  it.each(kinds)('%s', async (_kind, read) => {
    const got = await read();
    expect(got.packets).toEqual(expected.packets);
    expect(got.summary).toEqual(expected.summary);
    expect(got.warnings).toEqual([]);
  });
});

describe('readCapture edges', () => {
  it('a missing file is unreadable, with the system error', async () => {
    const missing = path.join(dir, 'nope.pcap');
    const err = await readCapture(missing, { onPacket: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).code).toBe('unreadable');
    expect((err as CaptureError).message).toBe(`cannot read ${missing}: ENOENT: no such file or directory, open '${missing}'`);
  });

  it('a directory is unreadable', async () => {
    const err = await readCapture(dir, { onPacket: () => {} }).catch((e: unknown) => e);
    expect((err as CaptureError).code).toBe('unreadable');
    expect((err as CaptureError).message).toMatch(/EISDIR/);
  });

  it('a text-mode stream is refused in words', async () => {
    const stream = Readable.from(Buffer.from(pcap));
    stream.setEncoding('latin1');
    const err = await readCapture(stream, { onPacket: () => {} }).catch((e: unknown) => e);
    expect((err as CaptureError).message).toMatch(/delivers text, not bytes/);
  });

  it('a gzip stream cut short yields the packets before the cut and warnings', async () => {
    const gz = gzipSync(pcap);
    const { packets, warnings } = await collect(gz.subarray(0, Math.floor(gz.length * 0.7)));
    expect(packets.length).toBeGreaterThan(0);
    expect(packets.length).toBeLessThan(20);
    expect(warnings[0]!.text).toMatch(/gzip-compressed input is damaged after \d+ decompressed bytes \(unexpected end of file\)/);
  });

  it('corrupt gzip that yields nothing is unreadable', async () => {
    const bad = Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    const err = await readCapture(bad, { onPacket: () => {} }).catch((e: unknown) => e);
    expect((err as CaptureError).code).toBe('unreadable');
    expect((err as CaptureError).message).toMatch(/^cannot decompress the gzip-compressed input: /);
  });

  it('stops when the signal aborts, and closes the file', async () => {
    const controller = new AbortController();
    let seen = 0;
    const file = toFile('abort.pcap', pcap);
    const run = readCapture(
      file,
      {
        onPacket: () => {
          if (++seen === 3) controller.abort();
        },
      },
      { signal: controller.signal, chunkSize: 64 },
    );
    await expect(run).rejects.toThrow(/abort/i);
    expect(seen).toBeLessThan(20);
  });

  it('an exception from the handler propagates as is', async () => {
    const boom = new Error('handler failed');
    await expect(
      readCapture(toFile('boom.pcap', pcap), {
        onPacket: () => {
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
  });

  it('rejects a chunk size that is not a positive integer', async () => {
    await expect(readCapture(pcap, { onPacket: () => {} }, { chunkSize: 0 })).rejects.toThrow(RangeError);
  });

  it('once the capture is found corrupt, the rest of the input is not read', async () => {
    const liar = new Uint8Array(16);
    new DataView(liar.buffer).setUint32(8, 0x7fffffff, true);
    const corrupt = concat(pcap.subarray(0, 24 + 16 + 40), liar, new Uint8Array(10_000));
    let pulled = 0;
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < corrupt.length; i += 100) {
          pulled++;
          yield corrupt.slice(i, i + 100);
        }
      } finally {
        closed = true;
      }
    }
    const { packets, warnings } = await collect(source());
    expect(packets).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(pulled).toBe(1);
    expect(closed).toBe(true);
    const fromFile = await collect(toFile('corrupt.pcap', corrupt), { chunkSize: 100 });
    expect(fromFile.summary.bytes).toBe(100);
  });

  it('a file is read into a few reused buffers of chunkSize bytes, never loaded whole', async () => {
    // Three buffers take turns for a regular file (one is parsed while up to two chunks are read
    // into the others); the parser's own buffer holds the records split between two chunks.
    const buffers = new Set<Uint8Array>();
    const packets: number[] = [];
    await readCapture(toFile('buffers.pcap', pcap), { onPacket: (p) => void (buffers.add(p.data), packets.push(p.frame)) }, { chunkSize: 512 });
    expect(packets).toHaveLength(20);
    expect(buffers.size).toBeLessThanOrEqual(4);
    for (const b of buffers) expect(b.length).toBe(512);
    expect(pcap.length).toBeGreaterThan(4 * 512);
  });

  it('the packet object is reused: one object for every packet', async () => {
    const seen = new Set<object>();
    await readCapture(pcap, { onPacket: (p) => void seen.add(p) });
    expect(seen.size).toBe(1);
  });
});

/** Lets pending I/O callbacks and timers run. */
const settle = (ms = 20): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const gzPcap = gzipSync(pcap);
describe.each<[string, () => CaptureInput, number]>([
  ['a pcap file', () => toFile('hold.pcap', pcap), pcap.length],
  ['a pcapng file', () => toFile('hold.pcapng', pcapng), pcapng.length],
  ['a gzip file', () => toFile('hold.pcap.gz', gzPcap), gzPcap.length],
  ['a stream', () => chunked(pcap, 64), pcap.length],
  ['a gzip stream', () => chunked(gzPcap, 64), gzPcap.length],
])('backpressure, progress and abort on %s', (_kind, input, inputSize) => {
  it('no packet is handed on while the backpressure promise is pending', async () => {
    let seen = 0;
    let calls = 0;
    let heldAt = -1;
    const held: { release: (() => void) | null } = { release: null };
    const run = readCapture(
      input(),
      { onPacket: () => void seen++ },
      {
        chunkSize: 64,
        backpressure: () => {
          if (++calls !== 2) return undefined;
          heldAt = seen;
          return new Promise<void>((resolve) => (held.release = resolve));
        },
      },
    );
    while (held.release === null) await settle(1);
    await settle();
    expect(seen).toBe(heldAt);
    expect(seen).toBeLessThan(20);
    held.release();
    const summary = await run;
    expect(seen).toBe(20);
    expect(summary.packets).toBe(20);
    expect(calls).toBeGreaterThan(2);
  });

  it('progress rises with every read to the input size (compressed bytes for gzip)', async () => {
    const progress: number[] = [];
    await readCapture(input(), { onPacket: () => {} }, { chunkSize: 64, onProgress: (n) => void progress.push(n) });
    expect(progress.length).toBeGreaterThan(2);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThan(progress[i - 1]!);
    expect(progress.at(-1)).toBe(inputSize);
  });

  it('aborting the signal rejects with its reason and stops the packets', async () => {
    const controller = new AbortController();
    let seen = 0;
    const run = readCapture(
      input(),
      {
        onPacket: () => {
          if (++seen === 3) controller.abort(new Error('stop here'));
        },
      },
      { signal: controller.signal, chunkSize: 64 },
    );
    await expect(run).rejects.toThrow('stop here');
    expect(seen).toBeLessThan(20);
  });
});

const mkfifo = (file: string): boolean => {
  try {
    execFileSync('mkfifo', [file]);
    return true;
  } catch {
    return false;
  }
};

describe('a named pipe (FIFO) is read as a file path', () => {
  it('gives the same packets when the writer delivers the capture in pieces', async () => {
    const fifo = path.join(dir, 'capture.fifo');
    if (!mkfifo(fifo)) {
      console.warn('mkfifo unavailable: FIFO test skipped');
      return;
    }
    const expected = await collect(pcap);
    const reading = collect(fifo, { chunkSize: 100 });
    const out = fs.createWriteStream(fifo);
    for (let i = 0; i < pcap.length; i += 333) {
      out.write(pcap.subarray(i, i + 333));
      await settle(2);
    }
    out.end();
    const got = await reading;
    expect(got.packets).toEqual(expected.packets);
    expect(got.summary).toEqual(expected.summary);
    expect(got.warnings).toEqual([]);
  });
});
