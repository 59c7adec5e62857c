/**
 * The robustness tests run the compiled library in child processes (a hang or a memory blow-up
 * can then be killed without taking jest down). This builds it from the current sources into a
 * private folder per test file, so parallel test files and a developer's dist/ never collide.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/** Compiles src/ into node_modules/.cache/robustness/<tag>/ and returns that folder. */
export function compiledLibrary(tag: string): string {
  const out = path.join(ROOT, 'node_modules/.cache/robustness', tag);
  fs.rmSync(out, { recursive: true, force: true });
  // tsc emits even when some file has type errors; the build is judged by what it emitted.
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (!fs.existsSync(path.join(out, 'index.js'))) throw new Error(`building the library failed:\n${r.stdout}${r.stderr}`);
  // Inside node_modules the repo's package.json ("type": "module") no longer applies.
  fs.writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }\n');
  return out;
}

/** What fuzz/analyze-once.mjs prints. */
export interface AnalyzeOnce {
  status: 'ok' | 'rejected' | 'error' | 'killed';
  ms: number;
  peakRssMb?: number;
  connectionCount?: number;
  connections?: Array<{ client: { port: number }; outcome: string; diagnosis: { cause: string }; [k: string]: unknown }>;
  warnings?: Array<{ frame: number | null; text: string }>;
  name?: string;
  message?: string;
  stack?: string;
}

/**
 * Analyzes `file` in a child process with the library at `lib`; kills it after `killMs`.
 * @param ports client ports whose connections come back in full
 */
export function analyzeInChild(lib: string, file: string, ports: number[], killMs: number, maxOldSpaceMb = 2048): AnalyzeOnce {
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    [`--max-old-space-size=${maxOldSpaceMb}`, path.join(ROOT, 'fuzz/analyze-once.mjs'), '--lib', lib, ...ports.flatMap((p) => ['--port', String(p)]), file],
    { encoding: 'utf8', timeout: killMs, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL' },
  );
  if (r.signal || r.status === null) return { status: 'killed', ms: Date.now() - t0, message: `killed by ${r.signal} after ${Date.now() - t0} ms` };
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as AnalyzeOnce;
  } catch {
    return { status: 'error', ms: Date.now() - t0, message: `exit ${r.status}: ${r.stderr.slice(0, 2000)}` };
  }
}
