import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { HelloBytes } from '../../src/tls/hello-bytes.js';
import { runPipeline } from '../../src/pipeline.js';
import type { TlsConnectionModel } from '../../src/tls/model.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('HelloBytes', () => {
  const source = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);

  it('gives copies equal to the bytes, which later writes to the source do not change', () => {
    const keeper = new HelloBytes();
    const src = source.slice();
    const a = keeper.copy(src, 10, 42);
    const b = keeper.copy(src, 50, 51);
    expect([...a]).toEqual([...source.subarray(10, 42)]);
    expect([...b]).toEqual([source[50]]);
    src.fill(0);
    expect([...a]).toEqual([...source.subarray(10, 42)]);
    expect(a.buffer).not.toBe(src.buffer);
    // Neighbours in the slab do not overlap.
    expect(a.byteOffset + a.length).toBeLessThanOrEqual(b.byteOffset);
  });

  it('puts small copies in one slab, starts another when it is full, and gives large ones their own array', () => {
    const keeper = new HelloBytes();
    const first = keeper.copy(source, 0, 32);
    const views = [first];
    for (let i = 1; i < 64; i++) views.push(keeper.copy(source, i, i + 32));
    expect(views.every((v) => v.buffer === first.buffer)).toBe(true);
    expect(first.buffer.byteLength).toBe(2048);
    const next = keeper.copy(source, 5, 37);
    expect(next.buffer).not.toBe(first.buffer);
    expect([...next]).toEqual([...source.subarray(5, 37)]);
    const large = keeper.copy(source, 0, 200);
    expect(large.byteOffset).toBe(0);
    expect(large.buffer.byteLength).toBe(200);
    expect([...views[63]!]).toEqual([...source.subarray(63, 95)]);
  });
});

const captures = path.resolve(__dirname, '../../samples/captures');
let tsharkFound = true;
try {
  execFileSync('tshark', ['-v'], { stdio: 'ignore' });
} catch {
  tsharkFound = false;
}
const withTshark = tsharkFound ? describe : describe.skip;
if (!tsharkFound) console.warn('tshark not found: hello random / session id agreement tests skipped');

withTshark('hello randoms and session ids in the models', () => {
  /** Frame -> [handshake type, random hex, session id hex] of every hello tshark decodes. */
  function tsharkHellos(file: string): Map<number, [number, string, string]> {
    const out = execFileSync('tshark', ['-r', file, '-Y', 'tls.handshake.type == 1 || tls.handshake.type == 2', '-T', 'fields',
      '-e', 'frame.number', '-e', 'tls.handshake.type', '-e', 'tls.handshake.random', '-e', 'tls.handshake.session_id'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const hellos = new Map<number, [number, string, string]>();
    for (const line of out.trim().split('\n')) {
      const [frame, type, random, sessionId] = line.split('\t');
      hellos.set(Number(frame), [Number(type), random!, sessionId ?? '']);
    }
    return hellos;
  }

  it.each(['tls12-resumption-session-id-openssl.pcap', 'tls13-hello-retry-request-openssl.pcap', 'tls12-ok-gnutls.pcap'])('agree with tshark in %s', async (name) => {
    const file = path.join(captures, name);
    const models: TlsConnectionModel[] = [];
    await runPipeline(file, (m) => models.push(m), { warn: () => {} });
    const expected = tsharkHellos(file);
    const hellos = models.flatMap((m) => [m.clientHello, m.helloRetryRequest, m.secondClientHello, m.serverHello]).filter((h) => h !== null);
    expect(hellos.length).toBe(expected.size);
    for (const h of hellos) {
      const e = expected.get(h.frame);
      expect(e).toBeDefined();
      expect([hex(h.random), hex(h.sessionId)]).toEqual([e![1], e![2]]);
      // Never a view into a read chunk: at most a 2 KiB slab of such copies.
      expect(h.random.buffer.byteLength).toBeLessThanOrEqual(2048);
    }
  });
});
