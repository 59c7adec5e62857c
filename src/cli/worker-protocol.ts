/** Messages between the CLI's main thread and its worker threads (worker.ts). */
import type { FileResult, FileTask } from './analyze-file.js';
import type { ShardResult, ShardTask } from '../parallel/shard-task.js';

/** Main thread to worker: analyze one file. */
export interface TaskMessage {
  id: number;
  task: FileTask;
}

/** Main thread to worker: analyze one shard of a file (see src/parallel/). */
export interface ShardTaskMessage {
  kind: 'shard';
  shard: ShardTask;
}

/** Main thread to a shard worker: the global ids of its next connections, in local-id order. */
export interface ShardIdsMessage {
  kind: 'ids';
  ids: number[];
}

/** Everything the main thread sends. */
export type MainMessage = TaskMessage | ShardTaskMessage | ShardIdsMessage;

/** Worker to main thread: output, progress, and the result that ends a task. */
export type WorkerMessage =
  | { id: number; kind: 'lines'; text: string }
  | { id: number; kind: 'progress'; bytesRead: number }
  | { id: number; kind: 'done'; result: FileResult };

/** Shard worker to main thread (see src/parallel/shard-task.ts). */
export type ShardMessage =
  | { kind: 'numbering'; opened: number[]; passed: number; bytesRead: number }
  | { kind: 'lines'; bytes: Uint8Array }
  | { kind: 'done'; result: ShardResult };
