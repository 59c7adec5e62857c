/**
 * The floor's stage `required` (bench/tls-floor.mjs) is the measure docs/decisions.md uses to
 * say what issue 3's TLS layer costs at least; the claim holds only while it reads what the
 * analyzer reads. bench/tls-floor-check.mjs compares the two field by field: this runs it on
 * samples that cover every kind of handshake the stage decodes, and shows that the check fails
 * when the two differ. The bench scripts import ../dist: skipped when dist/ is older than src/.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, staleModules } from '../support/compiled-dist.js';

const FLOOR = path.join(ROOT, 'bench/tls-floor.mjs');
const CHECK = path.join(ROOT, 'bench/tls-floor-check.mjs');
const stale = fs.existsSync(path.join(ROOT, 'dist/pipeline.js')) ? staleModules() : ['dist/ (missing)'];
if (stale.length > 0) console.warn(`tls-floor tests skipped: dist/ is older than ${stale[0]} (npm run build)`);
const d = stale.length === 0 ? describe : describe.skip;

const SAMPLES = [
  'mixed.pcap',
  'captures/tls10-ok-openssl.pcap',
  'captures/tls12-mutual-tls-ok-openssl.pcap',
  'captures/tls12-resumption-session-id-openssl.pcap',
  'captures/tls12-resumption-ticket-openssl.pcap',
  'captures/tls12-clienthello-split-mtu200-openssl.pcap',
  'captures/tls12-full-chain-mtu1500-openssl.pcap',
  'captures/tls12-capture-starts-after-clienthello.pcap',
  'captures/tls12-snaplen-100-expired.pcap',
  'captures/tls13-hello-retry-request-openssl.pcap',
  'captures/tls13-resumption-psk-openssl.pcap',
  'captures/tls13-client-cert-missing-gnutls.pcap',
  'captures/tls13-ok-dumpcap.pcapng',
  'captures/http-client-to-tls-server-nginx.pcap',
];

function node(args: string[]) {
  return spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** The check's table rows: field -> [agree, disagree]. */
function rows(stdout: string): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const line of stdout.split('\n')) {
    const m = /^(\S.*?)\s+(\d+)\s+(\d+)\s*(?:[\d ]*)$/.exec(line);
    if (m) out.set(m[1]!.trim(), [Number(m[2]), Number(m[3])]);
  }
  return out;
}

d('the floor with what issue 3 requires (bench/tls-floor.mjs --stage required)', () => {
  test.each(SAMPLES)('agrees with the analyzer on every field of %s', (sample) => {
    const r = node([CHECK, path.join(ROOT, 'samples', sample)]);
    const table = rows(r.stdout);
    const disagreeing = [...table].filter(([, [, bad]]) => bad > 0).map(([field]) => field);
    expect(disagreeing).toEqual([]);
    expect(r.status).toBe(0);
    // Both comparisons ran: with the report, and with the models.
    expect(table.get('connection (in both)')![0]).toBeGreaterThan(0);
    expect(table.get('model: kind')![0]).toBe(table.get('connection (in both)')![0]);
  });

  test('the check fails, naming the field, when the floor reads a different value', () => {
    const sample = path.join(ROOT, 'samples/captures/tls13-hello-retry-request-openssl.pcap');
    const dump = node([FLOOR, sample, '--stage', 'required', '--dump']);
    expect(dump.status).toBe(0);
    const lines = dump.stdout.trim().split('\n').map((l) => JSON.parse(l) as { clientHello: { sni: string; cipherSuites: number[] } | null });
    const hello = lines.find((c) => c.clientHello !== null)!.clientHello!;
    hello.sni = `x${hello.sni}`;
    hello.cipherSuites = hello.cipherSuites.slice(1);
    const file = path.join(os.tmpdir(), `tha-floor-dump-${process.pid}.ndjson`);
    fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    try {
      const r = node([CHECK, sample, '--floor', file, '--no-model']);
      expect(r.status).toBe(1);
      const table = rows(r.stdout);
      expect(table.get('sni')).toEqual([0, 1]);
      expect(table.get('clientHello.sni')).toEqual([0, 1]);
      expect(table.get('clientHello.cipherSuites')).toEqual([0, 1]);
      expect(table.get('clientHello.extensions')).toEqual([1, 0]);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
