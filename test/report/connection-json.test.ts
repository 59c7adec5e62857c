/**
 * connectionJson is the ndjson line of a connection (worker threads write their lines with it):
 * it must be exactly `JSON.stringify(file !== undefined ? { file, ...connection } : connection)`,
 * on every real report and on reports varied to reach what a serializer can get wrong: strings
 * that need escaping (quotes, backslashes, control characters, lone surrogates), characters
 * that do not (U+2028, astral ones), numbers JSON writes unusually (-0, 1e21, NaN), optional
 * keys, undefined values, keys in another order, and a `file` key already present.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, loadTrustStore } from '../../src/analyze.js';
import { connectionJson } from '../../src/report/connection-json.js';
import type { ConnectionReport } from '../../src/report/schema.js';
import { mulberry32 } from '../../scripts/mangle-capture.js';
import { ODD_NUMBERS, ODD_STRINGS } from './odd-values.js';

const ROOT = path.resolve(__dirname, '../..');
const reference = (c: ConnectionReport, file?: string): string => JSON.stringify(file !== undefined ? { file, ...c } : c);

let reports: ConnectionReport[] = [];
beforeAll(async () => {
  const trustStore = await loadTrustStore(path.join(ROOT, 'samples/pki/root.pem'));
  const dir = path.join(ROOT, 'samples/captures');
  for (const f of [...fs.readdirSync(dir).map((x) => path.join(dir, x)), path.join(ROOT, 'samples/mixed.pcap')]) {
    reports.push(...(await analyze(f, { trustStore })).connections);
  }
}, 60_000);


/** A copy of the report with one value somewhere replaced (strings by odd strings, numbers by odd numbers). */
function varied(report: ConnectionReport, random: () => number): ConnectionReport {
  const copy = structuredClone(report) as unknown as Record<string, unknown>;
  const slots: { owner: Record<string, unknown> | unknown[]; key: string | number; value: unknown }[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach((v, i) => (slots.push({ owner: x, key: i, value: v }), walk(v)));
    else if (x !== null && typeof x === 'object') for (const [k, v] of Object.entries(x)) slots.push({ owner: x as Record<string, unknown>, key: k, value: v }), walk(v);
  };
  walk(copy);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
    const s = pick(slots);
    const owner = s.owner as Record<string | number, unknown>;
    if (typeof s.value === 'string') owner[s.key] = pick(ODD_STRINGS) + (random() < 0.5 ? s.value : '');
    else if (typeof s.value === 'number') owner[s.key] = pick(ODD_NUMBERS);
    else if (s.value === null) owner[s.key] = random() < 0.5 ? undefined : pick(ODD_STRINGS);
    else if (typeof s.value === 'boolean') owner[s.key] = !s.value;
  }
  return copy as unknown as ConnectionReport;
}

describe('connectionJson', () => {
  test('the sample captures give reports to check', () => {
    expect(reports.length).toBeGreaterThan(80);
    expect(reports.some((c) => c.certificates.length > 0 && c.clientHello && c.serverHello)).toBe(true);
  });

  test('equals JSON.stringify on every sample report, with and without a file name', () => {
    for (const c of reports) {
      expect(connectionJson(c)).toBe(reference(c));
      expect(connectionJson(c, 'a "b".pcap')).toBe(reference(c, 'a "b".pcap'));
    }
  });

  test('equals JSON.stringify on 2,000 varied reports', () => {
    const random = mulberry32(20261127);
    for (let i = 0; i < 2_000; i++) {
      const c = varied(reports[i % reports.length]!, random);
      const file = random() < 0.3 ? ODD_STRINGS[i % ODD_STRINGS.length] : undefined;
      expect(connectionJson(c, file)).toBe(reference(c, file));
    }
  });

  test('equals JSON.stringify on reports of an unusual shape', () => {
    const base = reports.find((c) => c.certificates.length > 0)!;
    const withCertKeys = structuredClone(base);
    Object.assign(withCertKeys.certificates[0]!, { problem: 'read in part', sanTruncated: true, sanTotal: 5000 });
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as unknown as ConnectionReport;
    const ownFile = { file: 'own.pcap', ...base };
    const extra = { ...base, extra: { nested: [1, 'two', null] } } as ConnectionReport;
    const withUndefined = { ...base, sni: undefined } as unknown as ConnectionReport;
    for (const c of [withCertKeys, reordered, ownFile, extra, withUndefined]) {
      expect(connectionJson(c)).toBe(reference(c));
      expect(connectionJson(c, 'f.pcap')).toBe(reference(c, 'f.pcap'));
    }
  });
});
