/**
 * tls-handshake-analyzer: reads pcap/pcapng captures and explains why TLS handshakes failed.
 *
 * ```ts
 * import { analyze } from 'tls-handshake-analyzer';
 * const report = await analyze('failing.pcap');
 * for (const c of report.connections) if (c.outcome === 'failed') console.log(c.id, c.diagnosis.summary);
 * ```
 * @packageDocumentation
 */
export { analyze, analyzeStream, loadTrustStore } from './analyze.js';
export type { AnalyzeOptions, StreamItem } from './analyze.js';
export type { Caps } from './pipeline.js';
export {
  reportSchema,
  connectionSchema,
  diagnosisSchema,
  causeIdSchema,
  certificateSchema,
  alertSchema,
  clientHelloSchema,
  serverHelloSchema,
} from './report/schema.js';
export type { Report, ConnectionReport, DiagnosisReport, CauseIdName, CaptureReport } from './report/schema.js';
export { reportJsonSchema } from './report/json-schema.js';
export { renderText } from './report/text.js';
export { CaptureError } from './capture/packet.js';
export type { CaptureInput, CaptureFormat, CaptureSummary, CapturedPacket, PacketHandler } from './capture/packet.js';
export { TrustStore } from './x509/index.js';

// The pipeline's stages, for tools that embed one layer (e.g. only the capture reader).
export { readCapture } from './capture/read-capture.js';
export { runPipeline } from './pipeline.js';
export type { TlsConnectionModel } from './tls/model.js';
export * as registry from './tls/registry/index.js';
