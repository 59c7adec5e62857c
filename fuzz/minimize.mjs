/**
 * Delta debugging of a crashing input: first whole packets are removed (a reproducer of a few
 * packets can be read in Wireshark), then the tail is cut, then byte ranges are removed with
 * a shrinking granularity (Zeller's ddmin, complement-only). Each candidate is kept when it
 * still fails the same way (same signature), so minimizing never drifts to another bug.
 */
import { walkCapture } from './structure.mjs';
import { concat } from './mutators.mjs';

/**
 * What makes two failures the same bug: the verdict, the error type, the message with numbers
 * blanked, and the first stack frame inside the library.
 * @param {import('./harness.mjs').Outcome} o
 */
export function signature(o) {
  if (o.status === 'hang' || o.status === 'memory' || o.status === 'worker-died') return o.status;
  const message = String(o.message ?? '').replace(/\s+/g, ' ').replace(/\d+/g, 'N').slice(0, 160);
  const frame = String(o.stack ?? '')
    .split('\n')
    .find((l) => /^\s+at /.test(l) && /\.m?js:\d+/.test(l) && !/node:internal|fuzz\/worker/.test(l));
  const where = frame ? frame.replace(/:\d+:\d+\)?$/, '').replace(/^.*[\\/]/, '') : '';
  return `${o.status}|${o.name ?? ''}|${message}|${where}`;
}

/**
 * @param {Uint8Array} input
 * @param {(bytes: Uint8Array) => Promise<boolean>} stillFails
 * @param {{ maxTries?: number, deadline?: number }} [opts]
 * @returns {Promise<{ bytes: Uint8Array, tries: number }>}
 */
export async function minimize(input, stillFails, opts = {}) {
  const maxTries = opts.maxTries ?? 300;
  const deadline = opts.deadline ?? Infinity;
  let tries = 0;
  let best = input;
  const attempt = async (candidate) => {
    if (tries >= maxTries || Date.now() > deadline || candidate.length >= best.length) return false;
    tries++;
    if (await stillFails(candidate)) {
      best = candidate;
      return true;
    }
    return false;
  };

  // 1. Whole packets, in chunks of halving size.
  const layout = walkCapture(best);
  if (layout.packets.length > 1) {
    let spans = layout.packets.map((p) => [p.start, p.end]);
    let chunk = Math.max(1, Math.floor(spans.length / 2));
    while (chunk >= 1 && tries < maxTries) {
      let removedAny = false;
      for (let i = 0; i < spans.length; i += chunk) {
        const drop = new Set(spans.slice(i, i + chunk).map((s) => s[0]));
        const kept = without(best, spans, drop);
        if (await attempt(kept.bytes)) {
          spans = kept.spans;
          removedAny = true;
          i -= chunk;
        }
      }
      if (!removedAny) chunk = Math.floor(chunk / 2);
    }
  }

  // 2. The tail: binary search for the shortest prefix that still fails.
  let lo = 0;
  let hi = best.length;
  while (hi - lo > 1 && tries < maxTries) {
    const mid = (lo + hi) >> 1;
    if (await attempt(best.subarray(0, mid).slice())) hi = mid;
    else lo = mid;
  }

  // 3. Byte ranges.
  let granularity = Math.max(1, best.length >> 2);
  while (granularity >= 1 && tries < maxTries && Date.now() <= deadline) {
    let removedAny = false;
    for (let at = 0; at < best.length; at += granularity) {
      if (await attempt(concat([best.subarray(0, at), best.subarray(at + granularity)]))) {
        removedAny = true;
        at -= granularity;
      }
    }
    if (!removedAny) granularity >>= 1;
  }
  return { bytes: best, tries };
}

/** The file without the packets whose start is in `drop`, and the spans of those left. */
function without(bytes, spans, drop) {
  const parts = [];
  let at = 0;
  for (const [s, e] of spans) {
    if (!drop.has(s)) continue;
    parts.push(bytes.subarray(at, s));
    at = e;
  }
  parts.push(bytes.subarray(at));
  const out = concat(parts);
  return { bytes: out, spans: walkCapture(out).packets.map((p) => [p.start, p.end]) };
}
