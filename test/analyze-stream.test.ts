import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze, analyzeStream } from '../src/analyze.js';

const ROOT = path.resolve(__dirname, '..');
const many = path.join(os.tmpdir(), `tha-stream-${process.pid}.pcap`);
const N = 3000;

beforeAll(() => {
  // 3,000 short connections fit in one 1 MiB read: the reader outruns the diagnosis and must wait.
  execFileSync(process.execPath, [path.join(ROOT, 'bench/make-many-connections.mjs'), '--connections', String(N), '--servers', '3000', '--out', many], { stdio: 'pipe' });
});
afterAll(() => fs.rmSync(many, { force: true }));

describe('analyzeStream on many short connections', () => {
  test('yields every connection once, in the order they end, then the end item', async () => {
    const ids: number[] = [];
    let end = 0;
    for await (const item of analyzeStream(many)) {
      if (item.kind === 'connection') ids.push(item.connection.id);
      else end++;
    }
    expect(ids).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(end).toBe(1);
  });

  test('leaving the loop early stops the reader (no hang, no unhandled rejection)', async () => {
    let seen = 0;
    for await (const item of analyzeStream(many)) {
      if (item.kind === 'connection' && ++seen === 10) break;
    }
    expect(seen).toBe(10);
  });

  test('the caller\'s abort signal stops the analysis with its reason', async () => {
    const ac = new AbortController();
    const run = async () => {
      let seen = 0;
      for await (const item of analyzeStream(many, { signal: ac.signal })) {
        if (item.kind === 'connection' && ++seen === 5) ac.abort(new Error('enough'));
      }
    };
    await expect(run()).rejects.toThrow('enough');
  });

  test('the same diagnoses as analyze() (peers bounded, evidence unchanged on this capture)', async () => {
    const report = await analyze(many);
    const causes: string[] = [];
    for await (const item of analyzeStream(many)) if (item.kind === 'connection') causes.push(item.connection.diagnosis.cause);
    expect(causes).toEqual(report.connections.map((c) => c.diagnosis.cause));
  });
});
