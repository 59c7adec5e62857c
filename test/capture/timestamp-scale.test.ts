import { TimestampScale } from '../../src/capture/timestamp-scale.js';

/** The reference: BigInt arithmetic on the whole 64-bit count. */
function reference(units: bigint, tsresol: number): { tsSec: number; tsNsec: number } {
  const exponent = BigInt(tsresol & 0x7f);
  const perSecond = tsresol & 0x80 ? 1n << exponent : 10n ** exponent;
  const sec = units / perSecond;
  const frac = units % perSecond;
  return { tsSec: Number(sec), tsNsec: Number((frac * 1_000_000_000n) / perSecond) };
}

function convert(units: bigint, tsresol: number): { tsSec: number; tsNsec: number } {
  const out = { tsSec: -1, tsNsec: -1 };
  new TimestampScale(tsresol).toTime(Number(units >> 32n), Number(units & 0xffffffffn), out);
  return out;
}

/** A deterministic spread of 64-bit counts: small, near 2^53, near 2^64, and pseudo-random. */
function samples(): bigint[] {
  const out = [0n, 1n, 999_999n, 1_000_000n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 64n - 1n, 2n ** 32n - 1n, 2n ** 32n];
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 2000; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & (2n ** 64n - 1n);
    out.push(x >> BigInt(i % 40)); // all magnitudes
  }
  return out;
}

describe('TimestampScale', () => {
  it.each([
    ['10^-6 (default)', 6],
    ['10^-9', 9],
    ['10^-3', 3],
    ['10^0', 0],
    ['10^-1', 1],
    ['10^-7', 7],
    ['10^-12', 12],
    ['2^-20', 0x80 | 20],
    ['2^-32', 0x80 | 32],
  ])('%s matches BigInt arithmetic exactly over the whole 64-bit range', (_name, tsresol) => {
    const exact = tsresol === 0 ? samples().filter((u) => u < 2n ** 53n) : samples(); // seconds must fit a double
    for (const units of exact) {
      const want = reference(units, tsresol);
      if (want.tsSec > Number.MAX_SAFE_INTEGER) continue;
      expect([units, convert(units, tsresol)]).toEqual([units, want]);
    }
  });

  it.each([1, 2, 3, 6, 7, 9])('10^-%i: counts on either side of a whole second split exactly', (exponent) => {
    // Where a quotient rounded the wrong way would show: one unit either side of k seconds.
    const perSecond = 10n ** BigInt(exponent);
    let x = 0x2545f4914f6cdd1dn;
    const got: unknown[] = [];
    const want: unknown[] = [];
    for (let i = 0; i < 1000; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & (2n ** 64n - 1n);
      const k = (x >> 11n) % (2n ** 53n / perSecond);
      for (const units of [k * perSecond - 1n, k * perSecond, k * perSecond + 1n, (k + 1n) * perSecond - 1n]) {
        if (units < 0n || units >= 2n ** 53n) continue;
        got.push([units, convert(units, exponent)]);
        want.push([units, reference(units, exponent)]);
      }
    }
    expect(got).toEqual(want);
  });

  it('nanoseconds of today (above 2^60) keep every digit', () => {
    expect(convert(1_732_700_000_999_999_999n, 9)).toEqual({ tsSec: 1_732_700_000, tsNsec: 999_999_999 });
  });

  it('names its unit', () => {
    expect(new TimestampScale(9).unit).toBe('10^-9 s');
    expect(new TimestampScale(0x94).unit).toBe('2^-20 s');
  });
});
