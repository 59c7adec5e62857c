/**
 * analyze() and analyzeStream() do not run the zod schema on each connection (it copied every
 * report: most of the time and memory on a million connections); connectionReport builds each
 * one field by field to the schema instead. This pins that down on every real capture the repo
 * holds: every report is valid, and the schema's parse gives back exactly the same object (no
 * key stripped, none reordered, nothing coerced), so the JSON a user gets is the schema's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, analyzeStream, loadTrustStore } from '../../src/analyze.js';
import { connectionSchema, reportSchema, type ConnectionReport } from '../../src/report/schema.js';
import type { TrustStore } from '../../src/x509/index.js';

const ROOT = path.resolve(__dirname, '../..');
const captures = [
  ...fs.readdirSync(path.join(ROOT, 'samples/captures')).map((f) => path.join(ROOT, 'samples/captures', f)),
  path.join(ROOT, 'samples/mixed.pcap'),
  ...fs
    .readdirSync(path.join(ROOT, 'test/fixtures/fuzz-regressions'))
    .filter((f) => f.endsWith('.pcap'))
    .map((f) => path.join(ROOT, 'test/fixtures/fuzz-regressions', f)),
].filter((f) => /\.pcap(ng)?$/.test(f));

let trustStore: TrustStore;
beforeAll(async () => {
  trustStore = await loadTrustStore(path.join(ROOT, 'samples/pki/root.pem'));
});

/** The JSON text with keys in order: equal texts mean the parse changed nothing a user sees. */
const text = (x: unknown): string => JSON.stringify(x);

test('the captures are there', () => {
  expect(captures.length).toBeGreaterThan(80);
});

describe.each(captures.map((f) => [path.relative(ROOT, f), f]))('%s', (_name, file) => {
  test('analyze(): the report is valid and the schema gives it back unchanged', async () => {
    const report = await analyze(file, { trustStore, fileName: 'x.pcap' });
    expect(report.connections.length).toBeGreaterThan(0);
    const parsed = reportSchema.safeParse(report);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(text(parsed.data)).toBe(text(report));
  });

  test('analyzeStream(): each connection is valid and the schema gives it back unchanged', async () => {
    const connections: ConnectionReport[] = [];
    for await (const item of analyzeStream(file, { trustStore })) if (item.kind === 'connection') connections.push(item.connection);
    for (const c of connections) {
      const parsed = connectionSchema.safeParse(c);
      expect({ id: c.id, issues: parsed.error?.issues ?? [] }).toEqual({ id: c.id, issues: [] });
      expect(text(parsed.data)).toBe(text(c));
    }
  });
});
