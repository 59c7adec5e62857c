// The reassembly benchmarks' driver: a capture through the reader, the packet decoder and a
// TCP connection table whose consumers `consumerOf` makes. One place, so that
// bench/reassembly.mjs and bench/tls-floor.mjs time exactly the same layers under their consumer.
import { readCapture } from '../dist/capture/read-capture.js';
import { PacketDecoder } from '../dist/net/packet-decoder.js';
import { newTcpSegment } from '../dist/net/tcp-segment.js';
import { ConnectionTable } from '../dist/tcp/connection-table.js';

/**
 * Reads `file` to its end, every connection handed to `consumerOf(info, control)`, and returns
 * the capture summary. `warn(frame, text)` takes the layers' warnings.
 */
export async function reassembleCapture(file, consumerOf, warn) {
  const decoder = new PacketDecoder({ warn });
  const table = new ConnectionTable(consumerOf, { warn });
  const seg = newTcpSegment();
  const summary = await readCapture(file, {
    onPacket(p) {
      if (!decoder.decode(p, seg)) return;
      if (seg.quoted) table.quoted(seg);
      else table.segment(seg);
    },
  }, { warn });
  table.finish();
  decoder.finish();
  return summary;
}
