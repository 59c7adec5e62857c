/**
 * Connection ids when one capture is split over shards: each shard's connection table numbers
 * its own connections 0, 1, 2 ...; the ids the user sees are those of the whole capture
 * (Wireshark's tcp.stream: 0-based, in order of each connection's first packet). A frame decodes
 * to at most one TCP segment, which belongs to one shard and opens at most one connection, so
 * first frames are unique over the shards and the global id of a connection is the number of
 * connections, in all shards, whose first frame comes before its own.
 */

/** How a shard's pipeline learns the global ids of its connections (see runPipeline's `shard`). */
export interface ShardNumbering {
  /** The shard's next connection (local ids count up from 0) has its first packet in `firstFrame`. */
  opened(firstFrame: number): void;
  /**
   * Every packet up to `frame` has been through the shard's connection table (Infinity: the
   * whole capture): no connection of this shard will start there any more.
   */
  passed(frame: number): void;
  /** The global id of a local one, once known. */
  globalId(localId: number): number | undefined;
  /** Resolves when more global ids are known. */
  changed(): Promise<void>;
}

/** Splitting one capture by flow: this pipeline keeps shard `index` of `count`. */
export interface ShardOptions {
  index: number;
  count: number;
  numbering: ShardNumbering;
}

/**
 * The main thread's side: merges the shards' first frames, in frame order, into global ids.
 * A connection's id is known once every shard has passed its first frame.
 */
export class GlobalNumbering {
  /** First frames reported and not yet numbered, per shard, from `heads[s]` on. */
  private readonly pending: number[][];
  private readonly heads: number[];
  private readonly passedAt: number[];
  private next = 0;

  constructor(readonly shards: number) {
    this.pending = Array.from({ length: shards }, () => []);
    this.heads = new Array<number>(shards).fill(0);
    this.passedAt = new Array<number>(shards).fill(0);
  }

  /** Global ids given so far. */
  get numbered(): number {
    return this.next;
  }

  /** Records what shard `shard` reported: the first frames of its new connections (in order), and how far it has read. */
  report(shard: number, firstFrames: readonly number[], passed: number): void {
    const list = this.pending[shard]!;
    for (const f of firstFrames) list.push(f);
    if (passed > this.passedAt[shard]!) this.passedAt[shard] = passed;
  }

  /**
   * Numbers every connection whose id is now known and returns, per shard, the new global ids
   * of its connections in local-id order (an empty array where there are none).
   */
  assign(): number[][] {
    const out: number[][] = this.pending.map(() => []);
    const k = this.shards;
    for (;;) {
      let best = -1;
      let frame = Infinity;
      for (let s = 0; s < k; s++) {
        const list = this.pending[s]!;
        const h = this.heads[s]!;
        if (h < list.length && list[h]! < frame) {
          frame = list[h]!;
          best = s;
        }
      }
      if (best < 0) break;
      // A shard with nothing pending may still report a connection that starts before `frame`.
      let known = true;
      for (let s = 0; s < k; s++) {
        if (s !== best && this.heads[s]! >= this.pending[s]!.length && this.passedAt[s]! < frame) {
          known = false;
          break;
        }
      }
      if (!known) break;
      out[best]!.push(this.next++);
      this.heads[best] = this.heads[best]! + 1;
    }
    for (let s = 0; s < k; s++) {
      const list = this.pending[s]!;
      const h = this.heads[s]!;
      if (h === list.length) {
        list.length = 0;
        this.heads[s] = 0;
      } else if (h >= 4096 && h * 2 >= list.length) {
        this.pending[s] = list.slice(h);
        this.heads[s] = 0;
      }
    }
    return out;
  }
}
