import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/run.js';
import { reportSchema } from '../../src/report/schema.js';

const ROOT = path.resolve(__dirname, '../..');
const MIXED = path.join(ROOT, 'samples/mixed.pcap');

async function cli(args: string[], stdin: NodeJS.ReadableStream = Readable.from([])) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    stdin,
    // JSON reports arrive as UTF-8 chunks that never split a character.
    stdout: { write: (s: string | Uint8Array) => (out += typeof s === 'string' ? s : Buffer.from(s).toString('utf8')) },
    stderr: { write: (s: string) => (err += s) },
    version: '9.9.9',
  });
  return { code, out, err };
}

describe('usage errors exit 2 with one line and no stack', () => {
  test.each([
    [[], /no capture given/],
    [['--format', 'xml', 'x.pcap'], /--format must be text, json or ndjson/],
    [['--bogus', 'x.pcap'], /unknown option --bogus/],
    [['--trust-store'], /--trust-store needs a value/],
    [['-', '-'], /stdin \(-\) can be read only once/],
  ])('%j', async (args, message) => {
    const r = await cli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message as RegExp);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toBe('');
  });

  test('--keylog is refused honestly until decryption exists', async () => {
    const r = await cli(['--keylog', 'keys.txt', MIXED]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not implemented/);
  });
});

describe('unreadable input exits 2 naming what it found', () => {
  test('a missing file', async () => {
    const r = await cli([path.join(os.tmpdir(), 'no-such-capture.pcap')]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/no-such-capture\.pcap/);
  });

  test('a text file', async () => {
    const r = await cli([path.join(ROOT, 'README.md')]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/not a pcap or pcapng capture/);
  });

  test('a bad trust store', async () => {
    const pem = path.join(os.tmpdir(), `tha-empty-${process.pid}.pem`);
    fs.writeFileSync(pem, 'not a certificate\n');
    const r = await cli(['--trust-store', pem, MIXED]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/trust store/);
  });
});

describe('the bundled sample', () => {
  test('--format json prints a report that passes the schema, exit 1 for failed handshakes', async () => {
    const r = await cli(['--format', 'json', MIXED]);
    const report = reportSchema.parse(JSON.parse(r.out));
    const failed = report.connections.filter((c) => c.outcome === 'failed').length;
    expect(failed).toBeGreaterThan(0);
    expect(r.code).toBe(1);
  });

  test('--format ndjson prints one schema-valid connection a line, same as json', async () => {
    const json = reportSchema.parse(JSON.parse((await cli(['--format', 'json', MIXED])).out));
    const r = await cli(['--format', 'ndjson', MIXED]);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { id: number; diagnosis: { cause: string } });
    expect(lines.map((l) => l.id).sort((a, b) => a - b)).toEqual(json.connections.map((c) => c.id));
    for (const l of lines) expect(l.diagnosis.cause).toBe(json.connections.find((c) => c.id === l.id)!.diagnosis.cause);
  });

  test('reading stdin (-) gives the same report as the file', async () => {
    const fromFile = JSON.parse((await cli(['--format', 'json', MIXED])).out) as unknown;
    const fromStdin = JSON.parse((await cli(['--format', 'json', '-'], fs.createReadStream(MIXED))).out) as unknown;
    expect(fromStdin).toEqual(fromFile);
  });

  test('text output names each failed connection with frames and fixes, without colors off a terminal', async () => {
    const r = await cli([MIXED]);
    expect(r.out).toMatch(/FAILED: /);
    expect(r.out).toMatch(/frame \d+:/);
    expect(r.out).toMatch(/fix \((client|server)\):/);
    expect(r.out).toMatch(/Summary/);
    expect(r.out).not.toMatch(/\x1b\[/);
  });
});

describe('text output', () => {
  test('names the plaintext preamble of a STARTTLS connection', async () => {
    const capture = path.join(ROOT, 'test/tls/fixtures/starttls');
    const files = fs.existsSync(capture) ? fs.readdirSync(capture).filter((f) => f.endsWith('.pcap')) : [];
    expect(files.length).toBeGreaterThan(0);
    const outputs = await Promise.all(files.map(async (f) => (await cli([path.join(capture, f)])).out));
    expect(outputs.join('\n')).toMatch(/TLS started after a plain SMTP/);
  });
});
