/**
 * Worker thread of `--jobs`: analyzes the files the main thread sends, one at a time, and posts
 * back ndjson lines, progress and each file's result (see worker-protocol.ts).
 */
import { parentPort } from 'node:worker_threads';
import { analyzeFile } from './analyze-file.js';
import type { TaskMessage, WorkerMessage } from './worker-protocol.js';

const port = parentPort;
if (port) {
  const post = (m: WorkerMessage): void => port.postMessage(m);
  port.on('message', (m: TaskMessage) => {
    void analyzeFile(m.task, {
      lines: (text) => post({ id: m.id, kind: 'lines', text }),
      progress: (bytesRead) => post({ id: m.id, kind: 'progress', bytesRead }),
    }).then((result) => post({ id: m.id, kind: 'done', result }));
  });
}
