/**
 * The fuzz target, run in a worker thread with resource limits: takes capture bytes, runs the
 * whole pipeline of the compiled library on them, and says how it ended. A worker lives for
 * many mutants (loading the library costs more than analyzing a small capture); the parent
 * replaces it when it hangs or runs out of memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const lib = await import(pathToFileURL(path.join(workerData.libDir, 'index.js')).href);
const { analyze, analyzeStream, reportSchema, CaptureError } = lib;

/** Rejections that are the library saying "this is not a capture", which is a correct answer. */
function isTypedRejection(e) {
  return e instanceof CaptureError;
}

async function runOne(bytes, stream) {
  const report = await analyze(bytes);
  // analyze validates its own output; parse again so a change there cannot hide a bad report.
  const parsed = reportSchema.safeParse(report);
  if (!parsed.success) return { status: 'bad-report', message: parsed.error.message.slice(0, 2000) };
  if (stream) {
    let connections = 0;
    for await (const item of analyzeStream(bytes)) if (item.kind === 'connection') connections++;
    if (connections !== report.connections.length)
      return { status: 'bad-report', message: `analyzeStream yielded ${connections} connections, analyze ${report.connections.length}` };
  }
  return { status: 'ok', connections: report.connections.length, warnings: report.warnings.length };
}

parentPort.on('message', async (job) => {
  let result;
  try {
    result = await runOne(new Uint8Array(job.bytes), job.stream);
  } catch (e) {
    if (isTypedRejection(e)) result = { status: 'rejected', message: String(e.message) };
    else
      result = {
        status: 'error',
        name: e instanceof Error ? e.name : typeof e,
        message: e instanceof Error ? String(e.message).slice(0, 500) : String(e),
        stack: e instanceof Error ? String(e.stack) : '',
      };
  }
  parentPort.postMessage({ id: job.id, ...result });
});
parentPort.postMessage({ ready: true });
