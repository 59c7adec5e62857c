// Reads a capture through every stage up to the TLS connection model (reader, packet decoder,
// TCP reassembly with record-body skips, TLS decoder) but no diagnosis or report, and prints one
// JSON line of figures: with bench/reassembly.mjs it shows what the TLS layer costs. Run after
// `npm run build`.
import { statSync } from 'node:fs';
import { runPipeline } from '../dist/pipeline.js';

const file = process.argv[2];
let connections = 0;
let tls = 0;
const warnings = [];
const t0 = process.hrtime.bigint();
const summary = await runPipeline(
  file,
  (model) => {
    connections++;
    if (model.kind === 'tls') tls++;
  },
  { warn: (frame, text) => { if (warnings.length < 5) warnings.push({ frame, text }); } },
);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = process.cpuUsage();
console.log(JSON.stringify({
  stage: 'tls-decode', bytes: statSync(file).size, packets: summary.packets, connections, tls, ms,
  cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS, warnings,
}));
