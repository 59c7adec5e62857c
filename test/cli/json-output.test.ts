import * as path from 'node:path';
import { analyze } from '../../src/analyze.js';
import { writeJsonReport, writeJsonReports } from '../../src/cli/json-output.js';

const MIXED = path.resolve(__dirname, '../../samples/mixed.pcap');

describe('JSON written piece by piece', () => {
  test('is the same text as JSON.stringify(report, null, 2)', async () => {
    const report = await analyze(MIXED);
    expect(report.connections.length).toBeGreaterThan(1);
    let text = '';
    writeJsonReport(report, (s) => (text += s));
    expect(text).toBe(`${JSON.stringify(report, null, 2)}\n`);
  });

  test('several reports: the {schemaVersion, reports} object, same text as JSON.stringify', async () => {
    const report = await analyze(MIXED, { fileName: 'mixed.pcap' });
    const empty = { ...report, connections: [] };
    let text = '';
    writeJsonReports([report, empty], (s) => (text += s));
    expect(text).toBe(`${JSON.stringify({ schemaVersion: 1, reports: [report, empty] }, null, 2)}\n`);
    text = '';
    writeJsonReports([], (s) => (text += s));
    expect(text).toBe(`${JSON.stringify({ schemaVersion: 1, reports: [] }, null, 2)}\n`);
  });
});
