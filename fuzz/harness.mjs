/**
 * Runs capture bytes through the library in a worker thread under a time and a memory bound,
 * and classifies the outcome. A hang or a memory blow-up costs the worker, not the fuzzer:
 * the worker is terminated and a fresh one is started for the next mutant.
 */
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.mjs');
const MB = 1024 * 1024;

/**
 * @typedef {object} Outcome
 * @property {'ok'|'rejected'|'error'|'bad-report'|'hang'|'memory'|'worker-died'} status
 * @property {string} [name]
 * @property {string} [message]
 * @property {string} [stack]
 * @property {number} ms   wall time of the run
 */

/** Outcomes that are bugs. */
export function isCrash(outcome) {
  return outcome.status !== 'ok' && outcome.status !== 'rejected';
}

/** The time bound for an input of `size` bytes. */
export function timeBoundMs(size, { baseMs = 2000, perMbMs = 1000 } = {}) {
  return baseMs + Math.ceil((perMbMs * size) / MB);
}

export class Harness {
  /**
   * @param {string} libDir  the compiled library (dist/)
   * @param {{ memoryMb?: number, baseMs?: number, perMbMs?: number }} [options]
   */
  constructor(libDir, options = {}) {
    this.libDir = path.resolve(libDir);
    this.memoryMb = options.memoryMb ?? 256;
    this.bounds = { baseMs: options.baseMs ?? 2000, perMbMs: options.perMbMs ?? 1000 };
    /** @type {Worker|null} */
    this.worker = null;
    this.ready = null;
    this.nextId = 1;
    this.restarts = 0;
  }

  async start() {
    if (this.worker) return this.ready;
    const worker = new Worker(WORKER, {
      workerData: { libDir: this.libDir },
      // The V8 heap of the worker is capped a bit above the bound so the parent's RSS check
      // (which also sees Buffers outside the heap) usually fires first with a clear verdict.
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb + 128, maxYoungGenerationSizeMb: 64 },
      stdout: true,
      stderr: true,
    });
    // Whatever the library prints is not the fuzzer's output.
    worker.stdout.resume();
    worker.stderr.resume();
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m) => {
        if (m && m.ready) {
          worker.off('message', onMessage);
          worker.off('error', reject);
          resolve();
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    return this.ready;
  }

  async stop() {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  /**
   * Runs one input. @param {Uint8Array} bytes @param {{ stream?: boolean }} [opts]
   * @returns {Promise<Outcome>}
   */
  async run(bytes, opts = {}) {
    await this.start();
    const worker = /** @type {Worker} */ (this.worker);
    const id = this.nextId++;
    const limitMs = timeBoundMs(bytes.length, this.bounds);
    const copy = bytes.slice();
    const startRss = process.memoryUsage.rss();
    const t0 = performance.now();
    return new Promise((resolve) => {
      let settled = false;
      const finish = async (outcome, kill) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(sampler);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (kill) {
          this.restarts++;
          if (this.worker === worker) this.worker = null;
          await worker.terminate().catch(() => {});
        }
        resolve({ ...outcome, ms: Math.round(performance.now() - t0) });
      };
      const onMessage = (m) => {
        if (m && m.id === id) {
          const { id: _id, ...rest } = m;
          finish(rest, false);
        }
      };
      const onError = (e) => {
        const oom = e && (e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /heap out of memory/i.test(String(e.message)));
        finish(
          oom
            ? { status: 'memory', message: `V8 heap of the worker exceeded ${this.memoryMb + 128} MB` }
            : { status: 'error', name: e?.name ?? 'Error', message: String(e?.message ?? e), stack: String(e?.stack ?? '') },
          true,
        );
      };
      const onExit = (code) => finish({ status: 'worker-died', message: `worker exited with code ${code}` }, true);
      const timer = setTimeout(() => finish({ status: 'hang', message: `no result within ${limitMs} ms` }, true), limitMs);
      const sampler = setInterval(() => {
        const grown = process.memoryUsage.rss() - startRss;
        if (grown > this.memoryMb * MB)
          finish({ status: 'memory', message: `resident memory grew by ${Math.round(grown / MB)} MB (bound ${this.memoryMb} MB)` }, true);
      }, 20);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, bytes: copy, stream: Boolean(opts.stream) }, [copy.buffer]);
    });
  }
}
