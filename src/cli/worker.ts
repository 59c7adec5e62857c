/**
 * Worker thread of `--jobs`: analyzes the files the main thread sends, one at a time, and posts
 * back ndjson lines, progress and each file's result; or one shard of a single file
 * (src/parallel/shard-task.ts). See worker-protocol.ts.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeFileInOrder } from '../parallel/ordered-file.js';
import { runShard, WorkerNumbering } from '../parallel/shard-task.js';
import type { MainMessage, ShardMessage, WorkerMessage } from './worker-protocol.js';

const port = parentPort;
if (port) {
  const post = (m: WorkerMessage | ShardMessage, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer);
  let numbering: WorkerNumbering | null = null;
  port.on('message', (m: MainMessage) => {
    if ('kind' in m) {
      if (m.kind === 'ids') numbering?.receive(m.ids);
      else {
        const ids = (numbering = new WorkerNumbering(post));
        void runShard(m.shard, ids, post).then((result) => post({ kind: 'done', result }));
      }
      return;
    }
    void analyzeFileInOrder(m.task, {
      lines: (text) => post({ id: m.id, kind: 'lines', text }),
      progress: (bytesRead) => post({ id: m.id, kind: 'progress', bytesRead }),
    }).then((result) => post({ id: m.id, kind: 'done', result }));
  });
}
