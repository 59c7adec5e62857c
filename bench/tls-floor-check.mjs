// Checks that the floor's stage `required` (bench/tls-floor.mjs) reads what the analyzer reads:
// per connection (matched by id), every field both have, from
//   - the floor's `--stage required --dump` lines, and
//   - the analyzer's ndjson report (`node dist/cli/main.js --format ndjson FILE`): the report's
//     fields, and
//   - the analyzer's connection models (dist/pipeline.js, in this process): the fields the
//     report does not show (the other hello extensions, ServerKeyExchange, CertificateRequest,
//     encrypted record counts, ChangeCipherSpec, renegotiation...). `--no-model` skips them.
// Prints per field how many connections agree and disagree, and the first disagreeing ids.
// Exit status 1 when a field disagrees somewhere. Run after `npm run build`.
//
//   node bench/tls-floor-check.mjs FILE [--floor DUMP] [--ndjson REPORT] [--no-model] [--show N]
//
// --floor / --ndjson read lines saved before instead of running the floor / the CLI.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPipeline } from '../dist/pipeline.js';
import { alertDescriptionName, alertLevelName, reportVersion } from '../dist/tls/registry/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = args[0];
if (!file || file.startsWith('--')) {
  console.error('usage: node bench/tls-floor-check.mjs FILE [--floor DUMP] [--ndjson REPORT] [--no-model] [--show N]');
  process.exit(2);
}
const show = Number(opt('--show') ?? 5);

/** Lines of a file, or of a command's stdout (its exit status is not judged: the CLI's says what it found). */
async function* linesOf(path, command) {
  let input;
  let child = null;
  if (path !== undefined) input = createReadStream(path);
  else {
    child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr.on('data', () => {});
    input = child.stdout;
  }
  for await (const line of createInterface({ input, crlfDelay: Infinity })) if (line.length > 0) yield line;
}

// ---------------------------------------------------------------- tallies

const fields = new Map();
function tally(field, id, floorValue, analyzerValue) {
  let t = fields.get(field);
  if (t === undefined) fields.set(field, (t = { agree: 0, disagree: 0, ids: [], example: null }));
  if (same(floorValue, analyzerValue)) t.agree++;
  else {
    t.disagree++;
    if (t.ids.length < show) t.ids.push(id);
    t.example ??= { id, floor: floorValue, analyzer: analyzerValue };
  }
}

function same(a, b) {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!same(a[k], b[k])) return false;
  return true;
}

const pick = (o, keys) => (o === null || o === undefined ? null : Object.fromEntries(keys.map((k) => [k, o[k] ?? null])));
const side = (d) => (d === 0 ? 'client' : 'server');
const hex = (bytes) => Buffer.from(bytes).toString('hex');

// ---------------------------------------------------------------- the floor's lines

const floor = new Map();
for await (const line of linesOf(opt('--floor'), ['node', join(here, 'tls-floor.mjs'), file, '--stage', 'required', '--dump'])) {
  const c = JSON.parse(line);
  floor.set(c.id, c);
}

// ---------------------------------------------------------------- against the ndjson report

const CH_REPORT = ['frame', 'recordVersion', 'version', 'supportedVersions', 'cipherSuites', 'extensions', 'sni', 'alpn', 'sslv2Format', 'compressionMethods', 'supportedGroups', 'signatureAlgorithms', 'keyShareGroups', 'sessionIdLength', 'sessionTicket', 'preSharedKey'];
const SH_REPORT = ['frame', 'recordVersion', 'version', 'selectedVersion', 'cipherSuite', 'extensions', 'helloRetryRequest', 'alpn', 'keyShareGroup', 'compressionMethod'];

function hello(prefix, id, f, a, keys) {
  tally(`${prefix} (present)`, id, f !== null, a !== null);
  if (f === null || a === null) return;
  for (const k of keys) tally(`${prefix}.${k}`, id, f[k], a[k]);
}

const reported = new Set();
for await (const line of linesOf(opt('--ndjson'), ['node', join(here, '..', 'dist', 'cli', 'main.js'), '--format', 'ndjson', file])) {
  const a = JSON.parse(line);
  reported.add(a.id);
  const f = floor.get(a.id);
  tally('connection (in both)', a.id, f !== undefined, true);
  if (f === undefined) continue;
  tally('outcome not-tls', a.id, f.kind === 'not-tls', a.outcome === 'not-tls');
  tally('notTls (lookedLike, sentBy, frame)', a.id, f.notTls, pick(a.notTls, ['lookedLike', 'sentBy', 'frame']));
  tally('version', a.id, f.version === null ? null : reportVersion(f.version), a.version);
  tally('cipherSuite', a.id, f.cipherSuite, a.cipherSuite === null ? null : a.cipherSuite.code);
  tally('sni', a.id, f.clientHello === null ? null : f.clientHello.sni, a.sni);
  hello('clientHello', a.id, f.clientHello, a.clientHello, CH_REPORT);
  hello('serverHello', a.id, f.serverHello, a.serverHello, SH_REPORT);
  hello('helloRetryRequest', a.id, f.helloRetryRequest, a.helloRetryRequest, SH_REPORT);
  const certificates = f.certificates.flatMap((m) => m.sha256.map((sha256) => ({ frame: m.frame, sentBy: m.sentBy, sha256 })));
  tally('certificates (count)', a.id, certificates.length, a.certificates.length);
  tally('certificates (frame, sender, sha256)', a.id, certificates, a.certificates.map((c) => pick(c, ['frame', 'sentBy', 'sha256'])));
  tally('alerts (frame, sender, level, description, encrypted)', a.id,
    f.alerts.map((x) => ({ frame: x.frame, sentBy: x.sentBy, level: x.level === null ? null : alertLevelName(x.level), description: x.description === null ? null : alertDescriptionName(x.description), code: x.description, encrypted: x.encrypted })),
    a.alerts.map((x) => pick(x, ['frame', 'sentBy', 'level', 'description', 'code', 'encrypted'])));
  tally('messages (type, sender)', a.id, f.messages.map((m) => [m.type, m.sentBy]), a.messages.map((m) => [m.type, m.sentBy]));
  tally('messages (type, sender, frame)', a.id, f.messages, a.messages.map((m) => pick(m, ['frame', 'sentBy', 'type'])));
  tally('recordVersions', a.id, { client: f.client.recordVersions, server: f.server.recordVersions }, a.recordVersions);
  tally('handshakeComplete', a.id, f.handshakeComplete, a.handshakeComplete);
  tally('resumption', a.id, f.resumption, a.resumption);
}
for (const id of floor.keys()) if (!reported.has(id)) tally('connection (in both)', id, true, false);

// ---------------------------------------------------------------- against the models

const CH_MODEL = ['ecPointFormats', 'signatureAlgorithmsCert', 'pskKeyExchangeModes', 'statusRequest', 'renegotiationInfo', 'extendedMasterSecret', 'encryptThenMac', 'sessionTicketLength', 'recordSizeLimit', 'compressCertificate'];
const SH_MODEL = ['pskSelected', 'extendedMasterSecret', 'renegotiationInfo', 'sessionTicket'];

function modelChecks(m) {
  const id = m.tcp.id;
  const f = floor.get(id);
  if (f === undefined) return;
  tally('model: kind', id, f.kind, m.kind);
  const ch = m.clientHello;
  if (ch !== null && f.clientHello !== null) {
    for (const k of CH_MODEL) tally(`model: clientHello.${k}`, id, f.clientHello[k], ch[k]);
    tally('model: clientHello.random', id, f.clientHello.random, hex(ch.random));
  }
  const second = m.secondClientHello;
  tally('model: secondClientHello (frame, suites, extensions)', id, pick(f.secondClientHello, ['frame', 'cipherSuites', 'extensions']), pick(second, ['frame', 'cipherSuites', 'extensions']));
  for (const [name, fh, mh] of [['serverHello', f.serverHello, m.serverHello], ['helloRetryRequest', f.helloRetryRequest, m.helloRetryRequest]]) {
    if (fh !== null && mh !== null) for (const k of SH_MODEL) tally(`model: ${name}.${k}`, id, fh[k], mh[k]);
  }
  tally('model: certificate messages (frame, sender, tls13, count)', id,
    f.certificates.map((c) => ({ frame: c.frame, sentBy: c.sentBy, tls13: c.tls13, count: c.sha256.length })),
    m.certificates.map((c) => ({ frame: c.frame, sentBy: side(c.direction), tls13: c.tls13, count: c.chain.length })));
  const ske = m.serverKeyExchange;
  tally('model: serverKeyExchange', id, f.serverKeyExchange,
    ske === null ? null : { frame: ske.frame, kind: ske.kind, group: ske.group, dhPrimeBits: ske.dhPrimeBits, signatureScheme: ske.signatureScheme });
  const cr = m.certificateRequest;
  tally('model: certificateRequest', id, f.certificateRequest,
    cr === null ? null : { frame: cr.frame, certificateTypes: cr.certificateTypes, signatureAlgorithms: cr.signatureAlgorithms, authorities: cr.certificateAuthorities.length });
  tally('model: encrypted record counts', id, [f.client.encrypted, f.server.encrypted], m.encrypted);
  tally('model: changeCipherSpec per side', id, [f.client.changeCipherSpec, f.server.changeCipherSpec],
    [m.changeCipherSpec.filter((c) => c.direction === 0).length, m.changeCipherSpec.filter((c) => c.direction === 1).length]);
  tally('model: alerts (how inferred, record length)', id, f.alerts.map((a) => [a.inferredFrom, a.recordLength]), m.alerts.map((a) => [a.inferredFrom, a.recordLength]));
  tally('model: completedFrame', id, f.completedFrame, m.completedFrame);
  tally('model: renegotiation', id, f.renegotiation, m.renegotiation);
  // Not the same measure (the analyzer's problems also note gaps, anomalies and what it cannot
  // decode): shown for information, not counted as a disagreement of the floor.
  info('problems (analyzer) / malformed (floor)', id, m.problems.length > 0, f.malformed > 0);
}

const infos = new Map();
function info(field, id, analyzer, floorValue) {
  let t = infos.get(field);
  if (t === undefined) infos.set(field, (t = { both: 0, analyzerOnly: 0, floorOnly: 0, ids: [] }));
  if (analyzer && floorValue) t.both++;
  else if (analyzer || floorValue) {
    if (analyzer) t.analyzerOnly++;
    else t.floorOnly++;
    if (t.ids.length < show) t.ids.push(id);
  }
}

if (!args.includes('--no-model')) await runPipeline(file, modelChecks, { warn: () => {} });

// ---------------------------------------------------------------- the table

let disagreements = 0;
const width = Math.max(...[...fields.keys()].map((k) => k.length));
console.log(`${file}: ${floor.size} connections in the floor's lines, ${reported.size} in the report`);
console.log(`${'field'.padEnd(width)}  agree  disagree  first disagreeing ids`);
for (const [field, t] of fields) {
  disagreements += t.disagree;
  console.log(`${field.padEnd(width)}  ${String(t.agree).padStart(5)}  ${String(t.disagree).padStart(8)}  ${t.ids.join(' ')}`);
}
for (const [field, t] of infos) {
  console.log(`(info) ${field}: both ${t.both}, analyzer only ${t.analyzerOnly}, floor only ${t.floorOnly}${t.ids.length > 0 ? `; ids ${t.ids.join(' ')}` : ''}`);
}
for (const [field, t] of fields) {
  if (t.example !== null) console.log(`first disagreement of ${field}: id ${t.example.id}\n  floor:    ${JSON.stringify(t.example.floor)}\n  analyzer: ${JSON.stringify(t.example.analyzer)}`);
}
process.exitCode = disagreements > 0 ? 1 : 0;
