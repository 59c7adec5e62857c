/**
 * analyze() keeps every connection report until the end; SharedParts makes equal parts of
 * different reports one frozen object. The reports must read, and print, exactly as before,
 * and a caller who changes a shared part must get an error rather than change other reports.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, loadTrustStore } from '../../src/analyze.js';
import { connectionReport } from '../../src/report/connection-report.js';
import { SharedParts } from '../../src/report/shared-parts.js';
import type { ConnectionReport } from '../../src/report/schema.js';
import type { Diagnosis } from '../../src/diagnose/types.js';
import { CertificateCache } from '../../src/x509/certificate-facts.js';
import { ModelBuilder } from '../diagnose/model-builder.js';

const ROOT = path.resolve(__dirname, '../..');

const diagnosis = (remedy: string): Diagnosis => ({
  cause: 'incomplete-capture',
  abortedBy: null,
  confidence: 'high',
  summary: 'No answer.',
  evidence: [{ frame: 1, text: 'frame 1: No answer.' }],
  remediation: [{ side: 'client', text: remedy }],
  alternatives: [],
  outcome: 'incomplete',
});

/** A report of a connection without payload to the ModelBuilder's server (port 443). */
function synOnly(id: number, remedy = 'Capture again.'): ConnectionReport {
  const model = new ModelBuilder({ id }).build();
  return connectionReport(model, diagnosis(remedy), new CertificateCache());
}

describe('SharedParts', () => {
  test('reports of every sample capture print the same JSON once their parts are shared', async () => {
    const trustStore = await loadTrustStore(path.join(ROOT, 'samples/pki/root.pem'));
    // analyze() shares parts itself: its reports are copied (structuredClone unshares and
    // unfreezes) and shared again, all captures through one SharedParts.
    const dir = path.join(ROOT, 'samples/captures');
    const parts = new SharedParts();
    let count = 0;
    for (const f of [...fs.readdirSync(dir).map((x) => path.join(dir, x)), path.join(ROOT, 'samples/mixed.pcap')]) {
      for (const c of (await analyze(f, { trustStore })).connections) {
        const before = JSON.stringify(c);
        expect(JSON.stringify(parts.share(structuredClone(c)))).toBe(before);
        count++;
      }
    }
    expect(count).toBeGreaterThan(80);
  });

  test('equal parts of two reports become one frozen object; what differs stays apart', () => {
    const parts = new SharedParts();
    const a = parts.share(synOnly(1));
    const b = parts.share(synOnly(2));
    const c = parts.share(synOnly(3, 'Another remedy.'));
    expect(b.server).toBe(a.server);
    expect(b.recordVersions).toBe(a.recordVersions);
    expect(b.certificates).toBe(a.certificates);
    expect(b.diagnosis.remediation).toBe(a.diagnosis.remediation);
    expect(c.diagnosis.remediation).not.toBe(a.diagnosis.remediation);
    expect(c.diagnosis.remediation[0]!.text).toBe('Another remedy.');
    expect(b.client).not.toBe(a.client);
    expect(b.diagnosis).not.toBe(a.diagnosis);
    for (const part of [a.server, a.recordVersions, a.certificates, a.alerts, a.messages, a.closes, a.diagnosis.remediation, a.diagnosis.remediation[0]]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
  });

  test('changing a shared part throws instead of changing the other reports', () => {
    const parts = new SharedParts();
    const a = parts.share(synOnly(1));
    const b = parts.share(synOnly(2));
    expect(() => {
      a.server.port = 1;
    }).toThrow(TypeError);
    expect(() => a.certificates.push(b.certificates[0]!)).toThrow(TypeError);
    expect(b.server.port).toBe(443);
    // The report's own fields stay writable.
    a.sni = 'changed.test';
    expect(b.sni).toBeNull();
  });
});
