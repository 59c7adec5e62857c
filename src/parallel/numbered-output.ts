/**
 * A shard's ended connections and warnings, held until the whole capture's connection ids they
 * name are known (see runPipeline's `shard` option and src/parallel/numbering.ts).
 */
import type { WarningSink } from '../report/warning.js';
import type { TlsConnectionModel } from '../tls/model.js';
import type { ShardOptions } from './numbering.js';

type Held =
  | { model: TlsConnectionModel; frame: 0; text: ''; local: number }
  | { model: null; frame: number | null; text: string; local: number };

/** `TCP connection N: ...`: the reassembler's warnings name the connection by the table's id. */
const TCP_WARNING = /^TCP connection (\d+):/;

/**
 * A shard's output held back until the global ids it names are known: ended connections and
 * warnings, in one queue so that they keep the order they were made in.
 */
export class NumberedOutput {
  private queue: Held[] = [];
  private head = 0;

  constructor(
    private readonly shard: ShardOptions,
    private readonly out: WarningSink,
    private readonly onConnection: (model: TlsConnectionModel) => void,
    private readonly signal: AbortSignal | undefined,
  ) {}

  readonly warn: WarningSink = (frame, text) => {
    const m = TCP_WARNING.exec(text);
    this.queue.push({ model: null, frame, text, local: m ? Number(m[1]) : -1 });
    this.drain();
  };

  readonly ended = (model: TlsConnectionModel): void => {
    this.queue.push({ model, frame: 0, text: '', local: model.tcp.id });
    this.drain();
  };

  /** Waits until at most `max` items are held (0: until all are out). */
  async release(max: number): Promise<void> {
    this.drain();
    while (this.queue.length - this.head > max) {
      await this.shard.numbering.changed();
      // Ids that will never come (another shard failed): the waiting one is woken to stop.
      this.signal?.throwIfAborted();
      this.drain();
    }
  }

  /** Hands on, in order, every held item whose ids are known. */
  private drain(): void {
    const numbering = this.shard.numbering;
    const q = this.queue;
    while (this.head < q.length) {
      const item = q[this.head]!;
      let id = -1;
      if (item.local >= 0) {
        const g = numbering.globalId(item.local);
        if (g === undefined) break;
        id = g;
      }
      q[this.head++] = undefined as unknown as Held;
      if (item.model !== null) {
        item.model.tcp.id = id;
        for (const p of item.model.problems) this.out(p.frame, `connection ${id}: ${p.text}`);
        this.onConnection(item.model);
      } else {
        this.out(item.frame, id < 0 ? item.text : `TCP connection ${id}:${item.text.slice(item.text.indexOf(':') + 1)}`);
      }
    }
    if (this.head === q.length) {
      q.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= q.length) {
      this.queue = q.slice(this.head);
      this.head = 0;
    }
  }
}
