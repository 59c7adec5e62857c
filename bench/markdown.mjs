// Turns the --json output of bench/run.mjs into the Markdown tables of docs/performance.md:
//   node bench/markdown.mjs results.json [more.json ...]
import { readFileSync } from 'node:fs';

// A stage too quick for GNU time's 10 ms resolution (cat of a small file) has no rate.
const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '');
for (const file of process.argv.slice(2)) {
  const run = JSON.parse(readFileSync(file, 'utf8'));
  console.log(`${run.date}, ${run.cpus} x ${run.model}, node ${run.node}\n`);
  const byCapture = new Map();
  for (const r of run.results) byCapture.set(r.capture, [...(byCapture.get(r.capture) ?? []), r]);
  console.log('| capture | stage | wall s (median) | CPU s | MB/s | packets/s | connections/s | peak RSS MB | tshark wall / ours | tshark CPU / ours |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [capture, rs] of byCapture) {
    const t = rs.find((r) => r.stage === 'tshark');
    rs.forEach((r, i) => {
      const name = i === 0 ? `${capture} (${fmt(r.packets)} packets, ${fmt(r.connections)} connections)` : '';
      const ratio = (a, b) => (t && r.stage !== 'tshark' ? `${(a / b).toFixed(1)}x` : '');
      console.log(
        `| ${name} | ${r.stage} | ${r.secs.toFixed(2)} | ${r.cpu.toFixed(2)} | ${fmt(r.bytes / 1e6 / r.secs)} | ${r.stage === 'cat' ? '' : fmt(r.packets / r.secs)} | ${r.stage === 'cat' ? '' : fmt(r.connections / r.secs)} | ${fmt(r.rssMb)} | ${t ? ratio(t.secs, r.secs) : ''} | ${t ? ratio(t.cpu, r.cpu) : ''} |`,
      );
    });
  }
  console.log();
}
