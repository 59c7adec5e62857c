#!/usr/bin/env node
/**
 * Analyzes one capture file with the compiled library and prints a compact JSON summary on
 * stdout: wall time, peak memory, the connection count, the connections of the given client
 * ports in full, and the warnings. Tests run it as a child process so that a hang or a memory
 * blow-up can be killed without taking the test runner down with it.
 *
 *   node fuzz/analyze-once.mjs --lib DIR [--port N]... [--max-old-space-mb N] FILE
 *
 * Exit status: 0 analyzed, 3 CaptureError (the input is not a capture), 4 any other error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
let lib = 'dist';
const ports = [];
let file = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--lib') lib = args[++i];
  else if (args[i] === '--port') ports.push(Number(args[++i]));
  else file = args[i];
}
const { analyze, CaptureError } = await import(pathToFileURL(path.resolve(lib, 'index.js')).href);
const bytes = new Uint8Array(fs.readFileSync(file));
let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 10);
const t0 = performance.now();
try {
  const report = await analyze(bytes);
  const ms = Math.round(performance.now() - t0);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  process.stdout.write(
    `${JSON.stringify({
      status: 'ok',
      ms,
      peakRssMb: Math.round(peakRss / 1048576),
      connectionCount: report.connections.length,
      connections: report.connections.filter((c) => ports.includes(c.client.port)),
      warnings: report.warnings,
    })}\n`,
  );
} catch (e) {
  clearInterval(sampler);
  const rejected = e instanceof CaptureError;
  process.stdout.write(`${JSON.stringify({ status: rejected ? 'rejected' : 'error', ms: Math.round(performance.now() - t0), name: e?.name, message: String(e?.message ?? e), stack: String(e?.stack ?? '') })}\n`);
  process.exitCode = rejected ? 3 : 4;
}
