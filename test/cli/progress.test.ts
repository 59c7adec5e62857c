import { createProgress, progressLine } from '../../src/cli/progress.js';

function terminal(isTTY = true) {
  const writes: string[] = [];
  return { stream: { isTTY, columns: 100, write: (s: string) => writes.push(s) }, writes };
}

describe('progress line', () => {
  test('shows bytes of total, percent, rate and time left', () => {
    expect(progressLine(500e6, 1e9, 2)).toBe('read 500 MB of 1.0 GB (50%), 250 MB/s, 2 s left');
    expect(progressLine(2e6, null, 1)).toBe('read 2 MB, 2 MB/s');
    expect(progressLine(0, 1e9, 0)).toBe('read 0 B of 1.0 GB (0%)');
  });

  test('nothing when stderr is not a terminal', () => {
    const t = terminal(false);
    const p = createProgress(t.stream, false, { totalBytes: 100 });
    p.update(50);
    p.clear();
    expect(t.writes).toEqual([]);
  });

  test('nothing with --quiet', () => {
    const t = terminal(true);
    const p = createProgress(t.stream, true, { totalBytes: 100 });
    p.update(50);
    expect(t.writes).toEqual([]);
  });

  test('redraws in place at most once per interval, sums inputs, and clear erases it', () => {
    const t = terminal(true);
    let now = 0;
    const p = createProgress(t.stream, false, { totalBytes: 4e6, intervalMs: 250, now: () => now });
    now = 1000;
    p.update(1e6, 0);
    now = 1100;
    p.update(1.5e6, 0); // within the interval: not drawn
    now = 2000;
    p.update(1e6, 1); // a second input: 1.5 + 1 MB
    expect(t.writes).toHaveLength(2);
    expect(t.writes[0]).toMatch(/^\rread 1 MB of 4 MB \(25%\)/);
    expect(t.writes[1]).toMatch(/^\rread 3 MB of 4 MB \(62%\)/);
    expect(t.writes[1]).toMatch(/\x1b\[K$/);
    p.clear();
    expect(t.writes[2]).toBe('\r\x1b[K');
  });
});

describe('the CLI and the progress line', () => {
  const path = require('node:path') as typeof import('node:path');
  const { Readable } = require('node:stream') as typeof import('node:stream');
  const { runCli } = require('../../src/cli/run.js') as typeof import('../../src/cli/run.js');
  const MIXED = path.resolve(__dirname, '../../samples/mixed.pcap');

  async function run(args: string[], isTTY: boolean) {
    let err = '';
    let out = '';
    const code = await runCli(args, {
      stdin: Readable.from([]),
      stdout: { write: (s: string) => (out += s) },
      stderr: { isTTY, columns: 120, write: (s: string) => (err += s) },
      version: '0',
    });
    return { code, err, out };
  }

  test('on a terminal: a progress line naming the file size, erased at the end; stdout untouched', async () => {
    const r = await run(['--format', 'ndjson', MIXED], true);
    expect(r.err).toMatch(/^\rread [\d.]+ [kM]?B of [\d.]+ [kM]?B \(\d+%\)/);
    expect(r.err.endsWith('\r\x1b[K')).toBe(true);
    expect(r.out).not.toMatch(/\x1b\[K|\rread /);
  });

  test('--quiet on a terminal: nothing on stderr', async () => {
    const r = await run(['--quiet', '--format', 'ndjson', MIXED], true);
    expect(r.err).toBe('');
  });
});
