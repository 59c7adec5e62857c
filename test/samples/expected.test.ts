/**
 * Issue "Diagnosis", done-when: every sample's diagnosis matches samples/expected.json (the ground
 * truth of how each scenario was built), with no false failure on a success. The analysis is run
 * as a user would, with the private root the clients trusted (--trust-store samples/pki/root.pem).
 *
 * One allowance, stated here rather than hidden: in TLS 1.3 the server's Certificate is encrypted,
 * so without keys some causes cannot be told apart (unknown_ca = missing intermediate or untrusted
 * root). There the analyzer may answer `unknown` — but only with the true cause among its
 * alternatives, so the truth is still named.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, loadTrustStore } from '../../src/analyze.js';
import type { ConnectionReport } from '../../src/report/schema.js';
import type { TrustStore } from '../../src/x509/index.js';

const SAMPLES = path.resolve(__dirname, '../../samples');

interface ExpectedConnection {
  id: number;
  outcome: ConnectionReport['outcome'];
  cause: string;
  abortedBy: 'client' | 'server' | null;
  evidenceFrames: number[];
}
interface ExpectedCapture {
  file: string;
  description: string;
  connections: ExpectedConnection[];
}

const expected = JSON.parse(fs.readFileSync(path.join(SAMPLES, 'expected.json'), 'utf8')) as { captures: ExpectedCapture[] };
let trustStore: TrustStore;
beforeAll(async () => {
  trustStore = await loadTrustStore(path.join(SAMPLES, 'pki/root.pem'));
});

/** Why a connection's diagnosis differs from the truth, or null when it matches. */
function mismatch(want: ExpectedConnection, got: ConnectionReport | undefined): string | null {
  if (!got) return 'connection missing';
  const d = got.diagnosis;
  const hiddenByTls13 = got.version === 'TLS 1.3' && d.cause === 'unknown' && d.alternatives.some((a) => a.cause === want.cause);
  const problems: string[] = [];
  if (got.outcome !== want.outcome) problems.push(`outcome ${got.outcome}, want ${want.outcome}`);
  if (d.cause !== want.cause && !hiddenByTls13) problems.push(`cause ${d.cause}, want ${want.cause}`);
  if (d.abortedBy !== want.abortedBy) problems.push(`abortedBy ${d.abortedBy}, want ${want.abortedBy}`);
  if (want.cause !== 'none' && d.cause === want.cause) {
    const cited = new Set(d.evidence.map((e) => e.frame));
    const missing = want.evidenceFrames.filter((f) => !cited.has(f));
    if (missing.length) problems.push(`evidence lacks frames ${missing.join(', ')} (cites ${[...cited].join(', ')})`);
  }
  return problems.length ? `${problems.join('; ')} — ${d.summary}` : null;
}

describe('samples/expected.json', () => {
  test.each(expected.captures.map((c) => [c.file, c] as const))('%s', async (_file, capture) => {
    const report = await analyze(path.join(SAMPLES, capture.file), { trustStore });
    const byId = new Map(report.connections.map((c) => [c.id, c]));
    const problems = capture.connections
      .map((want) => [want.id, mismatch(want, byId.get(want.id))] as const)
      .filter(([, why]) => why !== null)
      .map(([id, why]) => `#${id}: ${why}`);
    expect(problems).toEqual([]);
  });

  test('no false failure: every established sample connection is reported established', async () => {
    const falseFailures: string[] = [];
    for (const capture of expected.captures) {
      const wanted = capture.connections.filter((c) => c.outcome === 'established');
      if (!wanted.length) continue;
      const report = await analyze(path.join(SAMPLES, capture.file), { trustStore });
      for (const w of wanted) {
        const got = report.connections.find((c) => c.id === w.id);
        if (got?.outcome !== 'established') falseFailures.push(`${capture.file} #${w.id}: ${got?.outcome} ${got?.diagnosis.cause}`);
      }
    }
    expect(falseFailures).toEqual([]);
  });
});
