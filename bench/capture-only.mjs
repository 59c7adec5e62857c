// Measures the capture reader alone: reads a capture and counts packets.
// The reader is TypeScript; compile it first (node 20 cannot run .ts):
//   npx tsc -p tsconfig.build.json --outDir /tmp/capbuild && echo '{"type":"module"}' > /tmp/capbuild/package.json
//   /work/shared/bench/make-capture --size-mb 200 --out /tmp/cap200.pcap
//   node bench/capture-only.mjs /tmp/cap200.pcap [chunkSize] [/tmp/capbuild]
//   cat /tmp/cap200.pcap | node bench/capture-only.mjs -      (stdin: one run)
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [file, chunkArg, buildArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/capture-only.mjs CAPTURE [chunkSize] [build-dir]');
  process.exit(2);
}
const build = path.resolve(buildArg ?? '/tmp/capbuild');
const { readCapture } = await import(pathToFileURL(path.join(build, 'capture/index.js')).href);
const chunkSize = chunkArg ? Number(chunkArg) : undefined;
const stdin = file === '-';
const size = stdin ? 0 : statSync(file).size;

for (let run = 1; run <= (stdin ? 1 : 3); run++) {
  let packets = 0;
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  const summary = await readCapture(stdin ? process.stdin : file, { onPacket(p) { packets++; bytes += p.capturedLength; } }, { chunkSize });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(
    `run ${run}: ${summary.format} ${packets} packets, ${bytes} packet bytes, ${ms.toFixed(0)} ms, ` +
      `${((size || summary.bytes) / 1e6 / (ms / 1000)).toFixed(0)} MB/s`,
  );
}
