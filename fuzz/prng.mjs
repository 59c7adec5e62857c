/**
 * A small seeded pseudo-random generator (xoshiro128**), so that a fuzz run is the same run
 * every time for the same seed: a crash found at mutant N of seed S can be found again.
 * Math.random cannot be seeded, hence this.
 */
export class Prng {
  /** @param {number} seed any integer */
  constructor(seed) {
    // splitmix32 spreads a small seed (1, 2, 3...) over the whole state.
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1;
  }

  /** @returns {number} a uniform 32-bit unsigned integer */
  u32() {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** @param {number} n @returns {number} an integer in [0, n) (0 when n <= 0) */
  int(n) {
    if (n <= 1) return 0;
    return Math.floor((this.u32() / 4294967296) * n);
  }

  /** @param {number} p probability @returns {boolean} */
  chance(p) {
    return this.u32() / 4294967296 < p;
  }

  /** @template T @param {readonly T[]} list @returns {T} */
  pick(list) {
    return list[this.int(list.length)];
  }

  /** @param {number} n @returns {Uint8Array} n random bytes */
  bytes(n) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}

function rotl(x, k) {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
