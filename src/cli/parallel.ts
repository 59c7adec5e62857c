/**
 * Several inputs at once (`--jobs N`): up to N files are analyzed at the same time, and their
 * output comes out in the order the files were given, whatever order they finish in. The file
 * at the head of that order streams straight through; later ones wait in memory until their turn.
 */
import { Worker } from 'node:worker_threads';
import type { FileEvents, FileResult, FileTask } from './analyze-file.js';
import type { TaskMessage, WorkerMessage } from './worker-protocol.js';

/** Runs one task: in this thread or in a worker. */
export type FileRunner = (task: FileTask, events: FileEvents) => Promise<FileResult>;

/** Where the ordered output goes. */
export interface OrderedSink {
  /** ndjson lines of file `index`, in order, only once every earlier file is done. */
  lines(index: number, text: string): Promise<void> | void;
  /** File `index` has finished; called in file order, after all its lines. */
  done(index: number, result: FileResult): void;
  /** Bytes read by file `index` so far (any order: for the progress line). */
  progress(index: number, bytesRead: number): void;
}

/**
 * Runs every task with at most `jobs` at once and hands their output to `sink` in task order.
 * Resolves when all are done.
 */
export async function runOrdered(tasks: readonly FileTask[], jobs: number, run: FileRunner, sink: OrderedSink): Promise<void> {
  const pending: string[][] = tasks.map(() => []);
  const results: (FileResult | null)[] = tasks.map(() => null);
  let head = 0;
  let next = 0;
  const flush = (): void => {
    while (head < tasks.length && results[head] !== null) {
      sink.done(head, results[head]!);
      head++;
      for (const text of pending[head] ?? []) sink.lines(head, text);
      if (head < tasks.length) pending[head] = [];
    }
  };
  const lane = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      const result = await run(tasks[index]!, {
        lines(text) {
          if (index === head) return sink.lines(index, text);
          pending[index]!.push(text);
          return undefined;
        },
        progress(bytesRead) {
          sink.progress(index, bytesRead);
        },
      });
      results[index] = result;
      flush();
    }
  };
  const lanes: Promise<void>[] = [];
  for (let i = 0; i < Math.max(1, Math.min(jobs, tasks.length)); i++) lanes.push(lane());
  await Promise.all(lanes);
}

/**
 * A pool of worker threads running worker.js, one task per worker at a time. `close()` ends them.
 */
export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly running = new Map<number, { worker: Worker; events: FileEvents; resolve: (r: FileResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(private readonly script: string) {}

  /** The runner for {@link runOrdered}: never more tasks at once than workers asked for. */
  readonly run: FileRunner = (task, events) =>
    new Promise<FileResult>((resolve, reject) => {
      const worker = this.idle.pop() ?? this.spawn();
      const id = this.nextId++;
      this.running.set(id, { worker, events, resolve, reject });
      const message: TaskMessage = { id, task };
      worker.postMessage(message);
    });

  private spawn(): Worker {
    const worker = new Worker(this.script);
    this.all.push(worker);
    worker.on('message', (m: WorkerMessage) => {
      const job = this.running.get(m.id);
      if (!job) return;
      if (m.kind === 'lines') job.events.lines(m.text);
      else if (m.kind === 'progress') job.events.progress(m.bytesRead);
      else {
        this.running.delete(m.id);
        this.idle.push(worker);
        job.resolve(m.result);
      }
    });
    worker.on('error', (e) => {
      // A crash of the worker (not a bad input: those come back as results) fails its tasks.
      for (const [id, job] of this.running) {
        if (job.worker !== worker) continue;
        this.running.delete(id);
        job.reject(e);
      }
    });
    return worker;
  }

  /** Ends the workers. */
  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
