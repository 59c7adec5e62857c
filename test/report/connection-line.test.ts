/**
 * ConnectionLineWriter writes the ndjson line straight from the model and diagnosis: it must be
 * exactly `connectionJson(connectionReport(model, diagnosis, cache, warn), file)`, with the same
 * warnings in the same order, on every real connection of the samples, with and without `file`,
 * with its texts reused (the same writer over many connections) and on models varied to reach what
 * a serializer can get wrong: strings that need escaping, numbers JSON writes unusually, lists
 * and certificates no longer shared, and optional parts present or absent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTrustStore, streamRendered } from '../../src/analyze.js';
import { connectionJson } from '../../src/report/connection-json.js';
import { connectionReport } from '../../src/report/connection-report.js';
import { ConnectionLineWriter } from '../../src/report/connection-line.js';
import type { TlsConnectionModel } from '../../src/tls/model.js';
import type { Diagnosis } from '../../src/diagnose/types.js';
import type { CertificateCache, TrustStore } from '../../src/x509/index.js';
import { mulberry32 } from '../../scripts/mangle-capture.js';
import { ODD_NUMBERS, ODD_STRINGS } from './odd-values.js';

const ROOT = path.resolve(__dirname, '../..');
const captures = (): string[] => {
  const dir = path.join(ROOT, 'samples/captures');
  return [...fs.readdirSync(dir).map((x) => path.join(dir, x)), path.join(ROOT, 'samples/mixed.pcap')];
};

interface Seen {
  model: TlsConnectionModel;
  diagnosis: Diagnosis;
  cache: CertificateCache;
}

let trustStore: TrustStore;
const seen: Seen[] = [];
beforeAll(async () => {
  trustStore = await loadTrustStore(path.join(ROOT, 'samples/pki/root.pem'));
  for (const f of captures()) {
    for await (const item of streamRendered(f, { trustStore }, (model, diagnosis, cache) => (seen.push({ model, diagnosis, cache }), { kind: 'x' as const }))) void item;
  }
}, 60_000);

/** The line and warnings both ways. */
function both(writer: ConnectionLineWriter, s: Seen, file?: string): { line: string; expected: string; warnings: string[]; expectedWarnings: string[] } {
  const warnings: string[] = [];
  const expectedWarnings: string[] = [];
  const line = writer.line(s.model, s.diagnosis, s.cache, (frame, text) => warnings.push(`${frame} ${text}`), file);
  const expected = connectionJson(connectionReport(s.model, s.diagnosis, s.cache, (frame, text) => expectedWarnings.push(`${frame} ${text}`)), file);
  return { line, expected, warnings, expectedWarnings };
}


/**
 * A copy of the model and diagnosis with a few strings and numbers replaced by odd ones. Byte
 * arrays (certificates, randoms) are kept, so the certificate facts still come from the cache.
 */
function varied(s: Seen, random: () => number): Seen {
  const model = structuredClone(s.model);
  const diagnosis = structuredClone(s.diagnosis);
  const slots: { owner: Record<string | number, unknown>; key: string | number; value: unknown }[] = [];
  const walk = (x: unknown): void => {
    if (ArrayBuffer.isView(x)) return;
    if (Array.isArray(x)) x.forEach((v, i) => (slots.push({ owner: x as unknown as Record<number, unknown>, key: i, value: v }), walk(v)));
    else if (x !== null && typeof x === 'object') for (const [k, v] of Object.entries(x)) slots.push({ owner: x as Record<string, unknown>, key: k, value: v }), walk(v);
  };
  walk(model);
  walk(diagnosis);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  for (let n = 1 + Math.floor(random() * 4); n > 0 && slots.length > 0; n--) {
    const slot = pick(slots);
    // Enumerated values (directions, kinds, causes, sides) stay valid: the types allow nothing else.
    if (typeof slot.value === 'string' && !/^(roleSource|kind|outcome|cause|confidence|side|abortedBy|resumption)$/.test(String(slot.key))) {
      slot.owner[slot.key] = pick(ODD_STRINGS) + (random() < 0.5 ? slot.value : '');
    } else if (typeof slot.value === 'number' && slot.key !== 'direction' && slot.key !== 'type') slot.owner[slot.key] = pick(ODD_NUMBERS);
    else if (typeof slot.value === 'boolean') slot.owner[slot.key] = !slot.value;
  }
  return { model, diagnosis, cache: s.cache };
}

describe('ConnectionLineWriter', () => {
  it('writes the line of every sample connection as JSON.stringify of its report, warnings alike', () => {
    expect(seen.length).toBeGreaterThan(50);
    const writer = new ConnectionLineWriter();
    // Twice over: the second round writes from the texts kept in the first.
    for (let round = 0; round < 2; round++) {
      for (const s of seen) {
        const r = both(writer, s);
        expect(r.line).toBe(r.expected);
        expect(r.warnings).toEqual(r.expectedWarnings);
      }
    }
  });

  it('puts the file first when several captures are analysed', () => {
    const writer = new ConnectionLineWriter();
    for (const s of seen.slice(0, 20)) {
      for (const file of ['a.pcap', 'odd "name"\n.pcap']) {
        const r = both(writer, s, file);
        expect(r.line).toBe(r.expected);
        expect(JSON.parse(r.line).file).toBe(file);
      }
    }
  });

  it('writes varied models exactly as JSON.stringify does (escapes, odd numbers, unshared lists)', () => {
    const random = mulberry32(20240312);
    const writer = new ConnectionLineWriter();
    for (let i = 0; i < 1500; i++) {
      const s = varied(seen[Math.floor(random() * seen.length)]!, random);
      const r = both(writer, s);
      expect(r.line).toBe(r.expected);
      expect(r.warnings).toEqual(r.expectedWarnings);
    }
  });

  it('covers connections with and without each optional part', () => {
    const has = (f: (s: Seen) => boolean): boolean => seen.some(f);
    expect(has((s) => s.model.clientHello === null)).toBe(true);
    expect(has((s) => s.model.certificates.length > 0)).toBe(true);
    expect(has((s) => s.model.alerts.length > 0)).toBe(true);
    expect(has((s) => s.model.notTls !== null)).toBe(true);
    expect(has((s) => s.model.helloRetryRequest !== null)).toBe(true);
    expect(has((s) => s.diagnosis.alternatives.length > 0)).toBe(true);
    expect(has((s) => s.diagnosis.remediation.length > 0)).toBe(true);
  });
});
