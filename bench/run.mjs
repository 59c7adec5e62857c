// `npm run bench`: makes (once, cached in bench/.cache) captures with ../shared/bench/make-capture,
// then times, in one run and on the same files, `cat`, our reassembly stage, our full analysis
// (ndjson and json to /dev/null) and tshark, and prints MB/s, packets/s and peak RSS with ratios.
//   node bench/run.mjs [--size-mb 1000] [--runs 3] [--formats pcap,pcapng] [--no-tshark] [--stages cat,reassembly,ndjson,json,tshark]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const sizeMb = Number(opt('--size-mb', '1000'));
const runs = Number(opt('--runs', '3'));
const formats = opt('--formats', 'pcap,pcapng').split(',');
let stages = opt('--stages', 'cat,reassembly,ndjson,json,tshark').split(',');
if (args.includes('--no-tshark')) stages = stages.filter((s) => s !== 'tshark');
const makeCapture = resolve(root, '../shared/bench/make-capture');
const cache = join(here, '.cache');
mkdirSync(cache, { recursive: true });
if (!existsSync(join(root, 'dist/cli/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });

function capture(format) {
  const file = join(cache, `bench-${sizeMb}mb.${format}`);
  if (!existsSync(file)) {
    if (!existsSync(makeCapture)) throw new Error(`${makeCapture} not found: the benchmark needs ../shared/bench`);
    console.error(`making ${file} ...`);
    execFileSync(makeCapture, ['--size-mb', String(sizeMb), '--out', file, '--format', format, '--quiet'], { stdio: 'inherit' });
  }
  return file;
}

/** Runs a command under GNU time; returns seconds and peak RSS (kB) and stdout. */
function timed(cmd, argv, stdoutFile = '/dev/null') {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', 'sh', '-c', `"$0" "$@" > ${stdoutFile}`, cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const last = r.stderr.trim().split('\n').pop();
  const [secs, rss] = last.split(' ').map(Number);
  return { secs, rssKb: rss, status: r.status };
}

const commands = {
  cat: (f) => ['cat', [f]],
  reassembly: (f) => ['node', [join(here, 'reassembly.mjs'), f]],
  ndjson: (f) => ['node', [join(root, 'dist/cli/main.js'), '--quiet', '--format', 'ndjson', f]],
  json: (f) => ['node', [join(root, 'dist/cli/main.js'), '--quiet', '--format', 'json', f]],
  tshark: (f) => ['tshark', ['-r', f, '-n', '-Y', 'tls.handshake.type==1', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tls.handshake.extensions_server_name']],
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`# ${new Date().toISOString()} ${cpus().length} x ${cpus()[0]?.model} ${Math.round(totalmem() / 2 ** 30)} GiB node ${process.version}`);
for (const format of formats) {
  const file = capture(format);
  const bytes = statSync(file).size;
  const packets = Number(execFileSync('capinfos', ['-c', '-M', '-T', file], { encoding: 'utf8' }).trim().split('\n').pop().split('\t')[1]);
  console.log(`\n${file}: ${(bytes / 1e6).toFixed(0)} MB, ${packets} packets, median of ${runs} runs`);
  console.log('stage        seconds      MB/s   packets/s   peak RSS MB   vs tshark');
  const results = {};
  for (const stage of stages) {
    if (stage === 'tshark' && spawnSync('tshark', ['-v']).status !== 0) { console.log('tshark       (not installed: skipped)'); continue; }
    const n = stage === 'tshark' ? 1 : runs;
    const secs = [];
    const rss = [];
    for (let i = 0; i < n; i++) {
      const [cmd, argv] = commands[stage](file);
      const r = timed(cmd, argv);
      if (r.status !== 0 && r.status !== 1) throw new Error(`${stage} exited ${r.status}`);
      secs.push(r.secs);
      rss.push(r.rssKb);
    }
    results[stage] = { secs: median(secs), rssMb: Math.max(...rss) / 1024 };
  }
  for (const [stage, r] of Object.entries(results)) {
    const ratio = results.tshark ? (results.tshark.secs / r.secs).toFixed(1) + 'x' : '';
    console.log(`${stage.padEnd(12)}${r.secs.toFixed(2).padStart(8)}${(bytes / 1e6 / r.secs).toFixed(0).padStart(10)}${(packets / r.secs).toFixed(0).padStart(12)}${r.rssMb.toFixed(0).padStart(14)}${ratio.padStart(12)}`);
  }
}
