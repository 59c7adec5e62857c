// The buffers handshake messages are gathered in, for both consumers: whole messages are read in
// place, and only those split over records or segments are copied, into 16 KiB buffers taken
// from the pool and given back at the end of the connection (a fresh ArrayBuffer per connection
// costs more than the parsing).
export const POOLED = 16384;
export const pool = [];

/** Whether bytes[i, stop) holds only whole handshake messages. */
export function wholeMessagesIn(bytes, i, stop) {
  while (stop - i >= 4) {
    const len = (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3];
    if (stop - i - 4 < len) return false;
    i += 4 + len;
  }
  return i === stop;
}
