import fs from 'node:fs';
import type { CapturedPacket } from '../../src/capture/packet.js';

/**
 * Reads the records of a classic pcap file (24-byte file header, 16-byte record headers), so
 * that the net-layer tests do not depend on the capture reader. Microsecond or nanosecond
 * magic, either byte order.
 */
export function readPcapFixture(file: string): CapturedPacket[] {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  const littleEndian = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const nanos = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const linkType = view.getUint32(20, littleEndian) & 0x0fffffff;
  const packets: CapturedPacket[] = [];
  for (let pos = 24; pos + 16 <= bytes.length;) {
    const capturedLength = view.getUint32(pos + 8, littleEndian);
    packets.push({
      frame: packets.length + 1,
      linkType,
      tsSec: view.getUint32(pos, littleEndian),
      tsNsec: view.getUint32(pos + 4, littleEndian) * (nanos ? 1 : 1000),
      data: bytes,
      offset: pos + 16,
      capturedLength,
      originalLength: view.getUint32(pos + 12, littleEndian),
      interfaceId: 0,
    });
    pos += 16 + capturedLength;
  }
  return packets;
}
