// `npm run bench`: makes (once, cached in bench/.cache, outside git) captures with
// ../shared/bench/make-capture, then times in one run, on the same files: `cat`, our full analysis
// (--format ndjson and --format json to /dev/null) and tshark dissecting every TLS handshake.
// Prints median seconds (wall and user+sys CPU), MB/s, packets/s, connections/s, peak RSS and the
// ratios to tshark (wall and CPU) and to cat, with the load average before and after (on a shared
// machine compare the CPU ratios).
//
//   node bench/run.mjs [--sizes 1000 (or '' for none)] [--with-4gb] [--runs 3] [--tshark-runs 1]
//                      [--formats pcap,pcapng]
//                      [--stages cat,reassembly,tls-floor,tls-required,tls-decode,floor-lines,required-lines,ndjson,json,tshark]
//                      [--many 1000000] [--json results.json] [--jobs 1,2]
//
// --jobs: the ndjson and json stages run once per value (`--jobs N`: one capture split by flow
// over N worker threads, src/parallel/), named ndjson-j1, ndjson-j2 ... (default: 1 and the cores).
// --with-4gb adds the 4000 MB captures (slow: minutes per stage); --many N adds a capture of N
// short connections (bench/make-many-connections.mjs) timed in ndjson mode only.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeManyConnections } from './make-many-connections.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
// --sizes '' runs no sized capture (e.g. only --many).
const sizes = opt('--sizes', '1000').split(',').filter(Boolean).map(Number);
if (args.includes('--with-4gb') && !sizes.includes(4000)) sizes.push(4000);
const runs = Number(opt('--runs', '3'));
const tsharkRuns = Number(opt('--tshark-runs', '1'));
const formats = opt('--formats', 'pcap,pcapng').split(',');
const stages = opt('--stages', 'cat,reassembly,tls-floor,tls-required,tls-decode,floor-lines,required-lines,ndjson,json,tshark').split(',');
const many = opt('--many', null);
const jsonOut = opt('--json', null);
const jobsList = opt('--jobs', [...new Set([1, cpus().length])].join(',')).split(',').map(Number);
/** ndjson and json once per --jobs value. */
const withJobs = (list) => list.flatMap((s) => (s === 'ndjson' || s === 'json' ? jobsList.map((j) => `${s}-j${j}`) : [s]));
const makeCapture = resolve(root, '../shared/bench/make-capture');
const cache = join(here, '.cache');
mkdirSync(cache, { recursive: true });
if (!existsSync(join(root, 'dist/cli/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const hasTshark = spawnSync('tshark', ['-v']).status === 0;

/** The capture of `sizeMb` in `format`, and make-capture's exact counts of it. */
function capture(sizeMb, format) {
  const file = join(cache, `bench-${sizeMb}mb.${format}`);
  const stats = `${file}.stats.json`;
  if (!existsSync(file) || !existsSync(stats)) {
    if (!existsSync(makeCapture)) throw new Error(`${makeCapture} not found: the benchmark needs ../shared/bench`);
    console.error(`making ${file} ...`);
    execFileSync(makeCapture, ['--size-mb', String(sizeMb), '--out', file, '--format', format, '--stats', stats, '--quiet'], { stdio: 'inherit' });
  }
  const s = JSON.parse(readFileSync(stats, 'utf8'));
  return { file, packets: s.packets, connections: s.connections };
}

function manyCapture(n) {
  const file = join(cache, `many-${n}.pcap`);
  if (!existsSync(file)) {
    console.error(`making ${file} ...`);
    writeManyConnections({ connections: n, servers: Math.min(n, 100000), out: file });
  }
  return { file, packets: n * 9, connections: n };
}

/** Runs a command under GNU time with stdout to /dev/null; returns seconds, user+sys seconds and peak RSS. */
function timed(cmd, argv) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', cmd, ...argv], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const last = r.stderr.trim().split('\n').pop();
  const [secs, user, sys, rss] = last.split(' ').map(Number);
  return { secs, cpu: user + sys, rssKb: rss, status: r.status };
}

const main = join(root, 'dist/cli/main.js');
const commands = {
  cat: (f) => ['cat', [f]],
  // The layers alone: reader + decoder + TCP reassembly (skipping TLS record bodies as the
  // analyzer does), and the same plus the TLS decoder up to the connection model.
  reassembly: (f) => ['node', [join(here, 'reassembly.mjs'), f]],
  'tls-decode': (f) => ['node', [join(here, 'tls-decode.mjs'), f]],
  // The floor (bench/tls-floor.mjs): the least TLS decoding, and with report lines of the real
  // report's size but no diagnosis; they bound what the TLS layer and the whole analysis can
  // reach in Node here.
  'tls-floor': (f) => ['node', [join(here, 'tls-floor.mjs'), f]],
  'floor-lines': (f) => ['node', [join(here, 'tls-floor.mjs'), f, '--lines']],
  // The same with everything issue 3 asks of the TLS layer (detection, length checks, record
  // classification, every message, completion, resumption): the least code that does its job.
  'tls-required': (f) => ['node', [join(here, 'tls-floor.mjs'), f, '--stage', 'required']],
  'required-lines': (f) => ['node', [join(here, 'tls-floor.mjs'), f, '--stage', 'required', '--lines']],
  ndjson: (f) => ['node', [main, '--quiet', '--format', 'ndjson', f]],
  json: (f) => ['node', [main, '--quiet', '--format', 'json', f]],
  ...Object.fromEntries(jobsList.flatMap((j) => ['ndjson', 'json'].map((fmt) => [`${fmt}-j${j}`, (f) => ['node', [main, '--quiet', '--format', fmt, '--jobs', String(j), f]]]))),
  // What our analysis covers, asked of tshark: every handshake message, alert and certificate.
  tshark: (f) => ['tshark', ['-r', f, '-n', '-Y', 'tls.handshake or tls.alert_message', '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream',
    '-e', 'tls.handshake.type', '-e', 'tls.handshake.extensions_server_name', '-e', 'tls.alert_message.desc', '-e', 'x509sat.printableString']],
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

console.log(`# ${new Date().toISOString()}  ${cpus().length} x ${cpus()[0]?.model}  ${Math.round(totalmem() / 2 ** 30)} GiB  node ${process.version}`);
console.log(`# load average at start: ${load()}`);
const all = [];
const targets = [];
for (const size of sizes) for (const format of formats) targets.push(() => ({ name: `${size} MB ${format}`, ...capture(size, format), stages: withJobs(stages) }));
if (many) targets.push(() => ({ name: `${many} short connections`, ...manyCapture(Number(many)), stages: withJobs(['cat', 'ndjson']) }));
for (const make of targets) {
  const t = make();
  const bytes = statSync(t.file).size;
  console.log(`\n## ${t.name}: ${t.file}: ${(bytes / 1e6).toFixed(0)} MB, ${t.packets} packets, ${t.connections} TCP connections`);
  console.log(`median of ${runs} runs (tshark: ${tsharkRuns}); load average before: ${load()}`);
  console.log('stage           seconds   cpu s      MB/s    packets/s   conns/s  peak RSS MB   vs tshark  cpu vs tshark   vs cat');
  const results = {};
  for (const stage of t.stages) {
    if (stage === 'tshark' && !hasTshark) {
      console.log('tshark          (not installed: skipped)');
      continue;
    }
    const n = stage === 'tshark' ? tsharkRuns : runs;
    const rs = [];
    for (let i = 0; i < n; i++) {
      const [cmd, argv] = commands[stage](t.file);
      const r = timed(cmd, argv);
      if (r.status !== 0 && r.status !== 1) throw new Error(`${stage} on ${t.file} exited ${r.status}`);
      rs.push(r);
    }
    results[stage] = { secs: median(rs.map((r) => r.secs)), cpu: median(rs.map((r) => r.cpu)), rssMb: Math.max(...rs.map((r) => r.rssKb)) / 1024, all: rs.map((r) => r.secs) };
  }
  for (const [stage, r] of Object.entries(results)) {
    const vsTshark = results.tshark ? `${(results.tshark.secs / r.secs).toFixed(1)}x` : '';
    // CPU seconds: on a loaded machine wall time swings with the neighbours, CPU time much less.
    const cpuVsTshark = results.tshark ? `${(results.tshark.cpu / r.cpu).toFixed(1)}x` : '';
    const vsCat = results.cat && stage !== 'cat' ? `${(r.secs / results.cat.secs).toFixed(1)}x` : '';
    console.log(
      `${stage.padEnd(15)}${r.secs.toFixed(2).padStart(8)}${r.cpu.toFixed(2).padStart(8)}${(bytes / 1e6 / r.secs).toFixed(0).padStart(10)}` +
        `${(t.packets / r.secs).toFixed(0).padStart(13)}${(t.connections / r.secs).toFixed(0).padStart(10)}${r.rssMb.toFixed(0).padStart(13)}${vsTshark.padStart(12)}${cpuVsTshark.padStart(15)}${vsCat.padStart(9)}`,
    );
    all.push({ capture: t.name, file: t.file, bytes, packets: t.packets, connections: t.connections, stage, ...r });
  }
  // The TLS layer's cost over reassembly (issue 3's measure): ours, the floor's, and the floor's
  // with what issue 3 requires.
  for (const stage of ['tls-decode', 'tls-floor', 'tls-required']) {
    if (results[stage] && results.reassembly) {
      const over = (k) => `${(100 * (results[stage][k] / results.reassembly[k] - 1)).toFixed(0)}%`;
      console.log(`${stage} over reassembly: +${over('secs')} wall, +${over('cpu')} cpu`);
    }
  }
  console.log(`load average after: ${load()}`);
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), cpus: cpus().length, model: cpus()[0]?.model, node: process.version, results: all }, null, 2));
