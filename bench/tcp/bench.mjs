import { ConnectionTable } from '../../dist/tcp/index.js';
import { newTcpSegment, TCP_ACK, TCP_PSH, TCP_SYN } from '../../dist/net/tcp-segment.js';
// Bulk: N connections interleaved in runs, each: handshake, records of 16 KiB bodies sent as 1448-byte segments, skip bodies.
const mode = process.argv[2] ?? 'skip';
const CONNS = 50, SEGS = 20000, MSS = 1448, REC = 16384 + 5;
const buf = new Uint8Array(1514);
let delivered = 0;
const table = new ConnectionTable((info, control) => {
  let pos = 0; // position in record cycle
  return {
    data(d, bytes, off, len) {
      delivered += len;
      if (mode !== 'skip') return;
      // record = 5-byte header + 16384 body: skip rest of body after this chunk
      const end = pos + len; // consumer assumed aligned
      pos = end % REC;
      if (pos >= 5) { const left = REC - pos; control.skip(d, left); pos = 0; }
    },
    gap() {}, close() {}, end() {},
  };
}, { warn: (f, t) => { throw new Error(t); } });
const seg = newTcpSegment();
seg.data = buf; seg.payloadOffset = 66;
const seqs = new Array(CONNS).fill(0).map((_, i) => 1000 + i * 7);
function setup(i) { seg.ipVersion = 4; seg.src4 = 0x0a000001 + i; seg.dst4 = 0xc6120001; seg.srcPort = 40000 + i; seg.dstPort = 443; }
let frame = 0;
for (let i = 0; i < CONNS; i++) { setup(i); seg.frame = ++frame; seg.seq = seqs[i]; seg.flags = TCP_SYN; seg.payloadLength = 0; table.segment(seg); seqs[i]++; }
const t0 = process.hrtime.bigint();
let bytes = 0;
const RUN = Number(process.argv[3] ?? 8);
for (let n = 0; n < SEGS * CONNS / RUN; n++) {
  const i = (n * 7) % CONNS; setup(i);
  for (let r = 0; r < RUN; r++) {
    seg.frame = ++frame; seg.seq = seqs[i] >>> 0; seg.ack = 1; seg.flags = TCP_ACK | TCP_PSH; seg.payloadLength = MSS;
    table.segment(seg); seqs[i] += MSS; bytes += MSS;
  }
}
const t1 = process.hrtime.bigint();
table.finish();
const ns = Number(t1 - t0); const segs = SEGS * CONNS;
console.log(`${mode}: ${segs} segments, ${(ns / segs).toFixed(1)} ns/segment, ${(bytes / ns).toFixed(2)} GB/s of payload, delivered ${(delivered/1e6).toFixed(1)} MB`);
