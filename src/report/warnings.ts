import type { Warning, WarningSink } from './warning.js';

/**
 * Collects warnings with a cap: a hostile capture can produce one per packet, and the report
 * must stay readable and bounded. Past the cap, warnings are only counted.
 */
export class WarningCollector {
  readonly warnings: Warning[] = [];
  private dropped = 0;

  constructor(private readonly max = 1000) {}

  /** The sink to hand to every stage. */
  readonly sink: WarningSink = (frame, text) => {
    if (this.warnings.length < this.max) this.warnings.push({ frame, text });
    else this.dropped++;
  };

  /** The warnings, with one closing line when some were dropped. */
  list(): Warning[] {
    if (this.dropped === 0) return this.warnings;
    return [...this.warnings, { frame: null, text: `${this.dropped} more warnings not listed (limit ${this.max})` }];
  }
}
