/**
 * Hostile and broken captures (scripts/make-adversarial.ts) never crash, hang or exhaust the
 * analyzer: each finishes within its bound, names its problem in a warning, and the intact real
 * handshake it carries is diagnosed with the same cause as in its own capture.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ADVERSARIAL_NAMES, allAdversarialCaptures, intactConnection, INTACT_SAMPLE, type AdversarialCapture } from '../../scripts/make-adversarial.js';
import { analyzeInChild, compiledLibrary, ROOT, type AnalyzeOnce } from './compiled-library.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const d = hasOpenssl ? describe : describe.skip;
if (!hasOpenssl) console.warn('adversarial captures skipped: openssl is needed to make their certificates');

/** The client port of the intact connection: the source port of the sample's first SYN. */
function intactClientPort(): number {
  const syn = intactConnection(ROOT)[0]!.data;
  return (syn[34]! << 8) | syn[35]!;
}

/**
 * The client address of the intact connection (the sample's first SYN): million-syns uses every
 * client port from 1024, so the port alone also finds flood connections.
 */
function intactClientIp(): string {
  return Array.from(intactConnection(ROOT)[0]!.data.subarray(26, 30)).join('.');
}

/** Checks beyond "no crash, warnings, intact connection" for captures that carry a readable hostile connection. */
const hostileChecks: Record<string, (r: AnalyzeOnce) => void> = {
  'one-byte-segments': (r) => {
    const c = r.connections!.find((x) => x.client.port === 40002);
    expect((c?.clientHello as { sni?: string } | null)?.sni).toBe('one-byte.test');
  },
  'many-san-certificate': (r) => {
    const c = r.connections!.find((x) => x.client.port === 40005);
    const certs = (c?.certificates ?? []) as Array<{ subject: string; san: string[] }>;
    // The certificate is reported, with the first 1,000 names in order: facts keep at most
    // MAX_SAN_NAMES (src/x509/certificate-facts.ts) and count the rest (sanTotal/sanTruncated).
    expect(certs[0]?.subject).toBe('CN=many-sans.test');
    expect(certs[0]?.san).toHaveLength(1_000);
    expect(certs[0]?.san.slice(0, 2)).toEqual(['n0.t', 'n1.t']);
    // Not the false "snaplen" story the missing certificate used to lead to.
    expect(c?.diagnosis.cause).not.toBe('incomplete-capture');
  },
  'deeply-nested-certificate': (r) => {
    const c = r.connections!.find((x) => x.client.port === 40006);
    expect(c?.serverHello).toBeTruthy();
  },
  'million-syns': (r) => {
    // Either every connection is reported, or a warning says how many were left out.
    if (r.connectionCount !== 1_000_001) expect(r.warnings!.map((w) => w.text).join('\n')).toMatch(/connection/i);
  },
};

d('adversarial captures', () => {
  let lib: string;
  let dir: string;
  let captures: AdversarialCapture[];
  let intactPort: number;
  let intactIp: string;
  let intactCause: string;

  beforeAll(() => {
    lib = compiledLibrary('adversarial');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adversarial-'));
    captures = allAdversarialCaptures(ROOT);
    for (const c of captures) fs.writeFileSync(path.join(dir, `${c.name}.${c.format}`), c.bytes);
    intactPort = intactClientPort();
    intactIp = intactClientIp();
    const original = analyzeInChild(lib, path.join(ROOT, INTACT_SAMPLE), [intactPort], 30_000);
    expect(original.status).toBe('ok');
    intactCause = original.connections![0]!.diagnosis.cause;
  }, 120_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the intact sample connection has a definite failure cause to compare with', () => {
    expect(intactCause).not.toMatch(/^(none|unknown|incomplete-capture)$/);
  });

  const names: readonly string[] = ADVERSARIAL_NAMES;

  // million-syns runs the whole-report path on 1,000,001 connections: analyze() holds every
  // report (about 750 bytes each once their equal parts are shared, no schema parse per
  // connection: docs/decisions.md) and takes 15-20 s on the 2-core CI machine.
  test.each(names)('%s: analyzed within its bound, problem named, intact connection still diagnosed', (name) => {
    const c = captures.find((x) => x.name === name)!;
    const hostilePorts = [40001, 40002, 40003, 40004, 40005, 40006, 40007, 40008, 40009];
    // The child is killed at twice the bound, so a hang fails this test instead of stalling the run.
    const r = analyzeInChild(lib, path.join(dir, `${c.name}.${c.format}`), [intactPort, ...hostilePorts], c.boundMs * 2);
    expect({ status: r.status, message: r.message, stack: r.stack?.split('\n').slice(0, 6).join('\n') }).toEqual(
      expect.objectContaining({ status: 'ok' }),
    );
    expect(r.ms).toBeLessThan(c.boundMs);
    const intact = r.connections!.filter((x) => x.client.port === intactPort && (x.client as { ip?: string }).ip === intactIp);
    expect(intact).toHaveLength(1);
    expect(intact[0]!.outcome).toBe('failed');
    expect(intact[0]!.diagnosis.cause).toBe(intactCause);
    const texts = r.warnings!.map((w) => w.text);
    for (const re of c.expectWarnings) expect(texts.join('\n')).toMatch(re);
    hostileChecks[name]?.(r);
  }, 120_000);
});
