/**
 * analyzeStream() reports each connection as soon as it ends, analyze() once the capture is
 * read: both must say the same about each connection's TCP facts, whatever the timing of the
 * reading and of the caller. Packets that reach a connection after its end (the ACK of the last
 * FIN, a late RST) once changed its lastFrame/end depending on when the line was rendered.
 *
 * Inputs: every real capture in samples/ (made by samples/generate.sh). The "trickled" input
 * gives the same bytes in 256-byte chunks with a turn of the event loop between them, so that
 * connections are diagnosed and rendered while the rest of the capture is still being read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, analyzeStream } from '../src/analyze.js';
import type { ConnectionReport } from '../src/report/schema.js';

const SAMPLES = path.resolve(__dirname, '../samples');
const files = [
  ...fs.readdirSync(path.join(SAMPLES, 'captures')).filter((f) => /\.pcap(ng)?$/.test(f)).sort().map((f) => path.join(SAMPLES, 'captures', f)),
  path.join(SAMPLES, 'mixed.pcap'),
];

/** What the TCP layer decides about a connection (the diagnosis may use peers seen so far). */
function tcpFacts(c: ConnectionReport): string {
  return JSON.stringify({
    id: c.id, client: c.client, server: c.server, roleSource: c.roleSource, firstFrame: c.firstFrame,
    lastFrame: c.lastFrame, start: c.start, end: c.end, closes: c.closes,
  });
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function* trickle(file: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = fs.readFileSync(file);
  for (let i = 0; i < bytes.length; i += size) {
    yield bytes.subarray(i, i + size);
    await tick();
  }
}

/** The connection lines of analyzeStream, in order; `slow` awaits a turn of the event loop after each. */
async function streamed(input: string | AsyncIterable<Uint8Array>, slow: boolean): Promise<ConnectionReport[]> {
  const out: ConnectionReport[] = [];
  for await (const item of analyzeStream(input)) {
    if (item.kind !== 'connection') continue;
    out.push(item.connection);
    if (slow) await tick();
  }
  return out;
}

const sorted = (xs: string[]): string[] => [...xs].sort();

test('the samples are there', () => {
  expect(files.length).toBeGreaterThan(40);
});

describe.each(files.map((f) => [path.relative(SAMPLES, f), f]))('%s', (_name, file) => {
  test('analyzeStream gives each connection the TCP facts analyze() gives it (lastFrame, end, closes), also when read a little at a time', async () => {
    const whole = sorted((await analyze(file)).connections.map(tcpFacts));
    expect(whole.length).toBeGreaterThan(0);
    expect(sorted((await streamed(file, false)).map(tcpFacts))).toEqual(whole);
    expect(sorted((await streamed(trickle(file, 256), false)).map(tcpFacts))).toEqual(whole);
    expect(sorted((await streamed(trickle(file, 256), true)).map(tcpFacts))).toEqual(whole);
  });

  test('a slow consumer gets the very same lines as a fast one', async () => {
    const fast = (await streamed(trickle(file, 256), false)).map((c) => JSON.stringify(c));
    const slow = (await streamed(trickle(file, 256), true)).map((c) => JSON.stringify(c));
    expect(slow).toEqual(fast);
  });
});
