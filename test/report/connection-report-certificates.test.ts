/**
 * Certificates the analysis cannot read fully are visible in the report: one that cannot be
 * read at all is named in a warning (with its Certificate message's frame and the reason), one
 * read in part carries `problem` and a warning, one with more names than the facts keep carries
 * `sanTruncated` / `sanTotal`. Every entry still validates against the published schema.
 */
import { execFileSync } from 'node:child_process';
import { connectionReport } from '../../src/report/connection-report.js';
import { connectionSchema } from '../../src/report/schema.js';
import type { Warning } from '../../src/report/warning.js';
import type { Diagnosis } from '../../src/diagnose/types.js';
import { CertificateCache, parseCertificate, type FactsResult } from '../../src/x509/certificate-facts.js';
import { certificateWithManySans, nestedSequences } from '../../scripts/make-adversarial.js';
import { ModelBuilder } from '../diagnose/model-builder.js';
import { der } from '../x509/fixture-certificates.js';

const diagnosis: Diagnosis = {
  cause: 'unknown', abortedBy: 'client', confidence: 'low', summary: 'x', evidence: [], remediation: [], alternatives: [], outcome: 'failed',
};

function report(chain: Uint8Array[], cache = new CertificateCache()) {
  const model = new ModelBuilder({ id: 3 }).clientHello(4, 0).serverHello(6, 0.01).certificate('server', 6, 0.01, chain).alert('client', 8, 0.02, 2, 42).build();
  const warnings: Warning[] = [];
  const r = connectionReport(model, diagnosis, cache, (frame, text) => warnings.push({ frame, text }));
  expect(connectionSchema.safeParse(r).success).toBe(true);
  return { r, warnings };
}

/** Parses like the real cache, with a node budget that makes @peculiar/x509 refuse the certificate (its own DER reader then gives the facts). */
class RefusingCache extends CertificateCache {
  override facts(bytes: Uint8Array): FactsResult {
    const p = parseCertificate(bytes, undefined, 50);
    return typeof p === 'string' ? { ok: false, error: p } : { ok: true, value: p.facts };
  }
}

describe('certificates in the connection report', () => {
  test('an unreadable certificate is left out, and a warning names it with its frame and reason', () => {
    const bogus = nestedSequences(100);
    const { r, warnings } = report([der('leaf-valid'), bogus]);
    expect(r.certificates.map((c) => c.index)).toEqual([0]);
    expect(warnings).toEqual([
      { frame: 6, text: expect.stringMatching(new RegExp(`^connection 3: server certificate 1 \\(${bogus.length} bytes\\) of the Certificate message in frame 6 cannot be read: .*nested`)) },
    ]);
  });

  test('a certificate read only in part carries its problem, and a warning says so', () => {
    const { r, warnings } = report([der('leaf-valid')], new RefusingCache());
    expect(r.certificates[0]!.problem).toMatch(/^@peculiar\/x509 refused it/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.frame).toBe(6);
    expect(warnings[0]!.text).toMatch(/server certificate 0 .* frame 6 \(CN=.*\) was read only in part: @peculiar\/x509 refused it/);
  });

  test('a fully read certificate has none of the optional fields and no warning', () => {
    const { r, warnings } = report([der('leaf-valid')]);
    expect(r.certificates[0]).not.toHaveProperty('problem');
    expect(r.certificates[0]).not.toHaveProperty('sanTruncated');
    expect(r.certificates[0]).not.toHaveProperty('sanTotal');
    expect(warnings).toEqual([]);
  });

  const hasOpenssl = (() => {
    try {
      execFileSync('openssl', ['version']);
      return true;
    } catch {
      return false;
    }
  })();
  (hasOpenssl ? test : test.skip)('a certificate with more names than the facts keep says how many it has', () => {
    const { r } = report([certificateWithManySans(1_200)]);
    expect(r.certificates[0]).toMatchObject({ sanTruncated: true, sanTotal: 1_200 });
    expect(r.certificates[0]!.san).toHaveLength(1_000);
  }, 30_000);
});
