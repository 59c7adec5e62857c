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
});
