#!/usr/bin/env node
/**
 * Fuzzes the compiled library (dist/) with mutated real captures.
 *
 *   node fuzz/run.mjs [--seed N] [--count N | --seconds N] [--lib dist] [--seeds DIR]...
 *                     [--out test/fixtures/fuzz-regressions] [--no-write] [--json]
 *                     [--memory-mb 256] [--base-ms 2000] [--per-mb-ms 1000]
 *                     [--stream-share 0.2] [--only I] [--max-seed-kb 1024] [--minimize-tries 300]
 *                     [--no-check-seeds] [--quiet]
 *
 * Every seed is first run unmodified (--no-check-seeds skips that); seeds that already fail are
 * reported as such and not mutated. Mutant i of seed S is the same bytes on every run with the same seed files (`--only I`
 * replays one). Each mutant runs through analyze() in a worker thread, bounded in time
 * (base + per-MB) and memory; a crash is a thrown error other than CaptureError, a report that
 * fails the schema, a hang past the bound, or memory past the bound. Each new crash is
 * minimized and written to --out as <sha256>.pcap with <sha256>.json beside it.
 * Exit status: 0 no crash, 1 crashes found, 2 bad usage or the library cannot be loaded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Prng } from './prng.mjs';
import { mutate } from './mutators.mjs';
import { Harness, isCrash } from './harness.mjs';
import { minimize, signature } from './minimize.mjs';
import { defaultSeedDirs, loadSeeds } from './seeds.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @typedef {ReturnType<typeof parseArgs>} FuzzOptions */

export function parseArgs(argv) {
  const o = {
    seed: 1,
    count: null,
    seconds: null,
    lib: path.join(ROOT, 'dist'),
    seeds: [],
    out: path.join(ROOT, 'test/fixtures/fuzz-regressions'),
    write: true,
    json: false,
    memoryMb: 256,
    baseMs: 2000,
    perMbMs: 1000,
    streamShare: 0.2,
    only: null,
    maxSeedKb: 1024,
    minimizeTries: 300,
    quiet: false,
    checkSeeds: true,
  };
  const num = (flag, v) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a non-negative number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    switch (a) {
      case '--seed': o.seed = num(a, next()); break;
      case '--count': o.count = num(a, next()); break;
      case '--seconds': o.seconds = num(a, next()); break;
      case '--lib': o.lib = path.resolve(next() ?? ''); break;
      case '--seeds': o.seeds.push(path.resolve(next() ?? '')); break;
      case '--out': o.out = path.resolve(next() ?? ''); break;
      case '--no-write': o.write = false; break;
      case '--json': o.json = true; break;
      case '--quiet': o.quiet = true; break;
      case '--no-check-seeds': o.checkSeeds = false; break;
      case '--memory-mb': o.memoryMb = num(a, next()); break;
      case '--base-ms': o.baseMs = num(a, next()); break;
      case '--per-mb-ms': o.perMbMs = num(a, next()); break;
      case '--stream-share': o.streamShare = num(a, next()); break;
      case '--only': o.only = num(a, next()); break;
      case '--max-seed-kb': o.maxSeedKb = num(a, next()); break;
      case '--minimize-tries': o.minimizeTries = num(a, next()); break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  if (o.count === null && o.seconds === null && o.only === null) o.count = 1000;
  return o;
}

/** The PRNG of mutant `i` of run `seed`: independent of the mutants before it. */
export function mutantRng(seed, i) {
  return new Prng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0);
}

/**
 * Mutant `i` of run `seed` over `seeds`.
 * @param {{ file: string, bytes: Uint8Array }[]} seeds @param {number} seed @param {number} i
 */
export function makeMutant(seeds, seed, i, streamShare = 0.2) {
  const rng = mutantRng(seed, i);
  const from = seeds[rng.int(seeds.length)];
  const m = mutate(from.bytes, rng);
  return { ...m, seedFile: from.file, stream: rng.chance(streamShare) };
}

/**
 * Runs a fuzz session. Resolves to its summary.
 * @param {FuzzOptions} o
 * @param {(line: string) => void} log
 */
export async function fuzz(o, log = (l) => process.stderr.write(`${l}\n`)) {
  const { seeds, digest } = loadSeeds(o.seeds.length > 0 ? o.seeds : defaultSeedDirs(ROOT), { maxBytes: o.maxSeedKb * 1024 });
  if (seeds.length === 0) throw new Error('no seed capture found');
  const harness = new Harness(o.lib, { memoryMb: o.memoryMb, baseMs: o.baseMs, perMbMs: o.perMbMs });
  await harness.start();
  log(`fuzz: seed ${o.seed}, ${seeds.length} seed captures (set ${digest}), library ${path.relative(process.cwd(), o.lib) || '.'}`);

  // The seeds themselves first: a seed that already fails is a bug of its own, and every mutant
  // of it would report the same one again.
  const seedFailures = [];
  if (o.checkSeeds && o.only === null) {
    const healthy = [];
    for (const s of seeds) {
      const r = await harness.run(s.bytes);
      if (isCrash(r)) {
        seedFailures.push({ seedFile: path.relative(ROOT, s.file), status: r.status, signature: signature(r), message: r.message, stack: r.stack });
        log(`SEED FAILS ${path.relative(ROOT, s.file)} (${r.status}): ${String(r.name ?? '')} ${String(r.message ?? '').replace(/\s+/g, ' ').slice(0, 200)}`);
      } else healthy.push(s);
    }
    seeds.splice(0, seeds.length, ...healthy);
  }

  const t0 = Date.now();
  const deadline = o.seconds === null ? Infinity : t0 + o.seconds * 1000;
  const outcomes = {};
  const crashes = new Map();
  let mutants = 0;
  let bytes = 0;
  let lastProgress = t0;
  const indices = o.only !== null ? [o.only] : null;
  for (let i = indices ? indices[0] : 0; ; i++) {
    if (indices && i !== indices[0]) break;
    if (!indices && o.count !== null && mutants >= o.count) break;
    if (!indices && Date.now() >= deadline) break;
    const m = makeMutant(seeds, o.seed, i, o.streamShare);
    let outcome = await harness.run(m.bytes, { stream: m.stream });
    // A hang or memory verdict from a worker that has run many mutants is confirmed in a fresh
    // one, so a slow moment of a shared machine or leftover garbage is not reported as a bug.
    if (['hang', 'memory', 'worker-died'].includes(outcome.status)) {
      await harness.stop();
      const again = await harness.run(m.bytes, { stream: m.stream });
      if (!isCrash(again)) outcome = again;
    }
    mutants++;
    bytes += m.bytes.length;
    outcomes[outcome.status] = (outcomes[outcome.status] ?? 0) + 1;
    if (isCrash(outcome)) {
      const sig = signature(outcome);
      const known = crashes.get(sig);
      if (known) known.count++;
      else {
        log(`CRASH mutant ${i} (${outcome.status}) from ${path.relative(ROOT, m.seedFile)}: ${m.what}\n  ${outcome.name ?? ''} ${outcome.message ?? ''}`);
        const entry = { signature: sig, count: 1, mutant: i, seedFile: path.relative(ROOT, m.seedFile), what: m.what, outcome, file: null, minimizedBytes: null };
        crashes.set(sig, entry);
        if (o.write) {
          const min = await minimize(
            m.bytes,
            async (candidate) => {
              const r = await harness.run(candidate, { stream: m.stream });
              return isCrash(r) && signature(r) === sig;
            },
            { maxTries: o.minimizeTries, deadline: Date.now() + 120_000 },
          );
          entry.minimizedBytes = min.bytes.length;
          entry.file = writeRegression(o.out, min.bytes, { ...entry, seed: o.seed, stream: m.stream, originalBytes: m.bytes.length, minimizeTries: min.tries }, o.lib);
          log(`  minimized ${m.bytes.length} -> ${min.bytes.length} bytes in ${min.tries} runs: ${path.relative(ROOT, entry.file)}`);
        }
      }
    }
    if (!o.quiet && Date.now() - lastProgress > 10_000) {
      lastProgress = Date.now();
      const s = (lastProgress - t0) / 1000;
      log(`fuzz: ${mutants} mutants in ${s.toFixed(0)} s (${(mutants / s).toFixed(1)}/s), ${crashes.size} distinct crashes`);
    }
  }
  await harness.stop();
  const seconds = (Date.now() - t0) / 1000;
  const summary = {
    seed: o.seed,
    seedCaptures: seeds.length,
    seedSet: digest,
    mutants,
    seconds: Math.round(seconds * 10) / 10,
    mutantsPerSecond: Math.round((mutants / Math.max(seconds, 0.001)) * 10) / 10,
    megabytes: Math.round((bytes / 1048576) * 10) / 10,
    workerRestarts: harness.restarts,
    outcomes,
    seedFailures,
    crashes: [...crashes.values()].map((c) => ({
      signature: c.signature,
      count: c.count,
      mutant: c.mutant,
      seedFile: c.seedFile,
      what: c.what,
      message: c.outcome.message,
      stack: c.outcome.stack,
      file: c.file ? path.relative(ROOT, c.file) : null,
    })),
  };
  return summary;
}

/** Writes a minimized reproducer and its note; returns the capture's path. */
function writeRegression(dir, bytes, note, libDir) {
  fs.mkdirSync(dir, { recursive: true });
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const file = path.join(dir, `${hash}.pcap`);
  fs.writeFileSync(file, bytes);
  const { outcome, file: _f, ...rest } = note;
  fs.writeFileSync(
    path.join(dir, `${hash}.json`),
    `${JSON.stringify({ ...rest, status: outcome.status, error: outcome.name ?? null, message: outcome.message ?? null, stack: outcome.stack ? outcome.stack.split(pathToFileURL(libDir).href).join('dist') : null, foundMs: outcome.ms, note: 'Found by fuzz/run.mjs; replayed by test/robustness/fuzz-regressions.test.ts' }, null, 2)}\n`,
  );
  return file;
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`fuzz: ${e.message}\n`);
    return 2;
  }
  if (!fs.existsSync(path.join(o.lib, 'index.js'))) {
    process.stderr.write(`fuzz: ${o.lib}/index.js not found; build first: npx tsc -p tsconfig.build.json\n`);
    return 2;
  }
  let summary;
  try {
    summary = await fuzz(o, o.quiet ? () => {} : undefined);
  } catch (e) {
    process.stderr.write(`fuzz: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const line = `fuzz: ${summary.mutants} mutants in ${summary.seconds} s (${summary.mutantsPerSecond}/s, ${summary.megabytes} MB), seed ${summary.seed}, ${summary.crashes.length} distinct crashes, ${summary.seedFailures.length} failing seeds; outcomes ${JSON.stringify(summary.outcomes)}`;
  process.stderr.write(`${line}\n`);
  for (const c of summary.crashes) process.stderr.write(`  ${c.count}x ${c.signature}${c.file ? ` -> ${c.file}` : ''}\n`);
  if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  for (const f of summary.seedFailures) process.stderr.write(`  seed fails: ${f.seedFile}: ${f.signature}\n`);
  return summary.crashes.length + summary.seedFailures.length > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => {
    process.exitCode = code;
  });
}
