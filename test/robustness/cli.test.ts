/**
 * The command line on hostile input: never a stack trace, exit status as DESIGN.md says
 * (0 no failed handshake, 1 a failed handshake, 2 unreadable input). Each adversarial capture
 * carries a real failed handshake, so each must exit 1.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ADVERSARIAL_NAMES, allAdversarialCaptures } from '../../scripts/make-adversarial.js';
import { compiledLibrary, ROOT } from './compiled-library.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const d = hasOpenssl ? describe : describe.skip;
if (!hasOpenssl) console.warn('CLI robustness tests skipped: openssl is needed to make the adversarial certificates');

/** A line of a JavaScript stack trace. */
const STACK_LINE = /^\s+at .*(:\d+:\d+\)?|\(<anonymous>\))$/m;

d('CLI on adversarial captures', () => {
  let lib: string;
  let dir: string;
  const files: { name: string; file: string; boundMs: number }[] = [];

  beforeAll(() => {
    lib = compiledLibrary('cli');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adversarial-cli-'));
    for (const c of allAdversarialCaptures(ROOT)) {
      const file = path.join(dir, `${c.name}.${c.format}`);
      fs.writeFileSync(file, c.bytes);
      files.push({ name: c.name, file, boundMs: c.boundMs });
    }
    const random = path.join(dir, 'random-bytes.pcap');
    fs.writeFileSync(random, Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24));
    files.push({ name: 'random-bytes', file: random, boundMs: 5_000 });
  }, 120_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the compiled CLI; stdout is discarded (the million-SYN report is large). */
  function cli(args: string[], killMs: number): { status: number | null; signal: string | null; stderr: string; ms: number } {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [path.join(lib, 'cli/main.js'), ...args], {
      encoding: 'utf8',
      timeout: killMs,
      killSignal: 'SIGKILL',
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 16 * 1024 * 1024,
    });
    return { status: r.status, signal: r.signal, stderr: r.stderr ?? '', ms: Date.now() - t0 };
  }

  const names: readonly string[] = ADVERSARIAL_NAMES;

  // The million-SYN capture runs through the CLI in both report paths. The whole JSON report is
  // 1.6 GB of text (17.6 s and 1.8 GB of memory on a quiet 2-core machine, up to ~60 s under
  // load): it gets its own kill time; its time bound is checked on analyze() in adversarial.test.ts.
  const cases = names.flatMap((n) => (n === 'million-syns' ? [[n, 'json'], [n, 'ndjson']] : [[n, 'json'], [n, 'text'], [n, 'ndjson']]));
  const killMs = (name: string, format: string, boundMs: number): number => (name === 'million-syns' && format === 'json' ? 110_000 : boundMs * 2 + 2000);
  test.each(cases)('%s --format %s: exit 1, no stack trace', (name, format) => {
    const f = files.find((x) => x.name === name)!;
    const r = cli(['--format', format, f.file], killMs(name, format, f.boundMs));
    expect(r.signal).toBeNull();
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stderr).not.toMatch(/internal error/);
    for (const line of r.stderr.split('\n').filter(Boolean)) expect(line).toMatch(/^(warning: |tls-handshake-analyzer: )/);
    expect(r.status).toBe(1);
  }, 130_000);

  test('random bytes: exit 2 with one line naming the file, no stack trace', () => {
    const f = files.find((x) => x.name === 'random-bytes')!;
    const r = cli([f.file], 10_000);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/random-bytes\.pcap/);
  }, 30_000);

  test('fuzz reproducers: exit 0, 1 or 2, never a stack trace', () => {
    const regressions = path.join(ROOT, 'test/fixtures/fuzz-regressions');
    const pcaps = fs.existsSync(regressions) ? fs.readdirSync(regressions).filter((x) => x.endsWith('.pcap')) : [];
    for (const p of pcaps) {
      const r = cli(['--format', 'json', path.join(regressions, p)], 20_000);
      expect({ file: p, signal: r.signal }).toEqual({ file: p, signal: null });
      expect([0, 1, 2]).toContain(r.status);
      expect(r.stderr).not.toMatch(STACK_LINE);
    }
  }, 120_000);
});
