/**
 * Ranking of hypotheses: confidence first, then the rule order of rules/index.ts (specificity).
 * One exception keeps the answer honest: at low confidence an admission ("unknown",
 * "connection-reset", "incomplete-capture") outranks a guess, which is then listed as an
 * alternative, because a wrong named cause misleads more than "unknown".
 */
import type { Confidence, Diagnosis, Hypothesis, Outcome } from './types.js';
import { stableSort } from './stable-sort.js';

const LEVEL: Readonly<Record<Confidence, number>> = { high: 3, medium: 2, low: 1 };

export interface Ranked {
  hypothesis: Hypothesis;
  /** Index of the rule in the rule list (lower = more specific). */
  order: number;
}

/** Sorts best first. */
export function rank(items: readonly Ranked[], fallbacks: ReadonlySet<string>): Ranked[] {
  // Most connections have one hypothesis (a completed handshake): nothing to order.
  if (items.length === 1) return [items[0]!];
  return stableSort([...items], (a, b) => {
    const byConfidence = LEVEL[b.hypothesis.confidence] - LEVEL[a.hypothesis.confidence];
    if (byConfidence !== 0) return byConfidence;
    if (a.hypothesis.confidence === 'low') {
      const fa = fallbacks.has(a.hypothesis.cause) ? 0 : 1;
      const fb = fallbacks.has(b.hypothesis.cause) ? 0 : 1;
      if (fa !== fb) return fa - fb;
    }
    return a.order - b.order;
  });
}

/** The diagnosis from ranked hypotheses: the first one, and the other causes as alternatives (one per cause). */
export function toDiagnosis(ranked: readonly Ranked[], outcome: Outcome): Diagnosis {
  const best = ranked[0]!.hypothesis;
  const alternatives: Diagnosis['alternatives'] = [];
  if (ranked.length > 1) {
    const seen = new Set([best.cause]);
    for (let i = 1; i < ranked.length; i++) {
      const h = ranked[i]!.hypothesis;
      if (seen.has(h.cause)) continue;
      seen.add(h.cause);
      alternatives.push({ cause: h.cause, confidence: h.confidence, why: h.why });
    }
  }
  const finalOutcome: Outcome = outcome === 'established' && best.cause !== 'none' ? 'failed' : outcome;
  return {
    cause: best.cause,
    abortedBy: best.abortedBy,
    confidence: best.confidence,
    summary: best.summary,
    evidence: best.evidence,
    remediation: best.remediation,
    alternatives,
    outcome: finalOutcome,
  };
}
