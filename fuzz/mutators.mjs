/**
 * Mutations of a capture. Each takes the seed bytes, its layout (structure.mjs) and the PRNG,
 * and returns new bytes plus a one-line description, so a crash report says what was done.
 * Byte-level mutations (bit flips, truncation, inserted blocks) test the readers; length-field
 * mutations land on fields the parsers trust; packet-level mutations (split, duplicate,
 * reorder, drop TCP segments) test reassembly with packets that stay well-formed.
 */
import { fieldMax, readUint, setField, walkCapture, writeUint } from './structure.mjs';

/** @typedef {import('./structure.mjs').Layout} Layout */
/** @typedef {import('./structure.mjs').PacketSpan} PacketSpan */
/** @typedef {import('./prng.mjs').Prng} Prng */
/** @typedef {{ bytes: Uint8Array, what: string }} Mutant */

/** Values a length field is set to: the edges where parsers go wrong. */
export function lengthValues(value, max, rng) {
  const candidates = [0, 1, max, max - 1, value - 1, value + 1, value * 2, rng.int(max + 1), Math.floor(max / 2) + 1];
  return candidates.filter((v) => v >= 0 && v <= max);
}

/** @param {Uint8Array} seed @param {Layout} layout @param {Prng} rng @returns {Mutant} */
export function mutateLengthField(seed, layout, rng) {
  if (layout.fields.length === 0) return flipBits(seed, layout, rng);
  const field = rng.pick(layout.fields);
  const value = rng.pick(lengthValues(field.value, fieldMax(field), rng));
  const out = seed.slice();
  setField(out, field, value);
  return { bytes: out, what: `${field.layer}@${field.off}: ${field.value} -> ${value}` };
}

/** @param {Uint8Array} seed @param {Layout} layout @param {Prng} rng @returns {Mutant} */
export function flipBits(seed, layout, rng) {
  const out = seed.slice();
  const n = 1 + rng.int(8);
  const offs = [];
  for (let i = 0; i < n && out.length > 0; i++) {
    const off = rng.int(out.length);
    out[off] ^= 1 << rng.int(8);
    offs.push(off);
  }
  return { bytes: out, what: `bit flips at ${offs.join(',')}` };
}

/** Interesting byte values written over random bytes. */
export function setBytes(seed, layout, rng) {
  const out = seed.slice();
  const n = 1 + rng.int(4);
  const offs = [];
  for (let i = 0; i < n && out.length > 0; i++) {
    const off = rng.int(out.length);
    out[off] = rng.pick([0, 1, 0x7f, 0x80, 0xff, 0xfe]);
    offs.push(off);
  }
  return { bytes: out, what: `bytes set at ${offs.join(',')}` };
}

/** @param {Uint8Array} seed @param {Layout} layout @param {Prng} rng @returns {Mutant} */
export function truncate(seed, layout, rng) {
  // Half the cuts fall inside a packet record, where a reader meets a short final record.
  let at;
  if (layout.packets.length > 0 && rng.chance(0.5)) {
    const p = rng.pick(layout.packets);
    at = p.start + rng.int(p.end - p.start);
  } else at = rng.int(seed.length);
  return { bytes: seed.slice(0, at), what: `truncated to ${at} bytes` };
}

/** @param {Uint8Array} seed @param {Layout} layout @param {Prng} rng @returns {Mutant} */
export function insertBlock(seed, layout, rng) {
  const size = 1 + rng.int(rng.chance(0.2) ? 4096 : 64);
  const at = layout.packets.length > 0 && rng.chance(0.5) ? rng.pick(layout.packets).start : rng.int(seed.length + 1);
  const out = concat([seed.subarray(0, at), rng.bytes(size), seed.subarray(at)]);
  return { bytes: out, what: `${size} random bytes inserted at ${at}` };
}

/** @param {Uint8Array} seed @param {Layout} layout @param {Prng} rng @returns {Mutant} */
export function deleteBlock(seed, layout, rng) {
  const at = rng.int(seed.length);
  const size = 1 + rng.int(Math.min(256, seed.length - at));
  return { bytes: concat([seed.subarray(0, at), seed.subarray(at + size)]), what: `${size} bytes deleted at ${at}` };
}

/** Sets a packet's timestamp before the previous one's. */
export function timestampBackwards(seed, layout, rng) {
  const withTs = layout.packets.filter((p) => p.tsOff >= 0);
  if (withTs.length === 0) return flipBits(seed, layout, rng);
  const p = rng.pick(withTs);
  const out = seed.slice();
  const sec = readUint(out, p.tsOff, 4, layout.le);
  const value = rng.pick([0, sec - 1, sec - 3600, 0xffffffff, sec + 2 ** 31]);
  writeUint(out, p.tsOff, 4, layout.le, ((value % 2 ** 32) + 2 ** 32) % 2 ** 32);
  return { bytes: out, what: `timestamp of record @${p.start} set to ${value}` };
}

/** The packets as units in file order, with the bytes between them kept as they are. */
function units(seed, layout) {
  /** @type {{bytes: Uint8Array, packet: PacketSpan|null}[]} */
  const list = [];
  let at = 0;
  for (const p of layout.packets) {
    if (p.start > at) list.push({ bytes: seed.subarray(at, p.start), packet: null });
    list.push({ bytes: seed.subarray(p.start, p.end), packet: p });
    at = p.end;
  }
  if (at < seed.length) list.push({ bytes: seed.subarray(at), packet: null });
  return list;
}

/** @param {Uint8Array} seed @param {Layout} layout @param {Prng} rng @returns {Mutant} */
export function duplicatePacket(seed, layout, rng) {
  if (layout.packets.length === 0) return insertBlock(seed, layout, rng);
  const list = units(seed, layout);
  const idx = list.map((u, i) => (u.packet ? i : -1)).filter((i) => i >= 0);
  const from = rng.pick(idx);
  const to = rng.pick(idx.filter((i) => i >= from));
  list.splice(to + 1, 0, list[from]);
  return { bytes: concat(list.map((u) => u.bytes)), what: `packet @${list[from].packet.start} duplicated after unit ${to}` };
}

/** @param {Uint8Array} seed @param {Layout} layout @param {Prng} rng @returns {Mutant} */
export function reorderPackets(seed, layout, rng) {
  if (layout.packets.length < 2) return duplicatePacket(seed, layout, rng);
  const list = units(seed, layout);
  const idx = list.map((u, i) => (u.packet ? i : -1)).filter((i) => i >= 0);
  const a = rng.int(idx.length - 1);
  const b = Math.min(idx.length - 1, a + 1 + rng.int(4));
  [list[idx[a]], list[idx[b]]] = [list[idx[b]], list[idx[a]]];
  return { bytes: concat(list.map((u) => u.bytes)), what: `packets ${a + 1} and ${b + 1} swapped` };
}

/** @param {Uint8Array} seed @param {Layout} layout @param {Prng} rng @returns {Mutant} */
export function dropPacket(seed, layout, rng) {
  if (layout.packets.length === 0) return deleteBlock(seed, layout, rng);
  const list = units(seed, layout);
  const idx = list.map((u, i) => (u.packet ? i : -1)).filter((i) => i >= 0);
  const i = rng.pick(idx);
  list.splice(i, 1);
  return { bytes: concat(list.map((u) => u.bytes)), what: `packet unit ${i} dropped` };
}

/**
 * Where TCP payload sits in an Ethernet/raw IPv4 or IPv6 packet, or null.
 * @param {Uint8Array} b @param {PacketSpan} p
 */
export function tcpView(b, p) {
  let ipOff;
  if (p.linkType === 1) {
    if (readUint(b, p.dataOff + 12, 2, false) !== 0x0800 && readUint(b, p.dataOff + 12, 2, false) !== 0x86dd) return null;
    ipOff = p.dataOff + 14;
  } else if (p.linkType === 101 || p.linkType === 228 || p.linkType === 229) ipOff = p.dataOff;
  else if (p.linkType === 113) ipOff = p.dataOff + 16;
  else return null;
  const end = p.dataOff + p.capLen;
  if (ipOff + 20 > end) return null;
  const version = b[ipOff] >> 4;
  let tcpOff;
  let ipEnd;
  if (version === 4) {
    if (b[ipOff + 9] !== 6 || (readUint(b, ipOff + 6, 2, false) & 0x3fff) !== 0) return null;
    tcpOff = ipOff + (b[ipOff] & 15) * 4;
    ipEnd = ipOff + readUint(b, ipOff + 2, 2, false);
  } else if (version === 6) {
    if (ipOff + 40 > end || b[ipOff + 6] !== 6) return null;
    tcpOff = ipOff + 40;
    ipEnd = tcpOff + readUint(b, ipOff + 4, 2, false);
  } else return null;
  if (ipEnd !== end || tcpOff + 20 > end) return null;
  const payloadOff = tcpOff + (b[tcpOff + 12] >> 4) * 4;
  if (payloadOff > end) return null;
  return { ipOff, version, tcpOff, payloadOff, end };
}

/** IPv4 header checksum (RFC 791), recomputed after a length changes. */
export function ipv4Checksum(b, off, len) {
  let sum = 0;
  for (let i = 0; i < len; i += 2) if (i !== 10) sum += (b[off + i] << 8) | b[off + i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * The record (pcap) or EPB (pcapng) for new packet bytes, with the timestamp (and interface)
 * of the packet it was cut from.
 * @param {Uint8Array} seed @param {Layout} layout @param {PacketSpan} from @param {Uint8Array} data
 */
export function packetRecord(seed, layout, from, data) {
  if (layout.format === 'pcap') {
    const rec = new Uint8Array(16 + data.length);
    rec.set(seed.subarray(from.start, from.start + 8), 0);
    writeUint(rec, 8, 4, layout.le, data.length);
    writeUint(rec, 12, 4, layout.le, data.length);
    rec.set(data, 16);
    return rec;
  }
  const padded = (data.length + 3) & ~3;
  const total = 32 + padded;
  const block = new Uint8Array(total);
  block.set(seed.subarray(from.start, from.start + 20), 0);
  writeUint(block, 4, 4, layout.le, total);
  writeUint(block, 20, 4, layout.le, data.length);
  writeUint(block, 24, 4, layout.le, data.length);
  block.set(data, 28);
  writeUint(block, total - 4, 4, layout.le, total);
  return block;
}

/**
 * One packet's headers around a slice of its TCP payload, lengths fixed, sequence advanced.
 * @param {Uint8Array} seed @param {PacketSpan} p @param {ReturnType<typeof tcpView>} v @param {number} from @param {number} to
 */
export function segmentPiece(seed, p, v, from, to) {
  const headerLen = v.payloadOff - p.dataOff;
  const data = new Uint8Array(headerLen + (to - from));
  data.set(seed.subarray(p.dataOff, v.payloadOff), 0);
  data.set(seed.subarray(v.payloadOff + from, v.payloadOff + to), headerLen);
  const ipOff = v.ipOff - p.dataOff;
  const tcpOff = v.tcpOff - p.dataOff;
  if (v.version === 4) {
    writeUint(data, ipOff + 2, 2, false, data.length - ipOff);
    writeUint(data, ipOff + 10, 2, false, ipv4Checksum(data, ipOff, (data[ipOff] & 15) * 4));
  } else writeUint(data, ipOff + 4, 2, false, data.length - tcpOff);
  const seq = readUint(data, tcpOff + 4, 4, false);
  writeUint(data, tcpOff + 4, 4, false, (seq + from) % 2 ** 32);
  // Flags that belong to the segment's end (FIN, PSH) stay on its last piece only.
  if (to < v.end - v.payloadOff) data[tcpOff + 13] &= ~0x09;
  return data;
}

/** Splits one TCP segment carrying data into 2..8 segments (optionally overlapping). */
export function splitSegment(seed, layout, rng) {
  const candidates = [];
  for (const p of layout.packets) {
    const v = tcpView(seed, p);
    if (v && v.end - v.payloadOff >= 2) candidates.push({ p, v });
  }
  if (candidates.length === 0) return flipBits(seed, layout, rng);
  const { p, v } = rng.pick(candidates);
  const payloadLen = v.end - v.payloadOff;
  const cuts = new Set();
  const pieces = 1 + 1 + rng.int(Math.min(7, payloadLen - 1));
  while (cuts.size < pieces - 1) cuts.add(1 + rng.int(payloadLen - 1));
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), payloadLen];
  const overlap = rng.chance(0.3);
  const records = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const from = overlap && i > 0 ? Math.max(0, bounds[i] - 1 - rng.int(8)) : bounds[i];
    records.push(packetRecord(seed, layout, p, segmentPiece(seed, p, v, from, bounds[i + 1])));
  }
  if (rng.chance(0.3)) records.reverse();
  const out = concat([seed.subarray(0, p.start), ...records, seed.subarray(p.end)]);
  return { bytes: out, what: `segment @${p.start} (${payloadLen} bytes) split in ${records.length}${overlap ? ', overlapping' : ''}` };
}

/** Every mutator, with its weight in the mix. */
export const MUTATORS = [
  { name: 'length-field', fn: mutateLengthField, weight: 6 },
  { name: 'bit-flip', fn: flipBits, weight: 3 },
  { name: 'set-bytes', fn: setBytes, weight: 1 },
  { name: 'truncate', fn: truncate, weight: 2 },
  { name: 'insert-block', fn: insertBlock, weight: 1 },
  { name: 'delete-block', fn: deleteBlock, weight: 1 },
  { name: 'split-segment', fn: splitSegment, weight: 2 },
  { name: 'duplicate-packet', fn: duplicatePacket, weight: 1 },
  { name: 'reorder-packets', fn: reorderPackets, weight: 1 },
  { name: 'drop-packet', fn: dropPacket, weight: 1 },
  { name: 'timestamp-backwards', fn: timestampBackwards, weight: 1 },
];

/**
 * Applies 1..3 mutations in a row (the structure is walked again after each, so a length field
 * found in a split segment is a real one).
 * @param {Uint8Array} seed @param {Prng} rng @returns {Mutant}
 */
export function mutate(seed, rng) {
  const totalWeight = MUTATORS.reduce((s, m) => s + m.weight, 0);
  const steps = 1 + (rng.chance(0.3) ? 1 + rng.int(2) : 0);
  let bytes = seed;
  const what = [];
  for (let i = 0; i < steps; i++) {
    let r = rng.int(totalWeight);
    let m = MUTATORS[0];
    for (const candidate of MUTATORS) {
      if (r < candidate.weight) {
        m = candidate;
        break;
      }
      r -= candidate.weight;
    }
    const layout = walkCapture(bytes);
    const result = m.fn(bytes, layout, rng);
    bytes = result.bytes;
    what.push(`${m.name}: ${result.what}`);
  }
  return { bytes, what: what.join('; ') };
}

/** @param {Uint8Array[]} parts */
export function concat(parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
