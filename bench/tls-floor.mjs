// An experiment, not the analyzer: the least a TLS layer can do on top of bench/reassembly.mjs,
// to measure the floor of what TLS decoding costs over reassembly in Node on this machine
// (docs/decisions.md, "The floor: what any TLS layer and report cost in Node here"). Up to
// stage `full`, per connection it frames records, gathers plaintext handshake bodies (and only
// those) and parses the hellos, the certificates (each DER interned by its bytes) and plaintext
// alerts, and lists the handshake messages: no registries, no warnings, no checks of lengths, no
// other message decoded. Stage `required` adds, in its own consumer, the least code that does
// everything issue 3 asks of the TLS layer (see below).
//
//   node bench/tls-floor.mjs FILE [--stage frame|deliver|gather|server|full|required]
//                                 [--lines | --dump] > /dev/null
//
// --stage stops the work part way, to see what each part costs:
//   frame    records framed, every body skipped: what bench/reassembly.mjs does
//   deliver  + plaintext handshake and alert bodies handed over by the TCP layer, not kept
//   gather   + handshake bodies cut into messages (those split over records or segments
//            gathered into pooled 16 KiB buffers first)
//   server   + ServerHello, Certificate and alerts parsed
//   full     + ClientHello parsed, and the handshake messages (type, sender, frame) listed
//            (the default)
//   required what issue 3 requires, all of it, with every length checked (a truncated or corrupt
//            one gives a `malformed` count on the connection, never an exception or a read past
//            the message): a stream is TLS when it starts with a record header or an
//            SSLv2-compatible ClientHello, else not-tls with what it looked like
//            (describeNonTlsStart, once); record versions per side; encrypted records counted
//            and classified (encrypted handshake, application data, encrypted alert by content
//            type or by size and position) and skipped unseen; every ClientHello extension the
//            issue names decoded, GREASE marked; the SSLv2-compatible hello; ServerHello and
//            HelloRetryRequest; Certificate (TLS 1.2 and 1.3 forms), CertificateRequest,
//            ServerKeyExchange, ServerHelloDone, ClientKeyExchange, CertificateVerify,
//            Finished, NewSessionTicket, CertificateStatus, HelloRequest; messages framed at the
//            end of their record; completion, resumption and renegotiation. It follows the
//            analyzer's decisions (src/tls/connection-decoder.ts), and
//            bench/tls-floor-check.mjs compares the two field by field. Left out: the watch
//            for TLS after a plain preamble (STARTTLS, CONNECT), the hunt for a record header
//            in a capture that starts mid-connection, NULL-encryption suites read in clear,
//            SSL 2.0 past the compatible hello, warnings, names.
// --lines: also writes one JSON line per connection (its TCP facts, both hellos, alerts, the
// cached text of each certificate, handshake messages, closes, a fixed text of the size of a
// diagnosis) to stdout: the floor of an ndjson report, with no diagnosis worked out. At stage
// `required` the line has the report's shape and every field the stage has, and a smaller
// fixed text, so that lines average the real report's size as at `full`.
// --dump (stage `required` only): one JSON line per connection of every field the stage
// decodes, for bench/tls-floor-check.mjs (not for timing).
// Figures go to stderr as one JSON line. Run after `npm run build`.
//
// The code is in bench/tls-floor/: stages.mjs, figures.mjs (the counts on the stderr line),
// certificates.mjs, handshake-buffers.mjs, batched-stdout.mjs and byte-readers.mjs, shared;
// floor-hellos.mjs, floor-consumer.mjs and floor-line.mjs, the stages up to `full`;
// required-hellos.mjs, required-messages.mjs, required-consumer.mjs and required-output.mjs,
// stage `required`.
import { reassembleCapture } from './reassemble-capture.mjs';
import { statSync } from 'node:fs';
import { STAGES, REQUIRED } from './tls-floor/stages.mjs';
import { figures } from './tls-floor/figures.mjs';
import { certTexts } from './tls-floor/certificates.mjs';
import { flushStdout } from './tls-floor/batched-stdout.mjs';
import { FloorConsumer } from './tls-floor/floor-consumer.mjs';
import { writeFloorLine } from './tls-floor/floor-line.mjs';
import { RequiredConsumer } from './tls-floor/required-consumer.mjs';
import { writeDump, writeRequiredLine } from './tls-floor/required-output.mjs';

const file = process.argv[2];
const lines = process.argv.includes('--lines');
const dump = process.argv.includes('--dump');
const stageArg = process.argv.indexOf('--stage');
const stage = STAGES.indexOf(stageArg > 0 ? process.argv[stageArg + 1] : 'full');
if (stage < 0) throw new Error(`--stage: one of ${STAGES.join(', ')}`);
if (dump && stage !== REQUIRED) throw new Error('--dump: only with --stage required');
if (dump && lines) throw new Error('--dump and --lines: one or the other');
const warnings = [];
const warn = (frame, text) => { if (warnings.length < 5) warnings.push({ frame, text }); };
// What each connection's consumer writes at its end, if anything.
const output = stage === REQUIRED ? (dump ? writeDump : lines ? writeRequiredLine : null) : (lines ? writeFloorLine : null);

const t0 = process.hrtime.bigint();
const summary = await reassembleCapture(file, (_info, control) => {
  figures.connections++;
  return stage === REQUIRED ? new RequiredConsumer(control, output) : new FloorConsumer(control, stage, output);
}, warn);
flushStdout();
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = process.cpuUsage();
const { connections, tls, hellos } = figures;
console.error(JSON.stringify({
  stage: `tls-floor ${STAGES[stage]}${lines ? ' + lines' : ''}`, bytes: statSync(file).size, packets: summary.packets, connections, tls, hellos,
  distinctCertificates: certTexts.length,
  ...(stage === REQUIRED ? { notTls: figures.notTls, complete: figures.complete, malformed: figures.malformed } : {}), ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS, warnings,
}));
