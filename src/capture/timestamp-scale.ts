/** Where a timestamp conversion writes its result (the reused CapturedPacket fits). */
export interface TimestampTarget {
  tsSec: number;
  tsNsec: number;
}

const TWO_32 = 4294967296;
/** Below this high word, high * 2^32 + low stays under 2^53: plain double arithmetic is exact. */
const EXACT_HIGH_LIMIT = 0x200000;

/**
 * The unit of a pcapng interface's timestamps (option if_tsresol, pcapng §4.2): 10^-n seconds,
 * or 2^-n seconds when the high bit of the option byte is set; 10^-6 when the option is absent.
 *
 * Converts a 64-bit count of units, given as its two 32-bit halves, into seconds + nanoseconds
 * without precision loss: doubles while the count is below 2^53 (every microsecond timestamp
 * until the year 2255), 16-bit long division for nanoseconds (counts near 2^61 today), and
 * BigInt only for the rare units finer than 1 ns or binary fractions.
 */
export class TimestampScale {
  /** The pcap/pcapng default, 10^-6 s. */
  static readonly MICROSECONDS = new TimestampScale(0x06);

  /** Units per second when that is 10^n with n <= 9 (exact in doubles); 0 otherwise. */
  private readonly decimalUnits: number;
  /** Nanoseconds per unit on the decimal path (10^(9-n)). */
  private readonly nsPerUnit: number;
  private readonly binaryShift: bigint;
  private readonly bigUnits: bigint;
  private readonly bigNsDivisor: bigint;

  /** @param tsresol the if_tsresol option byte */
  constructor(readonly tsresol: number) {
    const exponent = tsresol & 0x7f;
    const binary = (tsresol & 0x80) !== 0;
    if (!binary && exponent <= 9) {
      this.decimalUnits = 10 ** exponent;
      this.nsPerUnit = 10 ** (9 - exponent);
    } else {
      this.decimalUnits = 0;
      this.nsPerUnit = 0;
    }
    this.binaryShift = binary ? BigInt(exponent) : -1n;
    this.bigUnits = binary ? 1n << BigInt(exponent) : 10n ** BigInt(exponent);
    this.bigNsDivisor = !binary && exponent > 9 ? 10n ** BigInt(exponent - 9) : 1n;
  }

  /** Human-readable unit, for messages: "10^-9 s", "2^-20 s". */
  get unit(): string {
    return `${this.tsresol & 0x80 ? 2 : 10}^-${this.tsresol & 0x7f} s`;
  }

  /** Writes the time of `high * 2^32 + low` units since the epoch into `out`. */
  toTime(high: number, low: number, out: TimestampTarget): void {
    const d = this.decimalUnits;
    if (d !== 0) {
      if (high < EXACT_HIGH_LIMIT) {
        const units = high * TWO_32 + low;
        let sec = Math.floor(units / d);
        let rem = units - sec * d;
        // The quotient of two exact doubles can round up across an integer: correct it.
        if (rem < 0) {
          sec -= 1;
          rem += d;
        } else if (rem >= d) {
          sec += 1;
          rem -= d;
        }
        out.tsSec = sec;
        out.tsNsec = rem * this.nsPerUnit;
        return;
      }
      this.longDivision(high, low, d, out);
      return;
    }
    this.bigIntPath(high, low, out);
  }

  /** (high * 2^32 + low) / d in base 2^16 digits: every intermediate stays below 2^53. */
  private longDivision(high: number, low: number, d: number, out: TimestampTarget): void {
    const qa = Math.floor(high / d);
    const ra = high - qa * d;
    const b = ra * 65536 + (low >>> 16);
    const qb = Math.floor(b / d);
    const rb = b - qb * d;
    const c = rb * 65536 + (low & 0xffff);
    const qc = Math.floor(c / d);
    const rc = c - qc * d;
    out.tsSec = (qa * 65536 + qb) * 65536 + qc;
    out.tsNsec = rc * this.nsPerUnit;
  }

  private bigIntPath(high: number, low: number, out: TimestampTarget): void {
    const units = (BigInt(high) << 32n) | BigInt(low);
    if (this.binaryShift >= 0n) {
      const sec = units >> this.binaryShift;
      const frac = units - (sec << this.binaryShift);
      out.tsSec = Number(sec);
      out.tsNsec = Number((frac * 1_000_000_000n) >> this.binaryShift);
      return;
    }
    const sec = units / this.bigUnits;
    out.tsSec = Number(sec);
    out.tsNsec = Number((units - sec * this.bigUnits) / this.bigNsDivisor);
  }
}
