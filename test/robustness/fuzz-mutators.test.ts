/**
 * The fuzzer's parts (fuzz/*.mjs are plain ESM, which jest's CommonJS runtime cannot import):
 * each check runs in a child Node process and reports back as JSON.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from './compiled-library.js';

const SAMPLE = path.join(ROOT, 'samples/captures/tls12-hostname-mismatch-openssl.pcap');
const PCAPNG = path.join(ROOT, 'test/fixtures/capture/capture.pcapng');

/** Runs an ESM snippet with the fuzz modules imported as `f` (structure), `m` (mutators), `P` (Prng). */
function esm<T>(body: string): T {
  const code = `
    import fs from 'node:fs';
    import * as f from ${JSON.stringify(path.join(ROOT, 'fuzz/structure.mjs'))};
    import * as m from ${JSON.stringify(path.join(ROOT, 'fuzz/mutators.mjs'))};
    import * as mini from ${JSON.stringify(path.join(ROOT, 'fuzz/minimize.mjs'))};
    import { Prng as P } from ${JSON.stringify(path.join(ROOT, 'fuzz/prng.mjs'))};
    const out = await (async () => { ${body} })();
    process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as T;
}

describe('seeded PRNG', () => {
  test('the same seed gives the same sequence, another seed another one', () => {
    const r = esm<number[][]>(`const a = new P(42), b = new P(42), c = new P(43);
      return [[0,1,2,3].map(() => a.u32()), [0,1,2,3].map(() => b.u32()), [0,1,2,3].map(() => c.u32())];`);
    expect(r[0]).toEqual(r[1]);
    expect(r[0]).not.toEqual(r[2]);
  });
});

describe('structure walker finds the real length fields of a seed', () => {
  test('pcap: every record, IPv4/TCP header, TLS record, handshake, extension and certificate DER', () => {
    const r = esm<{ format: string; packets: number; layers: Record<string, number[]> }>(`
      const b = new Uint8Array(fs.readFileSync(${JSON.stringify(SAMPLE)}));
      const l = f.walkCapture(b);
      const layers = {};
      for (const x of l.fields) (layers[x.layer.replace(/\\(.*\\)/, '')] ??= []).push(x.value);
      return { format: l.format, packets: l.packets.length, layers };`);
    expect(r.format).toBe('pcap');
    expect(r.layers['pcap.caplen']).toHaveLength(r.packets);
    expect(r.layers['ipv4.total-length']).toHaveLength(r.packets);
    expect(r.layers['ipv4.ihl']!.every((v) => v === 5)).toBe(true);
    expect(r.layers['tcp.data-offset']!.every((v) => v >= 5)).toBe(true);
    for (const layer of ['tls.record-length', 'tls.handshake-length', 'tls.extensions-length', 'tls.extension-length', 'tls.certificate-length', 'der.length'])
      expect(r.layers[layer]?.length ?? 0).toBeGreaterThan(0);
  });

  test('pcapng: block lengths, EPB caplen and interface id', () => {
    const r = esm<{ format: string; packets: number; layers: Record<string, number> }>(`
      const l = f.walkCapture(new Uint8Array(fs.readFileSync(${JSON.stringify(PCAPNG)})));
      const layers = {};
      for (const x of l.fields) layers[x.layer] = (layers[x.layer] ?? 0) + 1;
      return { format: l.format, packets: l.packets.length, layers };`);
    expect(r.format).toBe('pcapng');
    expect(r.layers['pcapng.epb-caplen']).toBe(r.packets);
    expect(r.layers['pcapng.epb-interface-id']).toBe(r.packets);
    expect(r.layers['pcapng.block-total-length']).toBeGreaterThan(r.packets);
  });

  test('a length-field mutation changes exactly the bytes of that field', () => {
    const r = esm<{ diffs: number[]; what: string; off: number; width: number | string }[]>(`
      const b = new Uint8Array(fs.readFileSync(${JSON.stringify(SAMPLE)}));
      const l = f.walkCapture(b);
      const out = [];
      for (let i = 0; i < 50; i++) {
        const rng = new P(i);
        const mut = m.mutateLengthField(b, l, rng);
        const off = Number(mut.what.match(/@(\\d+)/)[1]);
        const field = l.fields.find((x) => x.off === off);
        const diffs = [];
        for (let k = 0; k < b.length; k++) if (b[k] !== mut.bytes[k]) diffs.push(k);
        out.push({ diffs, what: mut.what, off, width: field.width });
      }
      return out;`);
    for (const x of r) {
      const width = typeof x.width === 'number' ? x.width : 1;
      for (const k of x.diffs) {
        expect(k).toBeGreaterThanOrEqual(x.off);
        expect(k).toBeLessThan(x.off + width);
      }
    }
    expect(r.some((x) => x.diffs.length > 0)).toBe(true);
  });
});

describe('packet-level mutations keep packets well-formed', () => {
  test('splitting a segment keeps the TCP payload bytes and sequence numbers consistent', () => {
    const r = esm<{ pieces: { seq: number; len: number; ipv4ok: boolean }[]; original: { seq: number; len: number } }[]>(`
      const b = new Uint8Array(fs.readFileSync(${JSON.stringify(SAMPLE)}));
      const results = [];
      for (let s = 1; s <= 20; s++) {
        const before = f.walkCapture(b);
        const mut = m.splitSegment(b, before, new P(s));
        if (/overlapping/.test(mut.what)) continue;
        const start = Number(mut.what.match(/@(\\d+)/)[1]);
        const idx = before.packets.findIndex((x) => x.start === start);
        const p = before.packets[idx];
        const v = m.tcpView(b, p);
        const seqOf = (bytes, view) => f.readUint(bytes, view.tcpOff + 4, 4, false);
        const after = f.walkCapture(mut.bytes);
        const count = after.packets.length - before.packets.length + 1;
        const pieces = after.packets.slice(idx, idx + count).map((x) => {
          const pv = m.tcpView(mut.bytes, x);
          return { seq: seqOf(mut.bytes, pv), len: pv.end - pv.payloadOff, ipv4ok: m.ipv4Checksum(mut.bytes, pv.ipOff, 20) === f.readUint(mut.bytes, pv.ipOff + 10, 2, false) };
        });
        results.push({ pieces, original: { seq: seqOf(b, v), len: v.end - v.payloadOff } });
      }
      return results;`);
    expect(r.length).toBeGreaterThan(0);
    for (const { pieces, original } of r) {
      expect(pieces.length).toBeGreaterThanOrEqual(2);
      const sorted = [...pieces].sort((a, b) => a.seq - b.seq);
      expect(sorted[0]!.seq).toBe(original.seq);
      expect(sorted.reduce((n, p) => n + p.len, 0)).toBe(original.len);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.seq).toBe(sorted[i - 1]!.seq + sorted[i - 1]!.len);
      expect(pieces.every((p) => p.ipv4ok)).toBe(true);
    }
  });

  test('mutants are deterministic for a seed and differ across seeds', () => {
    const r = esm<string[]>(`
      const b = new Uint8Array(fs.readFileSync(${JSON.stringify(SAMPLE)}));
      const h = (x) => Buffer.from(x).toString('base64').slice(0, 64) + x.length;
      return [h(m.mutate(b, new P(5)).bytes), h(m.mutate(b, new P(5)).bytes), h(m.mutate(b, new P(6)).bytes)];`);
    expect(r[0]).toBe(r[1]);
    expect(r[0]).not.toBe(r[2]);
  });
});

describe('minimizer', () => {
  test('shrinks to the bytes the failure needs and keeps failing the same way', () => {
    const r = esm<{ length: number; stillHas: boolean; original: number }>(`
      const b = new Uint8Array(fs.readFileSync(${JSON.stringify(SAMPLE)}));
      // The "bug": any input that still holds the ClientHello's SNI bytes.
      const needle = Buffer.from('server.test');
      const fails = async (x) => Buffer.from(x).includes(needle);
      const min = await mini.minimize(b, fails, { maxTries: 2000 });
      return { length: min.bytes.length, stillHas: await fails(min.bytes), original: b.length };`);
    expect(r.stillHas).toBe(true);
    expect(r.length).toBeLessThan(r.original / 4);
  });
});
