/**
 * CI's share of fuzzing: a fixed seed and a fixed count, sized for about 90 s on a 2-core
 * machine (15,000 mutants at ~175/s measured, plus one pass over the unmodified seeds). The
 * same run on demand, longer: node fuzz/run.mjs --seconds 36000 (see docs/decisions.md).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { compiledLibrary, ROOT } from './compiled-library.js';

const SEED = 20240601;
const COUNT = 15_000;

interface Summary {
  mutants: number;
  mutantsPerSecond: number;
  seedCaptures: number;
  crashes: { signature: string; count: number; mutant: number; seedFile: string; what: string; stack?: string }[];
  seedFailures: { seedFile: string; signature: string }[];
}

test(`fuzzing ${COUNT} mutants of seed ${SEED} finds no crash, hang or memory blow-up`, () => {
  const lib = compiledLibrary('fuzz-ci');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'fuzz/run.mjs'), '--lib', lib, '--seed', String(SEED), '--count', String(COUNT), '--no-write', '--json', '--quiet'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 400_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(r.signal).toBeNull();
  const summary = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Summary;
  expect(summary.seedCaptures).toBeGreaterThan(0);
  expect(summary.mutants).toBe(COUNT);
  // Shown in full on failure: what was mutated, how, and where it broke.
  expect(summary.seedFailures.map((f) => `${f.seedFile}: ${f.signature.slice(0, 200)}`)).toEqual([]);
  expect(summary.crashes.map((c) => `${c.count}x mutant ${c.mutant} of ${c.seedFile} (${c.what}): ${c.signature.slice(0, 200)}\n${c.stack ?? ''}`)).toEqual([]);
}, 420_000);
