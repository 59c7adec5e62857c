// Measures the first stages alone: reads a capture and counts packets (with --decode, also
// decodes each packet down to TCP with the packet decoder, as the pipeline does).
// The reader is TypeScript; compile it first (node 20 cannot run .ts):
//   npx tsc -p tsconfig.build.json --outDir /tmp/capbuild && echo '{"type":"module"}' > /tmp/capbuild/package.json
//   /work/shared/bench/make-capture --size-mb 200 --out /tmp/cap200.pcap
//   node bench/capture-only.mjs /tmp/cap200.pcap [chunkSize] [/tmp/capbuild] [--decode] [--runs N]
//   cat /tmp/cap200.pcap | node bench/capture-only.mjs -      (stdin: one run)
// Each run prints wall time and the process's CPU time (user + sys, all threads: file reads
// run on libuv's thread pool) spent in it.
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const args = process.argv.slice(2);
const decode = args.includes('--decode');
const runsAt = args.indexOf('--runs');
const runsArg = runsAt >= 0 ? Number(args[runsAt + 1]) : undefined;
const positional = args.filter((a, i) => !a.startsWith('--') && (runsAt < 0 || i !== runsAt + 1));
const [file, chunkArg, buildArg] = positional;
if (!file) {
  console.error('usage: node bench/capture-only.mjs CAPTURE [chunkSize] [build-dir] [--decode] [--runs N]');
  process.exit(2);
}
const build = path.resolve(buildArg ?? '/tmp/capbuild');
const { readCapture } = await import(pathToFileURL(path.join(build, 'capture/index.js')).href);
const { PacketDecoder } = await import(pathToFileURL(path.join(build, 'net/packet-decoder.js')).href);
const { newTcpSegment } = await import(pathToFileURL(path.join(build, 'net/tcp-segment.js')).href);
const chunkSize = chunkArg ? Number(chunkArg) : undefined;
const stdin = file === '-';
const size = stdin ? 0 : statSync(file).size;
const runs = stdin ? 1 : runsArg ?? 3;

for (let run = 1; run <= runs; run++) {
  let packets = 0;
  let bytes = 0;
  let tcp = 0;
  const decoder = new PacketDecoder({ warn: () => {} });
  const segment = newTcpSegment();
  const onPacket = decode
    ? (p) => {
        packets++;
        bytes += p.capturedLength;
        if (decoder.decode(p, segment)) tcp++;
      }
    : (p) => {
        packets++;
        bytes += p.capturedLength;
      };
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const summary = await readCapture(stdin ? process.stdin : file, { onPacket }, { chunkSize });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `run ${run}: ${summary.format} ${packets} packets${decode ? ` (${tcp} TCP)` : ''}, ${bytes} packet bytes, ${ms.toFixed(0)} ms, ` +
      `cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (user ${(cpu.user / 1000).toFixed(0)} sys ${(cpu.system / 1000).toFixed(0)}), ` +
      `${((size || summary.bytes) / 1e6 / (ms / 1000)).toFixed(0)} MB/s`,
  );
}
