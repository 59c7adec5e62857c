// The small readers the parsers share: big-endian integers, copies of byte ranges, lists of
// uint8 and uint16 values (the uint16 ones of stage `required` marking GREASE values), names as
// text, and the test of a TLS vector that fills a range exactly. Plain functions over a
// Uint8Array and an index, no object around the bytes, so that V8 can inline them where they
// are called.

export const u16 = (b, p) => (b[p] << 8) | b[p + 1];
export const u24 = (b, p) => (b[p] << 16) | (b[p + 1] << 8) | b[p + 2];
export const isGrease = (v) => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);

export function copy32(b, p) {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = b[p + i];
  return out;
}

export function copyBytes(b, start, end) {
  const out = new Uint8Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = b[start + i];
  return out;
}

// ---------------------------------------------------------------- stages up to `full` (no checks)

export function latin1(b, start, end) {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(b[i]);
  return text;
}

export function u16list(b, p, end) {
  const out = [];
  for (; p + 1 < end; p += 2) out.push((b[p] << 8) | b[p + 1]);
  return out;
}

// ---------------------------------------------------------------- stage `required`

const utf8 = new TextDecoder('utf-8');

/** Text of a name: ASCII as is, anything else read as UTF-8 (as the analyzer does). */
export function text(b, start, end) {
  for (let i = start; i < end; i++) if (b[i] >= 0x80) return utf8.decode(b.subarray(start, end));
  return String.fromCharCode.apply(null, b.subarray(start, end));
}

/** uint16 values of [p, end) (even length checked by the caller); GREASE ones set `bit` in h.grease. */
export function u16s(h, bit, b, p, end) {
  const out = [];
  for (; p < end; p += 2) {
    const v = (b[p] << 8) | b[p + 1];
    if (bit !== 0 && isGrease(v)) h.grease |= bit;
    out.push(v);
  }
  return out;
}

export function u8s(b, p, end) {
  const out = [];
  for (; p < end; p++) out.push(b[p]);
  return out;
}

/** A vector with a 1-byte (vec8) or 2-byte (vec16) length that fills [p, end) exactly: its content's start, or -1. */
export const vec8Filling = (b, p, end) => (end - p >= 1 && p + 1 + b[p] === end ? p + 1 : -1);
export const vec16Filling = (b, p, end) => (end - p >= 2 && p + 2 + u16(b, p) === end ? p + 2 : -1);
