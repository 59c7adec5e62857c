// Reads a capture through the capture reader, the packet decoder and TCP reassembly only, and
// prints one JSON line of figures. The consumer reads TLS record headers and skips record bodies,
// as the TLS layer does (`--deliver-all`: it takes every byte instead, the worst case for the
// layer). Run after `npm run build`.
import { recordSkippingConsumer } from './record-skipping-consumer.mjs';
import { reassembleCapture } from './reassemble-capture.mjs';
import { statSync } from 'node:fs';

const file = process.argv[2];
const deliverAll = process.argv.includes('--deliver-all');
let delivered = 0;
let connections = 0;
const warnings = [];
const warn = (frame, text) => { if (warnings.length < 5) warnings.push({ frame, text }); };
const t0 = process.hrtime.bigint();
const summary = await reassembleCapture(file, (_info, control) => {
  connections++;
  return recordSkippingConsumer(control, deliverAll, (n) => {
    delivered += n;
  });
}, warn);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = process.cpuUsage();
const bytes = statSync(file).size;
console.log(JSON.stringify({ stage: deliverAll ? 'reassembly (all bytes delivered)' : 'reassembly', bytes, packets: summary.packets, connections, delivered, ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS, warnings }));
