/**
 * The order in which the command line lists warnings: by frame (warnings about the file as a
 * whole, frame null, last), and in the order they were made where frames are equal.
 *
 * Why an order at all: warnings are made when something is noticed, and a connection's are made
 * when it ends, which is not at the same point of the reading in one thread and in shards (a
 * reset connection ends at the next packet more than 2 s later: any packet in one thread, a
 * packet of its own shard in a shard). Sorting by frame gives the same list both ways.
 */
import type { Warning } from '../report/warning.js';

/** The closing line of a capped list (src/report/warnings.ts): how many were dropped, and the cap. */
const DROPPED = /^(\d+) more warnings not listed \(limit (\d+)\)$/;

/** A capped list split into what it lists and what it only counts. */
function split(list: readonly Warning[]): { listed: Warning[]; dropped: number; limit: number | null } {
  const last = list[list.length - 1];
  const m = last && last.frame === null ? DROPPED.exec(last.text) : null;
  if (!m) return { listed: [...list], dropped: 0, limit: null };
  return { listed: list.slice(0, -1), dropped: Number(m[1]), limit: Number(m[2]) };
}

const byFrame = (a: Warning, b: Warning): number => (a.frame ?? Infinity) - (b.frame ?? Infinity);

/** One analysis' warnings in the canonical order (a closing "N more warnings not listed" line stays last). */
export function canonicalWarnings(list: readonly Warning[]): Warning[] {
  const { listed, dropped, limit } = split(list);
  // Array.prototype.sort is stable: equal frames keep the order they were made in.
  listed.sort(byFrame);
  if (limit !== null) listed.push({ frame: null, text: `${dropped} more warnings not listed (limit ${limit})` });
  return listed;
}

/**
 * The warnings of a capture analyzed in shards, in the canonical order: where frames are equal,
 * shard 0's come first. That is the order of one thread: frames of one connection are all in
 * its shard, and what is reported about a packet itself (only shard 0 reports it) is noticed
 * when the packet is read, before anything a connection says about it.
 *
 * @param max the cap of each shard's list (the report's default: 1000): the merged list is cut
 *   to it and counts what it drops, as one thread's list would.
 */
export function mergeWarnings(lists: readonly (readonly Warning[])[], max = 1000): Warning[] {
  let dropped = 0;
  let limit: number | null = null;
  const all: Warning[] = [];
  for (const list of lists) {
    const part = split(list);
    dropped += part.dropped;
    limit ??= part.limit;
    for (const w of part.listed) all.push(w);
  }
  all.sort(byFrame);
  const cap = limit ?? max;
  if (all.length > cap) {
    dropped += all.length - cap;
    all.length = cap;
  }
  if (dropped > 0) all.push({ frame: null, text: `${dropped} more warnings not listed (limit ${cap})` });
  return all;
}
