import * as path from 'node:path';
import { analyze } from '../../src/analyze.js';
import { streamJsonReport, streamJsonReports, writeJsonReport, writeJsonReports } from '../../src/cli/json-output.js';
import type { Report } from '../../src/report/schema.js';

const MIXED = path.resolve(__dirname, '../../samples/mixed.pcap');

/** Everything `streamJsonReport(s)` hands over, joined, and the chunks as they were when handed over. */
async function streamed(run: (write: (chunk: Uint8Array) => unknown) => Promise<void>): Promise<{ text: string; chunks: Uint8Array[]; copies: Buffer[] }> {
  const chunks: Uint8Array[] = [];
  const copies: Buffer[] = [];
  await run((chunk) => {
    chunks.push(chunk);
    copies.push(Buffer.from(chunk));
  });
  return { text: Buffer.concat(copies).toString('utf8'), chunks, copies };
}

/** The report with many more connections (copies with new ids), so the text spans many chunks. */
function bigger(report: Report, times: number): Report {
  const connections = [];
  for (let i = 0; i < times; i++) for (const c of report.connections) connections.push({ ...c, id: connections.length });
  return { ...report, connections };
}

describe('JSON written piece by piece', () => {
  let mixed: Report;
  beforeAll(async () => {
    mixed = await analyze(MIXED, { fileName: 'mixed.pcap' });
  });

  test('text: the same text as JSON.stringify(report, null, 2)', () => {
    expect(mixed.connections.length).toBeGreaterThan(1);
    let text = '';
    writeJsonReport(mixed, (s) => (text += s));
    expect(text).toBe(`${JSON.stringify(mixed, null, 2)}\n`);
  });

  test('text, several reports: the {schemaVersion, reports} object, same text as JSON.stringify', () => {
    const empty = { ...mixed, connections: [] };
    let text = '';
    writeJsonReports([mixed, empty], (s) => (text += s));
    expect(text).toBe(`${JSON.stringify({ schemaVersion: 1, reports: [mixed, empty] }, null, 2)}\n`);
    text = '';
    writeJsonReports([], (s) => (text += s));
    expect(text).toBe(`${JSON.stringify({ schemaVersion: 1, reports: [] }, null, 2)}\n`);
  });

  test('bytes: the UTF-8 of JSON.stringify(report, null, 2), one report and several', async () => {
    expect((await streamed((w) => streamJsonReport(mixed, w))).text).toBe(`${JSON.stringify(mixed, null, 2)}\n`);
    const empty = { ...mixed, connections: [], warnings: [] };
    const several = await streamed((w) => streamJsonReports([mixed, empty], w));
    expect(several.text).toBe(`${JSON.stringify({ schemaVersion: 1, reports: [mixed, empty] }, null, 2)}\n`);
  });

  test('strings that need escaping or several UTF-8 bytes come out as JSON.stringify writes them', async () => {
    const odd = 'é ü 日本 😀 \u2028 \u0000 \t "quoted" back\\slash {[,:]} \ud800 lone';
    const c0 = mixed.connections[0]!;
    const report: Report = {
      ...mixed,
      connections: [{ ...c0, sni: odd, diagnosis: { ...c0.diagnosis, summary: odd } }, ...mixed.connections.slice(1)],
      warnings: [{ frame: 1, text: odd }, { frame: null, text: '' }],
    };
    const expected = `${JSON.stringify(report, null, 2)}\n`;
    expect((await streamed((w) => streamJsonReport(report, w))).text).toBe(expected);
    let text = '';
    writeJsonReport(report, (s) => (text += s));
    expect(text).toBe(expected);
  });

  test('fields without JSON text are left out, as JSON.stringify does', async () => {
    const report = { ...mixed, extra: undefined } as unknown as Report;
    expect((await streamed((w) => streamJsonReport(report, w))).text).toBe(`${JSON.stringify(report, null, 2)}\n`);
  });

  test('a big report comes in chunks of about 64 KiB, each a new buffer left as it was handed over', async () => {
    const big = bigger(mixed, 200);
    const expected = `${JSON.stringify(big, null, 2)}\n`;
    const { text, chunks, copies } = await streamed((w) => streamJsonReport(big, w));
    expect(text).toBe(expected);
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks.slice(0, -1)) {
      expect(c.length).toBeGreaterThanOrEqual(64 * 1024);
      expect(c.length).toBeLessThan(64 * 1024 + 64 * 1024);
    }
    // A stream may still hold a chunk when the next is made: none is reused or overwritten.
    expect(new Set(chunks.map((c) => c.buffer)).size).toBe(chunks.length);
    chunks.forEach((c, i) => expect(Buffer.compare(Buffer.from(c), copies[i]!)).toBe(0));
  });

  test('waits for a full writer: no chunk is handed over before the promise of the last one resolves', async () => {
    const big = bigger(mixed, 100);
    const gate: { pending: (() => void) | null } = { pending: null };
    let overlapped = false;
    const parts: Buffer[] = [];
    const done = streamJsonReport(big, (chunk) => {
      if (gate.pending !== null) overlapped = true;
      parts.push(Buffer.from(chunk));
      return new Promise<void>((resolve) => {
        gate.pending = resolve;
      });
    });
    // Drain one chunk at a time, as a slow pipe would.
    let drained = 0;
    for (;;) {
      await new Promise((r) => setImmediate(r));
      const resolve = gate.pending;
      if (resolve === null) break;
      gate.pending = null;
      expect(parts.length).toBe(drained + 1);
      drained++;
      resolve();
    }
    await done;
    expect(overlapped).toBe(false);
    expect(parts.length).toBeGreaterThan(5);
    expect(Buffer.concat(parts).toString('utf8')).toBe(`${JSON.stringify(big, null, 2)}\n`);
  });

  test('a chunk never ends inside a UTF-8 sequence (text decoded chunk by chunk stays whole)', () => {
    const c0 = mixed.connections[0]!;
    const wide = { ...mixed, connections: Array.from({ length: 2000 }, (_, i) => ({ ...c0, id: i, sni: '日本😀'.repeat(i % 7) })) };
    const pieces: string[] = [];
    writeJsonReport(wide, (s) => pieces.push(s));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(`${JSON.stringify(wide, null, 2)}\n`);
    for (const p of pieces) expect(p).not.toContain('\ufffd');
  });
});
