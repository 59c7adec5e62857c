/** Messages between the CLI's main thread and its worker threads (worker.ts). */
import type { FileResult, FileTask } from './analyze-file.js';

/** Main thread to worker: analyze one file. */
export interface TaskMessage {
  id: number;
  task: FileTask;
}

/** Worker to main thread: output, progress, and the result that ends a task. */
export type WorkerMessage =
  | { id: number; kind: 'lines'; text: string }
  | { id: number; kind: 'progress'; bytesRead: number }
  | { id: number; kind: 'done'; result: FileResult };
