import { readFileSync } from 'node:fs';
import { readCapture } from '../../dist/capture/read-capture.js';
import { PacketDecoder } from '../../dist/net/packet-decoder.js';
import { ConnectionTable } from '../../dist/tcp/index.js';
import { newTcpSegment } from '../../dist/net/tcp-segment.js';
// A TLS-record-skipping consumer: parses 5-byte record headers, skips bodies (what the TLS decoder will do).
const bytes = readFileSync('b100.pcap');
async function run(withTable) {
let warnings = 0, conns = 0, delivered = 0;
const warn = () => { warnings++; };
const decoder = new PacketDecoder({ warn });
const table = new ConnectionTable((info, control) => {
  conns++;
  const st = [{ hdr: 0, h: new Uint8Array(5), left: 0 }, { hdr: 0, h: new Uint8Array(5), left: 0 }];
  return {
    data(d, b, off, len) {
      delivered += len;
      const s = st[d]; let i = off; const end = off + len;
      while (i < end) {
        if (s.left > 0) { const n = Math.min(s.left, end - i); s.left -= n; i += n; continue; }
        s.h[s.hdr++] = b[i++];
        if (s.hdr === 5) { s.hdr = 0; s.left = (s.h[3] << 8) | s.h[4]; }
      }
      if (s.left > 0) { control.skip(d, s.left); s.left = 0; }
    },
    gap() {}, close() {}, end() {},
  };
}, { warn });
const seg = newTcpSegment();
const t0 = process.hrtime.bigint();
await readCapture(new Uint8Array(bytes), { onPacket(p) { if (decoder.decode(p, seg) && withTable) table.segment(seg); } });
table.finish();
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`${withTable ? 'read+decode+table' : 'read+decode'}: ${(bytes.length / s / 1e9).toFixed(2)} GB/s (${s.toFixed(3)} s), conns ${conns}, delivered ${(delivered / 1e6).toFixed(1)} MB, warnings ${warnings}, pending ${table.stats.pendingBytes}`);

}
for (let r = 0; r < 4; r++) { await run(true); await run(false); }
