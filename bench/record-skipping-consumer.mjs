// The consumer the reassembly benchmarks hand every TCP connection: it frames TLS records
// (5-byte headers) and asks the table to skip each body, as the analyzer does with records it
// does not read, so what is measured is reassembly with skips. `deliverAll` takes every byte
// instead (the cost of delivering them all).
export function recordSkippingConsumer(control, deliverAll, onDelivered) {
  // Per direction: bytes of the 5-byte record header seen so far, and the header itself.
  const state = [{ have: 0, header: new Uint8Array(5) }, { have: 0, header: new Uint8Array(5) }];
  return {
    data(direction, bytes, offset, length) {
      onDelivered(length);
      if (deliverAll) return;
      const s = state[direction];
      for (let i = offset, end = offset + length; i < end; ) {
        s.header[s.have++] = bytes[i++];
        if (s.have < 5) continue;
        s.have = 0;
        const body = (s.header[3] << 8) | s.header[4];
        const here = Math.min(body, end - i);
        i += here;
        if (body > here) {
          control.skip(direction, body - here);
          return;
        }
      }
    },
    gap() {},
    close() {},
    end() {},
  };
}
