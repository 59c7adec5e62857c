/**
 * Wires the stages together: capture reader -> packet decoder -> connection table -> TLS
 * decoder. Everything runs synchronously inside the reader's packet callback; a connection's
 * model is handed on as soon as its TCP connection ends.
 */
import { readCapture } from './capture/read-capture.js';
import type { CaptureInput, CaptureSummary, CapturedPacket } from './capture/packet.js';
import { PacketDecoder } from './net/packet-decoder.js';
import { newTcpSegment } from './net/tcp-segment.js';
import { ConnectionTable, type TcpOptions } from './tcp/connection-table.js';
import { createTlsConsumer } from './tls/connection-decoder.js';
import { CertificateInterner } from './tls/certificate-interner.js';
import { ListInterner } from './tls/list-interner.js';
import type { TlsConnectionModel } from './tls/model.js';
import type { WarningSink } from './report/warning.js';
import { shardOf } from './parallel/shard-key.js';
import type { ShardOptions } from './parallel/numbering.js';
import { NumberedOutput } from './parallel/numbered-output.js';

export type { ShardOptions, ShardNumbering } from './parallel/numbering.js';

/** Limits on what one analysis may hold; what a cap cuts becomes a warning. */
export interface Caps {
  /** Out-of-order TCP bytes held per direction (default 4 MiB). */
  maxPendingBytesPerDirection?: number;
  /** Out-of-order TCP bytes held over all connections (default 256 MiB). */
  maxPendingBytesTotal?: number;
  /** Largest handshake message kept (default 256 KiB). */
  maxHandshakeBytes?: number;
  /** Bytes held for IP fragment reassembly (default 16 MiB). */
  maxFragmentBytes?: number;
  /**
   * TCP connections open at once (default 100,000): beyond it the connection idle longest is
   * ended early and reported with what it had; one warning gives how many were (see
   * {@link TcpOptions.maxLiveConnections}).
   */
  maxLiveConnections?: number;
}

/**
 * Connections ended at a time at the end of the capture, between which the consumer's
 * backpressure is awaited: a capture may end with every one of its connections still open.
 */
const FINISH_BATCH = 256;

/** Options of one pipeline run. */
export interface PipelineOptions {
  warn: WarningSink;
  caps?: Caps;
  signal?: AbortSignal;
  /** Input bytes consumed so far, after each read (see readCapture's `onProgress`). */
  onProgress?: (bytesRead: number) => void;
  /** Holds reading back while the returned promise is pending (see readCapture's `backpressure`). */
  backpressure?: () => Promise<void> | void;
  /**
   * Keep only one shard of the capture's TCP flows (one capture split over worker threads, see
   * src/parallel/): every packet is still read and decoded, so IP fragments and ICMP-quoted
   * headers are put together first, then only the segments of this shard (src/parallel/shard-key.ts)
   * go on. Connection ids, in the models and in warnings, are the whole capture's (see
   * {@link ShardOptions.numbering}); packet-level warnings (reader, decoder) are kept by shard 0 only.
   */
  shard?: ShardOptions;
  /**
   * The run's one copy of each distinct certificate, when the caller keeps certificates too
   * (src/analyze.ts: the peers' chains): sharing it lets the caller's interning answer by
   * identity instead of comparing bytes. Default: the pipeline's own.
   */
  certificates?: CertificateInterner;
}

/** Shard-held connections beyond which reading waits for their global ids (the other shards to catch up). */
const MAX_UNNUMBERED = 4096;

/**
 * Reads a capture and calls `onConnection` with each connection's model when it ends (in the
 * order connections end; at the end of the capture, every connection still open).
 */
export async function runPipeline(
  input: CaptureInput,
  onConnection: (model: TlsConnectionModel) => void,
  options: PipelineOptions,
): Promise<CaptureSummary> {
  const caps = options.caps ?? {};
  const shard = options.shard;
  const numbered = shard ? new NumberedOutput(shard, options.warn, onConnection, options.signal) : null;
  const warn = numbered ? numbered.warn : options.warn;
  // Every shard reads and decodes every packet: only one of them reports what is wrong with packets.
  const packetWarn: WarningSink = shard && shard.index !== 0 ? () => {} : warn;
  const decoder = new PacketDecoder({ warn: packetWarn, maxFragmentBytes: caps.maxFragmentBytes });
  // What the TLS layer could not decode (malformed messages, caps reached) belongs in the
  // report's warnings too, where a reader of a damaged capture looks first.
  const emit = (model: TlsConnectionModel): void => {
    for (const p of model.problems) options.warn(p.frame, `connection ${model.tcp.id}: ${p.text}`);
    onConnection(model);
  };
  const onEnd = numbered ? numbered.ended : emit;
  // One copy of each distinct certificate and hello list for the whole run, not one per
  // connection: models then share them (see TlsConsumerOptions).
  const certificates = options.certificates ?? new CertificateInterner();
  const lists = new ListInterner();
  const table = new ConnectionTable(
    (info, control) => createTlsConsumer(info, control, { onEnd, maxHandshakeBytes: caps.maxHandshakeBytes, certificates, lists }),
    {
      warn,
      maxPendingBytesPerDirection: caps.maxPendingBytesPerDirection,
      maxPendingBytesTotal: caps.maxPendingBytesTotal,
      maxLiveConnections: caps.maxLiveConnections,
    },
  );
  const segment = newTcpSegment();
  let onPacket: (packet: CapturedPacket) => void;
  let backpressure = options.backpressure;
  if (shard && numbered) {
    const { index, count, numbering } = shard;
    let opened = 0;
    let lastFrame = 0;
    onPacket = (packet) => {
      lastFrame = packet.frame;
      if (!decoder.decode(packet, segment) || shardOf(segment, count) !== index) return;
      if (segment.quoted) table.quoted(segment);
      else table.segment(segment);
      // A segment opens at most one connection, numbered next by the table.
      if (table.stats.connections !== opened) {
        opened++;
        numbering.opened(segment.frame);
      }
    };
    backpressure = async () => {
      numbering.passed(lastFrame);
      await numbered.release(MAX_UNNUMBERED);
      await options.backpressure?.();
    };
  } else {
    onPacket = (packet) => {
      if (decoder.decode(packet, segment)) { if (segment.quoted) table.quoted(segment); else table.segment(segment); }
    };
  }
  const summary = await readCapture(
    input,
    { onPacket },
    { warn: packetWarn, signal: options.signal, onProgress: options.onProgress, backpressure },
  );
  shard?.numbering.passed(Infinity);
  while (!table.finishSome(FINISH_BATCH)) {
    options.signal?.throwIfAborted();
    await numbered?.release(MAX_UNNUMBERED);
    await options.backpressure?.();
  }
  decoder.finish();
  await numbered?.release(0);
  return summary;
}
