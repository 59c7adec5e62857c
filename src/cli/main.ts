#!/usr/bin/env node
/** Process entry of the `tls-handshake-analyzer` command. */
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runCli, packageVersion } from './run.js';

// V8 lets the old generation grow to up to 4x what survived the last full collection before it
// collects again. The analysis keeps ~30 MB live, and promotes garbage at a steady rate (state of
// connections that lived through two scavenges), so the peak RSS of a run was set by when it
// ended: 180 MB on 1 GB, 211 MB on 4 GB, with the same live heap. Growing by 2x instead makes the
// peak the same on any length of capture for the same CPU time (docs/decisions.md, "Peak RSS
// independent of the capture's length"). Process-wide, so the `--jobs` threads follow it too; the
// library itself never sets V8 flags: an embedding program owns its heap. A user's own
// `node --heap-growing-percent=N` wins (NODE_OPTIONS does not allow that flag).
if (!process.execArgv.some((a) => a.includes('heap-growing-percent'))) {
  setFlagsFromString('--heap-growing-percent=100');
}

const script = realpathSync(process.argv[1] ?? '.');
process.on('uncaughtException', (e) => {
  // A bug must still end in one line and status 2, never a stack trace on the user's terminal.
  process.stderr.write(`tls-handshake-analyzer: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  // `... | head` closes the pipe early: that is not an error of ours.
  if (e.code === 'EPIPE') process.exit(0);
});
runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  version: packageVersion(script),
  workerScript: join(dirname(script), 'worker.js'),
}).then((code) => {
  process.exitCode = code;
});
