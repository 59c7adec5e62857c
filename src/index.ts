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
  captureSchema,
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
export { CertificateInterner } from './tls/certificate-interner.js';
export type {
  TlsConnectionModel, Seen, ClientHelloModel, ServerHelloModel, CertificateMessageModel, CertificateRequestModel,
  ServerKeyExchangeModel, AlertModel, MessageModel, EncryptedRecordCounts, NotTlsModel,
  PlaintextPreambleModel, UndecodedMessageModel,
} from './tls/model.js';
export type { TcpConnectionInfo, Direction, CloseEvent, RoleSource } from './tcp/stream-types.js';
export type { PipelineOptions, ShardOptions, ShardNumbering } from './pipeline.js';
export type { TcpOptions } from './tcp/connection-table.js';
export type { ReadOptions } from './capture/read-capture.js';
export type { TextStyle } from './report/text.js';
export type { ParsedCertificate } from './x509/certificate-facts.js';
export type { CertificateFacts } from './x509/types.js';
export type { CertificateStructure } from './x509/certificate-structure.js';
export type { Warning, WarningSink } from './report/warning.js';
export type { RejectedAnchor } from './x509/trust-store.js';
export * as registry from './tls/registry/index.js';
