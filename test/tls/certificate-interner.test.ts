import * as path from 'node:path';
import { CertificateInterner } from '../../src/tls/certificate-interner.js';
import { parseCertificate } from '../../src/tls/certificate.js';
import { runPipeline } from '../../src/pipeline.js';
import { Cursor } from '../../src/util/cursor.js';

/** A TLS 1.2 Certificate body (RFC 5246 §7.4.2) carrying `ders`. */
function certificateBody(ders: Uint8Array[]): Uint8Array {
  const listLength = ders.reduce((n, d) => n + 3 + d.length, 0);
  const out = new Uint8Array(3 + listLength);
  const u24 = (at: number, v: number): void => { out[at] = v >> 16; out[at + 1] = (v >> 8) & 0xff; out[at + 2] = v & 0xff; };
  u24(0, listLength);
  let p = 3;
  for (const d of ders) { u24(p, d.length); out.set(d, p + 3); p += 3 + d.length; }
  return out;
}

const bytes = (...v: number[]): Uint8Array => Uint8Array.from(v);

describe('CertificateInterner', () => {
  it('gives the same object for equal bytes, holding only their own copy', () => {
    const interner = new CertificateInterner();
    const chunk = bytes(9, 9, 0x30, 0x82, 1, 2, 3, 9);
    const a = interner.intern(chunk.subarray(2, 7));
    const b = interner.intern(bytes(0x30, 0x82, 1, 2, 3));
    expect(b).toBe(a);
    expect([...a]).toEqual([0x30, 0x82, 1, 2, 3]);
    // A view into a read chunk must not pin the chunk.
    expect(a.buffer.byteLength).toBe(5);
    chunk[4] = 0xff;
    expect([...a]).toEqual([0x30, 0x82, 1, 2, 3]);
  });

  it('keeps certificates apart that share their length and last bytes', () => {
    const interner = new CertificateInterner();
    const tail = Array.from({ length: 20 }, (_, i) => i);
    const a = interner.intern(bytes(1, ...tail));
    const b = interner.intern(bytes(2, ...tail));
    expect(b).not.toBe(a);
    expect(b[0]).toBe(2);
    expect(interner.intern(bytes(1, ...tail))).toBe(a);
  });

  it('compares whole DERs: views at any offset match, one byte off in the middle does not', () => {
    const interner = new CertificateInterner();
    const der = Uint8Array.from({ length: 1500 }, (_, i) => (i * 31) & 0xff);
    const chunk = new Uint8Array(4000);
    chunk.set(der, 1234);
    const first = interner.intern(chunk.subarray(1234, 1234 + der.length));
    expect(interner.intern(der)).toBe(first);
    // Same length and same last bytes (the same hash), one byte different in the middle.
    const other = der.slice();
    other[700] ^= 1;
    const second = interner.intern(other);
    expect(second).not.toBe(first);
    expect(second[700]).toBe(other[700]);
    expect(interner.intern(chunk.subarray(1234, 1234 + der.length))).toBe(first);
  });

  it('starts over beyond its cap, still giving the right bytes', () => {
    const interner = new CertificateInterner(2);
    const first = interner.intern(bytes(1, 1));
    interner.intern(bytes(2, 2));
    const third = interner.intern(bytes(3, 3));
    expect([...third]).toEqual([3, 3]);
    const again = interner.intern(bytes(1, 1));
    expect(again).not.toBe(first);
    expect([...again]).toEqual([1, 1]);
  });
});

describe('parseCertificate with an interner', () => {
  it('shares each certificate with the equal ones of earlier messages', () => {
    const interner = new CertificateInterner();
    const leaf = bytes(0x30, 3, 1, 2, 3);
    const ca = bytes(0x30, 2, 7, 7);
    const parse = (ders: Uint8Array[]) => {
      const r = parseCertificate(new Cursor(certificateBody(ders)), { tls13: false, interner });
      if (!r.ok) throw new Error('not parsed');
      return r.value.entries.map((e) => e.der);
    };
    const one = parse([leaf, ca]);
    const two = parse([leaf, ca]);
    expect(two[0]).toBe(one[0]);
    expect(two[1]).toBe(one[1]);
    expect([...one[0]!]).toEqual([...leaf]);
    expect([...one[1]!]).toEqual([...ca]);
  });
});

describe('runPipeline', () => {
  it('hands on one object per distinct certificate across the Certificate messages of a capture', async () => {
    const byHex = new Map<string, Set<Uint8Array>>();
    let repeated = 0;
    await runPipeline(path.resolve(__dirname, '../../samples/captures/tls12-mutual-tls-ok-openssl.pcap'), (m) => {
      for (const c of m.certificates) {
        for (const der of c.chain) {
          const hex = Buffer.from(der).toString('hex');
          const set = byHex.get(hex) ?? new Set<Uint8Array>();
          if (byHex.has(hex)) repeated++;
          set.add(der);
          byHex.set(hex, set);
        }
      }
    }, { warn: () => {} });
    // Both chains end in the same private CA: the client's Certificate message repeats the server's CA.
    expect(repeated).toBeGreaterThan(0);
    expect(byHex.size).toBeGreaterThan(1);
    for (const set of byHex.values()) expect(set.size).toBe(1);
  });
});
