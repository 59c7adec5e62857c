// Times the TCP layer alone: decodes a capture once into memory, then feeds the decoded segments
// to a fresh ConnectionTable several times (with the reassembly benchmark's consumer, which reads
// TLS record headers and skips record bodies) and prints the CPU time of each replay. Reading and
// decoding are left out, so an A/B comparison of two builds of src/tcp sees only their difference.
//   node bench/tcp/replay.mjs [DIST] FILE [REPS] [--deliver-all]
// DIST defaults to the build beside this script (../../dist): pass another build's dist folder
// to compare builds with the same script.
import { recordSkippingConsumer } from '../record-skipping-consumer.mjs';
import { statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const deliverAll = process.argv.includes('--deliver-all');
const dist = args.length > 1 && statSync(args[0]).isDirectory() ? path.resolve(args.shift()) : new URL('../../dist', import.meta.url).pathname;
const file = args[0];
const reps = Number(args[1] ?? 5);
const load = (p) => import(pathToFileURL(path.join(dist, p)).href);
const { readCapture } = await load('capture/read-capture.js');
const { PacketDecoder } = await load('net/packet-decoder.js');
const { newTcpSegment } = await load('net/tcp-segment.js');
const { ConnectionTable } = await load('tcp/connection-table.js');

// Decoded segments, column-wise; payload bytes are kept in one buffer, each at its offset.
const FIELDS = ['frame', 'tsSec', 'tsNsec', 'ipVersion', 'src4', 'dst4', 'srcPort', 'dstPort', 'seq', 'ack', 'flags', 'window', 'payloadLength', 'payloadMissing', 'quoted'];
const cols = Object.fromEntries(FIELDS.map((f) => [f, []]));
const src6 = [];
const dst6 = [];
const offsets = [];
const payload = new Uint8Array(statSync(file).size);
let used = 0;
const decoder = new PacketDecoder({ warn() {} });
const seg = newTcpSegment();
await readCapture(file, {
  onPacket(p) {
    if (!decoder.decode(p, seg)) return;
    for (const f of FIELDS) cols[f].push(f === 'quoted' ? (seg.quoted ? 1 : 0) : seg[f]);
    src6.push(seg.src6);
    dst6.push(seg.dst6);
    // 66 bytes of room before each payload, like a packet's headers before its TCP payload.
    used += 66;
    offsets.push(used);
    payload.set(seg.data.subarray(seg.payloadOffset, seg.payloadOffset + seg.payloadLength), used);
    used += seg.payloadLength;
  },
}, { warn() {} });
const n = offsets.length;
const columns = Object.fromEntries(FIELDS.map((f) => [f, Float64Array.from(cols[f])]));

function replay() {
  let delivered = 0;
  let connections = 0;
  const table = new ConnectionTable((_info, control) => {
    connections++;
    return recordSkippingConsumer(control, deliverAll, (n) => {
      delivered += n;
    });
  }, { warn() {} });
  const s = newTcpSegment();
  s.data = payload;
  const c = columns;
  for (let i = 0; i < n; i++) {
    s.frame = c.frame[i]; s.tsSec = c.tsSec[i]; s.tsNsec = c.tsNsec[i]; s.ipVersion = c.ipVersion[i];
    s.src4 = c.src4[i]; s.dst4 = c.dst4[i]; s.src6 = src6[i]; s.dst6 = dst6[i];
    s.srcPort = c.srcPort[i]; s.dstPort = c.dstPort[i]; s.seq = c.seq[i]; s.ack = c.ack[i]; s.flags = c.flags[i]; s.window = c.window[i];
    s.payloadOffset = offsets[i]; s.payloadLength = c.payloadLength[i]; s.payloadMissing = c.payloadMissing[i];
    s.quoted = c.quoted[i] === 1;
    if (s.quoted) table.quoted(s);
    else table.segment(s);
  }
  table.finish();
  return { delivered, connections };
}

const runs = [];
let result;
for (let r = 0; r < reps; r++) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  result = replay();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  runs.push({ ms: Math.round(ms), cpuMs: Math.round((cpu.user + cpu.system) / 1000) });
}
const cpus = runs.map((r) => r.cpuMs).sort((a, b) => a - b);
console.log(JSON.stringify({ dist, segments: n, ...result, minCpuMs: cpus[0], medianCpuMs: cpus[cpus.length >> 1], runs }));
