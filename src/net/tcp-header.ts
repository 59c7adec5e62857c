import { DECODED, MALFORMED, TRUNCATED, type DecodeStatus } from './decode-status.js';
import type { TcpSegment } from './tcp-segment.js';

/**
 * RFC 9293 §3.1
 *   SourcePort:16 DestinationPort:16 | SequenceNumber:32 | AcknowledgmentNumber:32 |
 *   DataOffset:4 Reserved:4 Flags:8 Window:16 | Checksum:16 UrgentPointer:16 | Options | Data
 *
 * Decodes the TCP header at `off` into `out` (ports, seq/ack, flags, window, payload range).
 * `capturedEnd` is where the captured IP payload stops, `declaredEnd` where the IP header says
 * it stops; the difference is reported as `payloadMissing`. Options cut by the snaplen still
 * give a usable segment (its payload is then all missing); a header shorter than 20 bytes or a
 * data offset outside the IP payload does not. On failure the reason is in `problem.text`.
 */
export function decodeTcpHeader(
  data: Uint8Array, off: number, capturedEnd: number, declaredEnd: number, out: TcpSegment, problem: { text: string },
): DecodeStatus {
  const declared = declaredEnd - off;
  if (declared < 20) {
    problem.text = `TCP header needs 20 bytes, the IP payload has ${declared}`;
    return MALFORMED;
  }
  if (capturedEnd - off < 20) {
    problem.text = `TCP header cut by the capture's snapshot length (${capturedEnd - off} of 20 bytes captured)`;
    return TRUNCATED;
  }
  const dataOffset = data[off + 12]! >> 4;
  if (dataOffset < 5) {
    problem.text = `TCP data offset ${dataOffset} words is below the minimum of 5`;
    return MALFORMED;
  }
  const headerLength = dataOffset * 4;
  if (headerLength > declared) {
    problem.text = `TCP data offset ${dataOffset} words (${headerLength} bytes) exceeds the ${declared}-byte IP payload`;
    return MALFORMED;
  }
  out.srcPort = (data[off]! << 8) | data[off + 1]!;
  out.dstPort = (data[off + 2]! << 8) | data[off + 3]!;
  out.seq = ((data[off + 4]! << 24) | (data[off + 5]! << 16) | (data[off + 6]! << 8) | data[off + 7]!) >>> 0;
  out.ack = ((data[off + 8]! << 24) | (data[off + 9]! << 16) | (data[off + 10]! << 8) | data[off + 11]!) >>> 0;
  out.flags = data[off + 13]!;
  out.window = (data[off + 14]! << 8) | data[off + 15]!;
  out.data = data;
  const payloadStart = off + headerLength;
  if (payloadStart >= capturedEnd) {
    out.payloadOffset = capturedEnd;
    out.payloadLength = 0;
    out.payloadMissing = declaredEnd - payloadStart;
  } else {
    out.payloadOffset = payloadStart;
    out.payloadLength = capturedEnd - payloadStart;
    out.payloadMissing = declaredEnd - capturedEnd;
  }
  return DECODED;
}
