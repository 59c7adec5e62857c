/**
 * The report contract (../shared/DESIGN.md, "JSON report"). The TypeScript types are inferred
 * from these schemas, so the runtime check and the static type can never disagree. Fields the
 * design names keep their meaning; extra fields may be added, never renamed.
 */
import { z } from 'zod';
import { CAUSE_IDS } from '../diagnose/types.js';

/** Every cause the rules engine can name (DESIGN.md "Cause ids"). */
export const causeIdSchema = z.enum(CAUSE_IDS);

const side = z.enum(['client', 'server']);
const confidence = z.enum(['high', 'medium', 'low']);
const frame = z.number().int().positive();
const u16 = z.number().int().min(0).max(0xffff);
/** Cipher suites are 16-bit, but an SSLv2-format hello carries 3-byte cipher specs (RFC 6101 E.1). */
const cipherCode = z.number().int().min(0).max(0xffffff);
const isoTime = z.string().describe('ISO-8601 UTC time with up to nanosecond digits');

export const endpointSchema = z.object({ ip: z.string(), port: z.number().int().min(0).max(65535) });

export const clientHelloSchema = z.object({
  frame,
  recordVersion: u16,
  version: u16,
  supportedVersions: z.array(u16),
  cipherSuites: z.array(cipherCode),
  extensions: z.array(u16),
  sni: z.string().nullable(),
  alpn: z.array(z.string()),
  sslv2Format: z.boolean(),
  compressionMethods: z.array(z.number().int()),
  supportedGroups: z.array(u16),
  signatureAlgorithms: z.array(u16),
  keyShareGroups: z.array(u16),
  sessionIdLength: z.number().int(),
  sessionTicket: z.boolean(),
  preSharedKey: z.boolean(),
});

export const serverHelloSchema = z.object({
  frame,
  recordVersion: u16,
  version: u16,
  selectedVersion: u16,
  cipherSuite: cipherCode,
  extensions: z.array(u16),
  helloRetryRequest: z.boolean(),
  alpn: z.string().nullable(),
  keyShareGroup: u16.nullable(),
  compressionMethod: z.number().int(),
});

export const certificateSchema = z.object({
  frame,
  sentBy: side,
  /** Position in the Certificate message (0 = first sent, normally the leaf). */
  index: z.number().int().min(0),
  subject: z.string(),
  issuer: z.string(),
  san: z.array(z.string()),
  notBefore: isoTime,
  notAfter: isoTime,
  sha256: z.string(),
  serialNumber: z.string(),
  keyType: z.string(),
  keyBits: z.number().int().nullable(),
  signatureAlgorithm: z.string(),
  isCA: z.boolean().nullable(),
  /**
   * Present when the certificate was read only in part (the X.509 library refused it; the
   * fields above come from a plain DER reader and its signature cannot be checked): why.
   */
  problem: z.string().optional(),
  /** Present (true) when `san` lists only the first names: the certificate has `sanTotal`. */
  sanTruncated: z.boolean().optional(),
  /** Number of subjectAltName DNS and IP entries in the certificate, present with `sanTruncated`. */
  sanTotal: z.number().int().min(0).optional(),
});

export const alertSchema = z.object({
  frame,
  sentBy: side,
  level: z.enum(['fatal', 'warning']).nullable(),
  description: z.string().nullable(),
  code: z.number().int().nullable(),
  encrypted: z.boolean(),
});

export const messageSchema = z.object({
  frame,
  sentBy: side,
  /** Handshake type, or -1 for an encrypted handshake record. */
  type: z.number().int(),
  name: z.string(),
});

export const closeSchema = z.object({ frame, by: side, kind: z.enum(['fin', 'rst']), time: isoTime });

export const evidenceSchema = z.object({ frame, text: z.string() });
export const remedySchema = z.object({ side, text: z.string() });

export const diagnosisSchema = z.object({
  cause: causeIdSchema,
  abortedBy: side.nullable(),
  confidence,
  summary: z.string(),
  evidence: z.array(evidenceSchema),
  remediation: z.array(remedySchema),
  alternatives: z.array(z.object({ cause: causeIdSchema, confidence, why: z.string() })),
});

export const versionNameSchema = z.enum(['SSL 3.0', 'TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3']);

export const connectionSchema = z.object({
  /** Wireshark's tcp.stream. */
  id: z.number().int().min(0),
  /** The capture file, when several files are analysed into one report. */
  file: z.string().optional(),
  client: endpointSchema,
  server: endpointSchema,
  /** How the client side was decided: the SYN sender, or from the first payload or the ports. */
  roleSource: z.enum(['syn', 'syn-ack', 'payload', 'ports']),
  firstFrame: frame,
  lastFrame: frame,
  start: isoTime,
  end: isoTime,
  outcome: z.enum(['established', 'failed', 'incomplete', 'not-tls']),
  version: versionNameSchema.nullable(),
  cipherSuite: z.object({ code: cipherCode, name: z.string(), openssl: z.string().nullable() }).nullable(),
  sni: z.string().nullable(),
  clientHello: clientHelloSchema.nullable(),
  serverHello: serverHelloSchema.nullable(),
  helloRetryRequest: serverHelloSchema.nullable(),
  certificates: z.array(certificateSchema),
  alerts: z.array(alertSchema),
  messages: z.array(messageSchema),
  /** Record-layer versions seen per direction, in order of first appearance. */
  recordVersions: z.object({ client: z.array(u16), server: z.array(u16) }),
  closes: z.array(closeSchema),
  handshakeComplete: z.boolean(),
  resumption: z.enum(['session-id', 'ticket', 'psk']).nullable(),
  /** What the side that does not speak TLS sent, and how the other side answered. */
  notTls: z
    .object({
      lookedLike: z.string(),
      sentBy: side,
      frame,
      reply: z.object({ lookedLike: z.string(), sentBy: side, frame }).nullable(),
    })
    .nullable(),
  /**
   * TLS that started after a plain exchange (STARTTLS, a proxy's CONNECT, a database's SSL
   * request): what it looked like, the bytes each side sent before its TLS, and the frame of
   * the first byte of the client's TLS. Null when the connection started with TLS (or never did).
   */
  plaintextPreamble: z
    .object({
      lookedLike: z.string(),
      clientBytes: z.number().int().min(0),
      serverBytes: z.number().int().min(0),
      tlsStartFrame: frame,
    })
    .nullable(),
  diagnosis: diagnosisSchema,
});

export const warningSchema = z.object({ frame: frame.nullable(), text: z.string() });

export const captureSchema = z.object({
  format: z.enum(['pcap', 'pcapng']),
  linkTypes: z.array(z.number().int()),
  packets: z.number().int().min(0),
  start: isoTime.nullable(),
  end: isoTime.nullable(),
  file: z.string().optional(),
});

export const reportSchema = z.object({
  schemaVersion: z.literal(1),
  capture: captureSchema,
  connections: z.array(connectionSchema),
  warnings: z.array(warningSchema),
});

/** The analysis of one capture: what `analyze()` returns and `--format json` prints. */
export type Report = z.infer<typeof reportSchema>;
/** One TCP connection of the report. */
export type ConnectionReport = z.infer<typeof connectionSchema>;
export type DiagnosisReport = z.infer<typeof diagnosisSchema>;
export type CauseIdName = z.infer<typeof causeIdSchema>;
export type CaptureReport = z.infer<typeof captureSchema>;
