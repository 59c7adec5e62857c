import { PacketDecoder, type DecoderOptions } from '../../src/net/packet-decoder.js';
import { newTcpSegment, type TcpSegment } from '../../src/net/tcp-segment.js';
import type { CapturedPacket } from '../../src/capture/packet.js';
import type { Warning } from '../../src/report/warning.js';

/** A decoder whose warnings are collected, and the segment it fills. */
export function harness(options: Partial<DecoderOptions> = {}) {
  const warnings: Warning[] = [];
  const decoder = new PacketDecoder({ warn: (frame, text) => warnings.push({ frame, text }), ...options });
  const out: TcpSegment = newTcpSegment();
  return {
    decoder,
    warnings,
    out,
    decode: (p: CapturedPacket) => decoder.decode(p, out),
    /** The payload bytes of the last decoded segment. */
    payload: () => Array.from(out.data.subarray(out.payloadOffset, out.payloadOffset + out.payloadLength)),
  };
}
