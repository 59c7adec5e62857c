import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../src/analyze.js';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'bench/make-many-connections.mjs');
const out = path.join(os.tmpdir(), `tha-many-${process.pid}.pcap`);
const N = 40;

beforeAll(() => {
  execFileSync(process.execPath, [SCRIPT, '--connections', String(N), '--servers', '7', '--out', out], { stdio: 'pipe' });
});
afterAll(() => fs.rmSync(out, { force: true }));

describe('make-many-connections', () => {
  test('writes N short connections, each a real ClientHello refused by a real alert', async () => {
    const report = await analyze(out);
    expect(report.capture.packets).toBe(N * 9);
    expect(report.connections).toHaveLength(N);
    expect(report.connections.map((c) => c.id)).toEqual(Array.from({ length: N }, (_, i) => i));
    for (const c of report.connections) {
      expect(c.outcome).toBe('failed');
      expect(c.diagnosis.cause).toBe('cipher-suite-mismatch');
      expect(c.alerts[0]!.description).toBe('handshake_failure');
    }
    expect(new Set(report.connections.map((c) => c.server.ip)).size).toBe(7);
    expect(report.warnings).toEqual([]);
  });

  test('is deterministic', () => {
    const again = `${out}.2`;
    execFileSync(process.execPath, [SCRIPT, '--connections', String(N), '--servers', '7', '--out', again], { stdio: 'pipe' });
    expect(fs.readFileSync(again).equals(fs.readFileSync(out))).toBe(true);
    fs.rmSync(again);
  });

  const tshark = spawnSync('tshark', ['-v']).status === 0;
  (tshark ? test : test.skip)('tshark sees N conversations and no malformed packet or bad checksum', () => {
    const conv = execFileSync('tshark', ['-r', out, '-q', '-z', 'conv,tcp'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(conv.split('\n').filter((l) => /<->/.test(l))).toHaveLength(N);
    const bad = execFileSync('tshark', ['-r', out, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-Y', '_ws.malformed or _ws.expert.severity >= warning'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(bad.trim()).toBe('');
  });
});
