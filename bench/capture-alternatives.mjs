// Measures the alternatives to our own capture reader on a classic pcap (see docs/decisions.md):
//   pcap-parser 0.2.1 (event per packet, concatenates buffers), and a binary-parser-compiled
//   record header parser driven by the same one-buffer loop as ours.
//   node bench/capture-alternatives.mjs /tmp/cap200.pcap
import { createRequire } from 'node:module';
import { openSync, readSync, closeSync, statSync } from 'node:fs';

const require = createRequire(import.meta.url);
const file = process.argv[2];
const size = statSync(file).size;
const mbps = (ms) => `${(size / 1e6 / (ms / 1000)).toFixed(0)} MB/s`;

async function pcapParser() {
  const pcapp = require('pcap-parser');
  const t0 = performance.now();
  const n = await new Promise((resolve, reject) => {
    let count = 0;
    const p = pcapp.parse(file);
    p.on('packet', () => count++);
    p.on('end', () => resolve(count));
    p.on('error', reject);
  });
  const ms = performance.now() - t0;
  console.log(`pcap-parser 0.2.1: ${n} packets, ${ms.toFixed(0)} ms, ${mbps(ms)}`);
}

function binaryParser(chunkSize = 1 << 20) {
  const { Parser } = require('binary-parser');
  const header = new Parser().endianness('little').uint32('tsSec').uint32('tsUsec').uint32('capLen').uint32('origLen');
  const t0 = performance.now();
  const fd = openSync(file, 'r');
  let buf = Buffer.alloc(chunkSize);
  let tail = 0;
  let count = 0;
  let first = true;
  for (;;) {
    const n = readSync(fd, buf, tail, buf.length - tail, null);
    if (n === 0) break;
    const end = tail + n;
    let pos = first ? 24 : 0;
    first = false;
    while (end - pos >= 16) {
      // binary-parser parses from offset 0 of the buffer it is given: a view per record.
      const h = header.parse(buf.subarray(pos, pos + 16));
      if (pos + 16 + h.capLen > end) break;
      count++;
      pos += 16 + h.capLen;
    }
    buf.copy(buf, 0, pos, end);
    tail = end - pos;
  }
  closeSync(fd);
  const ms = performance.now() - t0;
  console.log(`binary-parser 2.3.0 record header, 1 MiB reads: ${count} packets, ${ms.toFixed(0)} ms, ${mbps(ms)}`);
}

function plainLoop(chunkSize = 1 << 20) {
  const t0 = performance.now();
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(chunkSize);
  let tail = 0;
  let count = 0;
  let first = true;
  for (;;) {
    const n = readSync(fd, buf, tail, buf.length - tail, null);
    if (n === 0) break;
    const end = tail + n;
    let pos = first ? 24 : 0;
    first = false;
    while (end - pos >= 16) {
      const cap = buf.readUInt32LE(pos + 8);
      if (pos + 16 + cap > end) break;
      count++;
      pos += 16 + cap;
    }
    buf.copy(buf, 0, pos, end);
    tail = end - pos;
  }
  closeSync(fd);
  const ms = performance.now() - t0;
  console.log(`plain loop over record headers, 1 MiB reads: ${count} packets, ${ms.toFixed(0)} ms, ${mbps(ms)}`);
}

for (let i = 0; i < 2; i++) {
  plainLoop();
  binaryParser();
  await pcapParser();
}
