#!/usr/bin/env node
/** Process entry of the `tls-handshake-analyzer` command. */
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli, packageVersion } from './run.js';

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
