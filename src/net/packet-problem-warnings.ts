import type { WarningSink } from '../report/warning.js';

/**
 * Per-packet warnings (malformed headers, headers cut by the snaplen), one per frame up to a
 * limit; past it packets are only counted, and finish() says how many were not listed. A
 * corrupt or fuzzed capture would otherwise bury the report in thousands of lines.
 */
export class PacketProblemWarnings {
  private listed = 0;
  private unlisted = 0;

  constructor(
    private readonly warn: WarningSink,
    /** What one such packet is called in the summary, e.g. "malformed packets". */
    private readonly noun: string,
    private readonly limit = 100,
  ) {}

  report(frame: number, text: string): void {
    if (this.listed < this.limit) {
      this.listed++;
      this.warn(frame, text);
    } else {
      this.unlisted++;
    }
  }

  finish(): void {
    if (this.unlisted > 0) {
      this.warn(null, `${formatCount(this.unlisted)} more ${this.noun} not listed (${formatCount(this.listed + this.unlisted)} in all)`);
      this.unlisted = 0;
      this.listed = this.limit;
    }
  }
}

/** 1234 -> "1,234", as counts appear in warnings. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
