/**
 * One capture split over worker threads by flow (`--jobs N` with one file) gives the output of
 * one thread: json and text byte for byte, ndjson the same lines, the same exit status and
 * stderr. Real captures: every sample, and a selection of the peer corpus (skipped when absent).
 * Shard 0 runs in this thread, the others in worker threads of compiled code (see findWorker).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { runCli, shardsByDefault } from '../../src/cli/run.js';
import { ROOT, staleModules } from '../support/compiled-dist.js';

const SAMPLES = path.join(ROOT, 'samples');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
/**
 * The workers run compiled code while this thread runs the sources (shard 0): both must be the
 * same version. THA_WORKER names a build the caller vouches for; else dist/ when it is current.
 */
function findWorker(): { worker: string; skip: string | null } {
  const given = process.env.THA_WORKER;
  if (given) return { worker: given, skip: fs.existsSync(given) ? null : `THA_WORKER=${given} does not exist` };
  const worker = path.join(ROOT, 'dist/cli/worker.js');
  if (!fs.existsSync(worker)) return { worker, skip: `${worker} missing (npm run build, or THA_WORKER=<build>/dist/cli/worker.js)` };
  const stale = staleModules();
  if (stale.length > 0) return { worker, skip: `dist/ is older than ${stale.length} source file(s), e.g. ${stale[0]} (npm run build, or THA_WORKER=<build>/dist/cli/worker.js)` };
  return { worker, skip: null };
}

const { worker: WORKER, skip } = findWorker();
const hasShards = skip === null;
if (skip !== null) console.warn(`shards tests skipped: ${skip}`);

async function cli(args: string[]) {
  const out: string[] = [];
  let err = '';
  const code = await runCli(args, {
    stdin: Readable.from([]),
    stdout: { write: (s: string | Uint8Array) => out.push(typeof s === 'string' ? s : Buffer.from(s).toString('utf8')) },
    stderr: { write: (s: string) => (err += s) },
    version: '0',
    workerScript: WORKER,
  });
  return { code, out: out.join(''), err };
}

const sortedLines = (s: string): string[] => s.split('\n').filter((l) => l !== '').sort();

/** Compares --jobs n with --jobs 1 on one capture in one format. */
async function expectSame(file: string, format: string, jobs: number, extra: string[] = []): Promise<void> {
  const one = await cli(['--format', format, '--jobs', '1', ...extra, file]);
  const many = await cli(['--format', format, '--jobs', String(jobs), ...extra, file]);
  if (format === 'ndjson') expect(sortedLines(many.out)).toEqual(sortedLines(one.out));
  else expect(many.out).toBe(one.out);
  expect(many.err).toBe(one.err);
  expect(many.code).toBe(one.code);
}

const samples = fs.readdirSync(path.join(SAMPLES, 'captures')).filter((f) => /\.pcap(ng)?$/.test(f)).sort();
const trust = ['--trust-store', path.join(SAMPLES, 'pki/root.pem')];
const d = hasShards ? describe : describe.skip;

d('one capture in shards equals one thread: samples', () => {
  test.each(samples)('%s (json, --jobs 2)', async (f) => {
    await expectSame(path.join(SAMPLES, 'captures', f), 'json', 2, trust);
  });
  // Formats and shard counts on a spread of them (each run starts its worker threads).
  test.each(samples.filter((_, i) => i % 6 === 0))('%s (ndjson and text, --jobs 2 and 3)', async (f) => {
    for (const format of ['ndjson', 'text']) for (const j of [2, 3]) await expectSame(path.join(SAMPLES, 'captures', f), format, j, trust);
  });
  test('samples/mixed.pcap, every format, --jobs 3', async () => {
    for (const format of ['json', 'ndjson', 'text']) await expectSame(path.join(SAMPLES, 'mixed.pcap'), format, 3, trust);
  });
});

/** Corpus captures with warnings made out of frame order, retransmissions, resets, many connections. */
const CORPUS_FILES = [
  'ja4/browsers-x509.pcapng',
  'ndpi/anyconnect-vpn.pcap',
  'ndpi/instagram.pcap',
  'ndpi/wechat.pcap',
  'ja4/http2-with-cookies.pcapng',
  'ndpi/alexa-app.pcapng',
];
const present = fs.existsSync(CORPUS) ? CORPUS_FILES.filter((f) => fs.existsSync(path.join(CORPUS, f))) : [];
if (present.length === 0) console.warn(`shards corpus tests skipped: ${CORPUS} not found`);
(hasShards && present.length > 0 ? describe : describe.skip)('one capture in shards equals one thread: corpus', () => {
  test.each(present)('%s (json and ndjson, --jobs 2 and 3)', async (f) => {
    for (const j of [2, 3]) {
      await expectSame(path.join(CORPUS, f), 'json', j);
      await expectSame(path.join(CORPUS, f), 'ndjson', j);
    }
  });
});

d('errors in shards', () => {
  test('a file that is not a capture: one line, status 2, as in one thread', async () => {
    await expectSame(path.join(SAMPLES, 'README.md'), 'json', 2);
    const r = await cli(['--format', 'json', '--jobs', '2', path.join(SAMPLES, 'README.md')]);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(2);
  });
});

describe('a worker thread that cannot start', () => {
  test('ends the run with one line and status 2 (this thread stops its own shard)', async () => {
    let err = '';
    const code = await runCli(['--format', 'ndjson', '--jobs', '2', path.join(SAMPLES, 'mixed.pcap')], {
      stdin: Readable.from([]),
      stdout: { write: () => true },
      stderr: { write: (s: string) => (err += s) },
      version: '0',
      workerScript: path.join(ROOT, 'no-such-worker.js'),
    });
    expect(code).toBe(2);
    expect(err).toMatch(/^tls-handshake-analyzer: .*mixed\.pcap: internal error: .*no-such-worker\.js.*\n$/);
  });
});

describe('shards by default', () => {
  test('one thread below 4 cores, where shards cost more than they save; then one per two cores, up to 4', () => {
    expect([1, 2, 3, 4, 5, 6, 8, 64].map(shardsByDefault)).toEqual([1, 1, 1, 2, 2, 3, 4, 4]);
  });
});
