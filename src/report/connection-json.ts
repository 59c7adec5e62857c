/**
 * The JSON text of one connection report: the `--format ndjson` line (without its newline).
 *
 * It is V8's own JSON.stringify: a serializer written in TypeScript for the report's shape (with
 * the text of repeated parts, certificates, handshake messages, ClientHellos, kept and reused)
 * was measured on the 1 GB benchmark's 23,544 reports at 340 ms of CPU against 345 ms for
 * JSON.stringify, and at 430 ms once its text of many small pieces is flattened for writing
 * (docs/decisions.md, "Report building and output"). What made lines costly was the reports themselves:
 * the CLI's one-thread ndjson path writes its lines straight from the models (connection-line.ts).
 */
import type { ConnectionReport } from './schema.js';

/**
 * The JSON text of one connection: exactly
 * `JSON.stringify(file !== undefined ? { file, ...connection } : connection)`, the ndjson line
 * without its newline. Worker threads that analyze parts of one capture write their lines with it.
 *
 * @param file the capture's name, put first in the object when several captures are analysed.
 */
export function connectionJson(connection: ConnectionReport, file?: string): string {
  return JSON.stringify(file !== undefined ? { file, ...connection } : connection);
}
