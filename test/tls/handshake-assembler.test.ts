/** Handshake reassembly on hand-built bytes: headers are announced as read, gaps say what they hit. */
import { HandshakeAssembler, type AssembledMessage } from '../../src/tls/handshake-assembler.js';

function make(cap: number) {
  const messages: AssembledMessage[] = [];
  const headers: [number, number, boolean][] = [];
  const a = new HandshakeAssembler(cap, {
    message: (m) => messages.push(m),
    header: (t, l, big) => headers.push([t, l, big]),
  });
  return { a, messages, headers };
}

describe('HandshakeAssembler', () => {
  test('a header over the cap is announced when read, long before its declared 16 MB end', () => {
    const { a, messages, headers } = make(1000);
    a.push(Uint8Array.from([1, 0xff, 0xff, 0xff, 9, 9, 9]), 0, 7, 0x0301);
    expect(headers).toEqual([[1, 0xffffff, true]]);
    expect(messages).toEqual([]);
    expect(a.current).toEqual({ type: 1, length: 0xffffff });
  });

  test('a header split across pushes is announced once complete; small messages are not too large', () => {
    const { a, messages, headers } = make(1000);
    a.push(Uint8Array.from([2, 0]), 0, 2, 0x0303);
    expect(headers).toEqual([]);
    a.push(Uint8Array.from([0, 2, 7, 8]), 0, 4, 0x0303);
    expect(headers).toEqual([[2, 2, false]]);
    expect(messages.map((m) => [m.type, m.length, m.dropped])).toEqual([[2, 2, null]]);
    expect(a.current).toBeNull();
  });

  test('gap(): inside a message it reports the bytes lost there; past its end it ends the message', () => {
    const { a, messages } = make(1000);
    a.push(Uint8Array.from([11, 0, 0, 10, 1, 2]), 0, 6, 0x0303);
    expect(a.gap(3)).toEqual({ type: 11, length: 10, missingInMessage: 3, ended: false });
    expect(a.gap(20)).toEqual({ type: 11, length: 10, missingInMessage: 5, ended: true });
    expect(messages.map((m) => [m.type, m.dropped])).toEqual([[11, 'gap']]);
    expect(a.gap(4)).toBeNull();
  });

  /** A handshake message of `type` whose body is `length` bytes counting up from `seed`. */
  const message = (type: number, length: number, seed: number): Uint8Array => {
    const m = new Uint8Array(4 + length);
    m[0] = type;
    m[1] = length >> 16;
    m[2] = (length >> 8) & 0xff;
    m[3] = length & 0xff;
    for (let i = 0; i < length; i++) m[4 + i] = (seed + i) & 0xff;
    return m;
  };

  /** Feeds `bytes` in pieces of `size` and returns each message's body as read during its call. */
  const splitFeed = (cap: number, bytes: Uint8Array, size: number) => {
    const seen: { type: number; body: number[]; owned: boolean }[] = [];
    const a = new HandshakeAssembler(cap, {
      message: (m) => seen.push({ type: m.type, body: m.body ? [...m.body.bytes.subarray(m.body.pos, m.body.end)] : [], owned: m.owned }),
      header: () => {},
    });
    for (let p = 0; p < bytes.length; p += size) a.push(bytes, p, Math.min(bytes.length, p + size), 0x0303);
    return { a, seen };
  };

  test('messages split across pushes are read whole, each with exactly its own bytes', () => {
    // A long message then a shorter one: the second must not see the first's tail.
    const long = message(11, 5000, 1);
    const short = message(12, 300, 200);
    const { seen } = splitFeed(1 << 20, Uint8Array.from([...long, ...short]), 1448);
    expect(seen.map((m) => [m.type, m.body.length])).toEqual([[11, 5000], [12, 300]]);
    expect(seen[0]!.body).toEqual([...long.subarray(4)]);
    expect(seen[1]!.body).toEqual([...short.subarray(4)]);
    // Gathered in a buffer that is reused: the sink may not keep views into it.
    expect(seen.map((m) => m.owned)).toEqual([false, false]);
  });

  test('a split message larger than the pooled buffers gets a buffer the sink owns', () => {
    const big = message(11, 40_000, 3);
    const { seen } = splitFeed(1 << 20, big, 1448);
    expect(seen.map((m) => [m.type, m.body.length, m.owned])).toEqual([[11, 40_000, true]]);
    expect(seen[0]!.body).toEqual([...big.subarray(4)]);
  });

  test('many messages split at the same time each keep their own bytes (more than the pool holds)', () => {
    const n = 40;
    const seen: { body: number[]; owned: boolean }[][] = [];
    const assemblers = Array.from({ length: n }, (_, i) => {
      seen.push([]);
      return new HandshakeAssembler(1 << 20, {
        message: (m) => seen[i]!.push({ body: m.body ? [...m.body.bytes.subarray(m.body.pos, m.body.end)] : [], owned: m.owned }),
        header: () => {},
      });
    });
    const messages = assemblers.map((_, i) => message(11, 3000, i));
    assemblers.forEach((a, i) => a.push(messages[i]!, 0, 1500, 0x0303));
    assemblers.forEach((a, i) => a.push(messages[i]!, 1500, messages[i]!.length, 0x0303));
    seen.forEach((s, i) => expect([i, s.length, s[0]!.body]).toEqual([i, 1, [...messages[i]!.subarray(4)]]));
    // Beyond the pooled buffers, a message gets a buffer of its own (the sink may keep views).
    expect(seen.filter((s) => s[0]!.owned).length).toBeGreaterThanOrEqual(n - 32);
  });

  test('a message lost to a gap leaves the next split message intact', () => {
    const seen: { type: number; body: number[] }[] = [];
    const a = new HandshakeAssembler(1 << 20, {
      message: (m) => seen.push({ type: m.type, body: m.body ? [...m.body.bytes.subarray(m.body.pos, m.body.end)] : [] }),
      header: () => {},
    });
    const lost = message(11, 3000, 5);
    a.push(lost, 0, 1000, 0x0303);
    expect(a.gap(2004)).toEqual({ type: 11, length: 3000, missingInMessage: 2004, ended: true });
    const next = message(16, 2000, 77);
    a.recordStart();
    for (let p = 0; p < next.length; p += 700) a.push(next, p, Math.min(next.length, p + 700), 0x0303);
    expect(seen.map((m) => [m.type, m.body.length])).toEqual([[11, 0], [16, 2000]]);
    expect(seen[1]!.body).toEqual([...next.subarray(4)]);
  });
});
