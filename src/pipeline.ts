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
import type { TlsConnectionModel } from './tls/model.js';
import type { WarningSink } from './report/warning.js';

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
}

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
  const decoder = new PacketDecoder({ warn: options.warn, maxFragmentBytes: caps.maxFragmentBytes });
  // What the TLS layer could not decode (malformed messages, caps reached) belongs in the
  // report's warnings too, where a reader of a damaged capture looks first.
  const onEnd = (model: TlsConnectionModel): void => {
    for (const p of model.problems) options.warn(p.frame, `connection ${model.tcp.id}: ${p.text}`);
    onConnection(model);
  };
  const table = new ConnectionTable(
    (info, control) => createTlsConsumer(info, control, { onEnd, maxHandshakeBytes: caps.maxHandshakeBytes }),
    {
      warn: options.warn,
      maxPendingBytesPerDirection: caps.maxPendingBytesPerDirection,
      maxPendingBytesTotal: caps.maxPendingBytesTotal,
      maxLiveConnections: caps.maxLiveConnections,
    },
  );
  const segment = newTcpSegment();
  const summary = await readCapture(
    input,
    {
      onPacket(packet: CapturedPacket) {
        if (decoder.decode(packet, segment)) { if (segment.quoted) table.quoted(segment); else table.segment(segment); }
      },
    },
    { warn: options.warn, signal: options.signal, onProgress: options.onProgress, backpressure: options.backpressure },
  );
  while (!table.finishSome(FINISH_BATCH)) {
    options.signal?.throwIfAborted();
    await options.backpressure?.();
  }
  decoder.finish();
  return summary;
}
