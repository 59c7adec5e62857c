import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/run.js';
import { runOrdered, type FileRunner } from '../../src/cli/parallel.js';
import type { FileResult, FileTask } from '../../src/cli/analyze-file.js';
import { parseArgs } from '../../src/cli/args.js';
import { reportSchema } from '../../src/report/schema.js';

const ROOT = path.resolve(__dirname, '../..');
const CAPTURES = path.join(ROOT, 'samples/captures');
const EXPIRED = path.join(CAPTURES, 'tls12-expired-openssl.pcap');
const OK = path.join(CAPTURES, 'tls10-ok-openssl.pcap');
const CIPHER = path.join(CAPTURES, 'tls12-cipher-mismatch-openssl.pcap');
const WORKER = path.join(ROOT, 'dist/cli/worker.js');

async function cli(args: string[], workerScript?: string) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    stdin: Readable.from([]),
    // JSON reports arrive as UTF-8 chunks that never split a character.
    stdout: { write: (s: string | Uint8Array) => (out += typeof s === 'string' ? s : Buffer.from(s).toString('utf8')) },
    stderr: { write: (s: string) => (err += s) },
    version: '0',
    workerScript,
  });
  return { code, out, err };
}

const task = (input: string): FileTask => ({ input, shownName: input, tagFile: true, format: 'ndjson', color: false, trustStorePath: null, host: null });
const result = (status: 0 | 1 | 2): FileResult => ({ status, error: null, text: null, report: null, warnings: [] });

describe('runOrdered', () => {
  test('output comes in file order although later files finish first', async () => {
    const delays: Record<string, number> = { a: 40, b: 5, c: 20, d: 1 };
    const run: FileRunner = async (t, events) => {
      events.lines(`${t.input}1\n`);
      await new Promise((r) => setTimeout(r, delays[t.input]));
      events.lines(`${t.input}2\n`);
      return result(0);
    };
    const seen: string[] = [];
    await runOrdered(['a', 'b', 'c', 'd'].map(task), 3, run, {
      lines: (i, text) => void seen.push(`${i}:${text.trim()}`),
      done: (i) => void seen.push(`${i}:done`),
      progress: () => {},
    });
    expect(seen).toEqual(['0:a1', '0:a2', '0:done', '1:b1', '1:b2', '1:done', '2:c1', '2:c2', '2:done', '3:d1', '3:d2', '3:done']);
  });

  test('never runs more than `jobs` files at once', async () => {
    let running = 0;
    let most = 0;
    const run: FileRunner = async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return result(0);
    };
    await runOrdered(Array.from({ length: 7 }, (_, i) => task(String(i))), 2, run, { lines() {}, done() {}, progress() {} });
    expect(most).toBe(2);
  });
});

describe('--jobs', () => {
  test.each([['0'], ['-1'], ['two'], ['1.5']])('--jobs %s is a usage error', (j) => {
    expect(() => parseArgs(['--jobs', j, 'x.pcap'])).toThrow(/--jobs must be a whole number/);
  });
  test('-j 3 and --jobs=3', () => {
    expect(parseArgs(['-j', '3', 'x.pcap']).jobs).toBe(3);
    expect(parseArgs(['--jobs=3', 'x.pcap']).jobs).toBe(3);
    expect(parseArgs(['x.pcap']).jobs).toBeNull();
  });
});

describe('several captures', () => {
  test('json: one {schemaVersion, reports} object, reports in file order, each naming its file', async () => {
    const r = await cli(['--format', 'json', EXPIRED, OK, CIPHER]);
    const merged = JSON.parse(r.out) as { schemaVersion: number; reports: unknown[] };
    expect(merged.schemaVersion).toBe(1);
    const reports = merged.reports.map((x) => reportSchema.parse(x));
    expect(reports.map((x) => x.capture.file)).toEqual([EXPIRED, OK, CIPHER]);
    expect(reports.map((x) => x.connections[0]!.outcome)).toEqual(['failed', 'established', 'failed']);
    expect(r.code).toBe(1);
  });

  test('ndjson: every line carries its file, files in the order given', async () => {
    const r = await cli(['--format', 'ndjson', OK, CIPHER]);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { file: string; outcome: string });
    expect(lines.map((l) => l.file)).toEqual([OK, CIPHER]);
  });

  test('text: one report per file, each headed by its name', async () => {
    const r = await cli([OK, CIPHER]);
    expect(r.out.indexOf(`${OK}: pcap`)).toBeGreaterThanOrEqual(0);
    expect(r.out.indexOf(`${CIPHER}: pcap`)).toBeGreaterThan(r.out.indexOf(`${OK}: pcap`));
  });

  test('an unreadable file gives status 2, its one-line error, and the other files are still analyzed', async () => {
    const missing = path.join(os.tmpdir(), `tha-missing-${process.pid}.pcap`);
    const r = await cli(['--format', 'json', OK, missing, CIPHER]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/tha-missing-.*\.pcap/);
    const merged = JSON.parse(r.out) as { reports: { capture: { file: string } }[] };
    expect(merged.reports.map((x) => x.capture.file)).toEqual([OK, CIPHER]);
  });

  test('status is the highest over the files: 0 when every handshake completed', async () => {
    expect((await cli(['--format', 'json', OK, OK])).code).toBe(0);
  });

  (fs.existsSync(WORKER) ? test : test.skip)('worker threads (compiled dist/cli/worker.js) give the same output as one thread', async () => {
    const files = [EXPIRED, OK, CIPHER, OK];
    for (const format of ['ndjson', 'json', 'text']) {
      const one = await cli(['--format', format, '--jobs', '1', ...files]);
      const two = await cli(['--format', format, '--jobs', '2', ...files], WORKER);
      expect(two.out).toBe(one.out);
      expect(two.code).toBe(one.code);
    }
  });
});
