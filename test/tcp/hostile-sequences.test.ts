import { ConnectionTable } from '../../src/tcp/connection-table.js';
import { newTcpSegment, TCP_SYN } from '../../src/net/tcp-segment.js';
/**
 * Sequence numbers a broken middlebox or an attacker produces: segments 2 GB away from the
 * stream (outside any TCP window), and retransmissions whose bytes differ from the copy already
 * delivered. Neither may corrupt the delivered stream, and both must be named in a warning with
 * the frame number.
 */
import { MAX_WINDOW, RECENT_BYTES } from '../../src/tcp/direction-reassembler.js';
import { CLIENT, Harness, SERVER, TCP_ACK, TCP_FIN, TCP_PSH, got } from './harness.js';

const DATA = TCP_ACK | TCP_PSH;

/** Handshake with ISNs 100/500: client data starts at seq 101, server data at 501. */
function opened(options: ConstructorParameters<typeof Harness>[0] = {}): Harness {
  const h = new Harness(options);
  h.handshake(100, 500);
  return h;
}

describe('segments outside any TCP window', () => {
  test('a segment 2^31 away is not reassembled; the first is warned about with its frame, later ones counted at the end', () => {
    const h = opened();
    h.c({ seq: 101, ack: 501, payload: 'abc', flags: DATA });
    const jump = h.c({ seq: (104 + 2 ** 31) >>> 0, ack: 501, payload: 'XXX', flags: DATA });
    h.c({ seq: 104, ack: 501, payload: 'def', flags: DATA });
    h.c({ seq: (107 + 2 ** 31) >>> 0, ack: 501, payload: 'YYY', flags: DATA });
    h.c({ seq: (107 - 2 ** 31 + 5) >>> 0, ack: 501, payload: 'ZZZ', flags: DATA });
    h.s({ seq: 501, ack: 107, payload: 'ok', flags: DATA });
    h.table.finish();
    const r = h.conns[0]!;
    expect(got(r, 0)).toBe('abcdef');
    expect(got(r, 1)).toBe('ok');
    expect(r.gaps).toEqual([]);
    expect(h.warnings).toEqual([
      {
        frame: jump,
        text:
          `TCP connection 0: client segment in frame ${jump} has sequence number ${(104 + 2 ** 31) >>> 0}, 2147483648 bytes behind ` +
          'the next expected 104: outside any TCP window (at most 2^30 bytes, RFC 7323), so not part of this stream; its 3 bytes are not reassembled',
      },
      { frame: jump, text: `TCP connection 0: 2 more client segments after frame ${jump} were outside any TCP window and not reassembled` },
    ]);
  });

  test('the limit is one maximal window (2^30) either way: just inside is a hole, just outside is dropped', () => {
    const h = opened();
    h.c({ seq: 101, ack: 501, payload: 'a', flags: DATA });
    const inside = h.c({ seq: (102 + MAX_WINDOW) >>> 0, ack: 501, payload: 'far', flags: DATA });
    expect(h.table.stats.pendingBytes).toBe(3);
    expect(h.warnings).toEqual([]);
    const outside = h.c({ seq: (102 + MAX_WINDOW + 1) >>> 0, ack: 501, payload: 'too', flags: DATA });
    expect(h.table.stats.pendingBytes).toBe(3);
    expect(h.warnings).toHaveLength(1);
    expect(h.warnings[0]).toEqual({ frame: outside, text: expect.stringContaining(`${MAX_WINDOW + 1} bytes ahead of the next expected 102`) });
    expect(inside).toBeLessThan(outside);
  });

  test('an acknowledgement beyond any window does not give up the hole before held data', () => {
    const h = opened();
    h.c({ seq: 104, ack: 501, payload: 'def', flags: DATA });
    h.s({ seq: 501, ack: (101 + MAX_WINDOW + 10) >>> 0 });
    expect(h.conns[0]!.gaps).toEqual([]);
    h.c({ seq: 101, ack: 501, payload: 'abc', flags: DATA });
    expect(got(h.conns[0]!, 0)).toBe('abcdef');
  });

  test('each direction and each connection warns on its own', () => {
    const h = opened();
    h.c({ seq: (101 + 2 ** 31) >>> 0, ack: 501, payload: 'x', flags: DATA });
    h.s({ seq: (501 + 2 ** 31) >>> 0, ack: 101, payload: 'y', flags: DATA });
    const other = { ...CLIENT, port: 40001 };
    h.handshake(7000, 9000, other, SERVER);
    h.send(other, SERVER, { seq: (7001 + 2 ** 31) >>> 0, ack: 9001, payload: 'z', flags: DATA });
    h.table.finish();
    expect(h.warnings.map((w) => w.text.slice(0, 36))).toEqual([
      'TCP connection 0: client segment in ',
      'TCP connection 0: server segment in ',
      'TCP connection 1: client segment in ',
    ]);
  });
});

describe('retransmissions of delivered bytes', () => {
  test('different bytes are reported with both frames, the first copy is kept, and later ones are counted once', () => {
    const h = opened();
    const first = h.c({ seq: 101, ack: 501, payload: 'abcdef', flags: DATA });
    const second = h.c({ seq: 103, ack: 501, payload: 'cXef', flags: DATA });
    h.c({ seq: 101, ack: 501, payload: 'Zb', flags: DATA });
    h.c({ seq: 107, ack: 501, payload: 'gh', flags: TCP_FIN | DATA });
    h.s({ seq: 501, ack: 110, flags: TCP_FIN | TCP_ACK });
    h.c({ seq: 110, ack: 502, flags: TCP_ACK });
    const r = h.conns[0]!;
    expect(got(r, 0)).toBe('abcdefgh');
    expect(h.warnings).toEqual([
      {
        frame: second,
        text:
          `TCP connection 0: retransmitted bytes in frame ${second} differ from the client bytes already delivered from frame ${first} ` +
          'at stream offset 3 (4 overlapping bytes); the first copy is kept, the receiving host may have kept the other',
      },
      { frame: second, text: `TCP connection 0: 1 more client retransmissions after frame ${second} differ from bytes already delivered` },
    ]);
  });

  test('identical retransmissions, and one that straddles the next expected byte, are not reported', () => {
    const h = opened();
    h.c({ seq: 101, ack: 501, payload: 'abcd', flags: DATA });
    h.c({ seq: 101, ack: 501, payload: 'abcd', flags: DATA });
    h.c({ seq: 103, ack: 501, payload: 'cdEF', flags: DATA });
    h.table.finish();
    expect(got(h.conns[0]!, 0)).toBe('abcdEF');
    expect(h.warnings).toEqual([]);
  });

  test('a straddling retransmission whose old part differs is reported', () => {
    const h = opened();
    h.c({ seq: 101, ack: 501, payload: 'abcd', flags: DATA });
    const f = h.c({ seq: 103, ack: 501, payload: 'cQEF', flags: DATA });
    h.table.finish();
    expect(got(h.conns[0]!, 0)).toBe('abcdEF');
    expect(h.warnings).toEqual([{ frame: f, text: expect.stringContaining('at stream offset 3 (2 overlapping bytes)') }]);
  });

  test(`only the last ${RECENT_BYTES} delivered bytes are compared; bytes the consumer skipped are never kept`, () => {
    const h = opened();
    const big = new Uint8Array(RECENT_BYTES + 10).fill(0x61);
    h.c({ seq: 101, ack: 501, payload: big, flags: DATA });
    // The first 10 bytes fell out of the copy: a different retransmission of them goes unseen.
    h.c({ seq: 101, ack: 501, payload: 'bbbbbbbbbb', flags: DATA });
    expect(h.warnings).toEqual([]);
    h.c({ seq: 111, ack: 501, payload: 'b', flags: DATA });
    expect(h.warnings).toHaveLength(1);
    expect(h.warnings[0]!.text).toContain('at stream offset 10 (1 overlapping bytes)');
  });

  test('skipped bytes are not compared', () => {
    const h = opened();
    h.onData = (r, direction) => {
      if (direction === 0 && r.bytes[0].length === 2) r.control.skip(0, 4);
    };
    h.c({ seq: 101, ack: 501, payload: 'ab', flags: DATA });
    h.c({ seq: 103, ack: 501, payload: 'cdef', flags: DATA }); // skipped unseen
    h.c({ seq: 103, ack: 501, payload: 'CDEF', flags: DATA }); // differs, but nothing was kept of it
    h.c({ seq: 107, ack: 501, payload: 'g', flags: DATA });
    h.table.finish();
    expect(got(h.conns[0]!, 0)).toBe('abg');
    expect(h.warnings).toEqual([]);
  });

  test('copies are bounded over the table: a direction finding none free does not compare, ended connections free theirs', () => {
    const h = new Harness({ maxRecentCopies: 1 });
    h.handshake(100, 500);
    h.c({ seq: 101, ack: 501, payload: 'abc', flags: DATA });
    const other = { ...CLIENT, port: 40001 };
    h.handshake(7000, 9000, other, SERVER);
    h.send(other, SERVER, { seq: 7001, ack: 9001, payload: 'xyz', flags: DATA });
    h.send(other, SERVER, { seq: 7001, ack: 9001, payload: 'XYZ', flags: DATA });
    expect(h.warnings).toEqual([]);
    // The first connection ends (FIN both ways); its copy is free for a new connection.
    h.c({ seq: 104, ack: 501, flags: TCP_FIN | TCP_ACK });
    h.s({ seq: 501, ack: 105, flags: TCP_FIN | TCP_ACK });
    const third = { ...CLIENT, port: 40002 };
    h.handshake(3000, 4000, third, SERVER);
    h.send(third, SERVER, { seq: 3001, ack: 4001, payload: 'pq', flags: DATA });
    const f = h.send(third, SERVER, { seq: 3001, ack: 4001, payload: 'pQ', flags: DATA });
    expect(h.warnings).toEqual([{ frame: f, text: expect.stringContaining('TCP connection 2: retransmitted bytes') }]);
  });

  test('a copy given back by an ended connection is reused empty: nothing of the old stream is compared or named', () => {
    const h = new Harness({ maxRecentCopies: 1 });
    h.handshake(100, 500);
    h.c({ seq: 101, ack: 501, payload: 'abcdefgh', flags: DATA });
    h.c({ seq: 109, ack: 501, flags: TCP_FIN | TCP_ACK });
    h.s({ seq: 501, ack: 110, flags: TCP_FIN | TCP_ACK });
    const other = { ...CLIENT, port: 40001 };
    h.handshake(7000, 9000, other, SERVER);
    const first = h.send(other, SERVER, { seq: 7001, ack: 9001, payload: 'xyz', flags: DATA });
    h.send(other, SERVER, { seq: 7001, ack: 9001, payload: 'xyz', flags: DATA });
    expect(h.warnings).toEqual([]);
    const second = h.send(other, SERVER, { seq: 7001, ack: 9001, payload: 'xyZdefgh', flags: DATA });
    expect(got(h.conns[1]!, 0)).toBe('xyzdefgh');
    expect(h.warnings).toEqual([{
      frame: second,
      text: `TCP connection 1: retransmitted bytes in frame ${second} differ from the client bytes already delivered from frame ${first} ` +
        'at stream offset 2 (3 overlapping bytes); the first copy is kept, the receiving host may have kept the other',
    }]);
  });

  test('the frame named is the one that delivered the differing byte, among the last chunks of the copy', () => {
    const h = opened();
    const frames = ['ab', 'cd', 'ef'].map((payload, i) => h.c({ seq: 101 + 2 * i, ack: 501, payload, flags: DATA }));
    const f = h.c({ seq: 101, ack: 501, payload: 'abcdEf', flags: DATA });
    expect(h.warnings).toEqual([{ frame: f, text: expect.stringContaining(`from frame ${frames[2]} at stream offset 4 (6 overlapping bytes)`) }]);
  });

  test('past the last 32 chunks the frame of the first copy is no longer named, the bytes still compared', () => {
    const h = opened();
    for (let i = 0; i < 40; i++) h.c({ seq: 101 + i, ack: 501, payload: 'a', flags: DATA });
    const f = h.c({ seq: 101, ack: 501, payload: 'b', flags: DATA });
    expect(h.warnings).toEqual([{
      frame: f,
      text: `TCP connection 0: retransmitted bytes in frame ${f} differ from the client bytes already delivered ` +
        'at stream offset 0 (1 overlapping bytes); the first copy is kept, the receiving host may have kept the other',
    }]);
  });
});

describe('a consumer skip far beyond the received bytes', () => {
  test('later in-window segments are dropped quietly, not reported as outside any window', () => {
    const warnings: string[] = [];
    const events: string[] = [];
    let skipped = false;
    const table = new ConnectionTable(
      (_info, control) => ({
        data(direction, _b, _o, length) {
          events.push(`data ${direction} ${length}`);
          // What the TLS layer does on a stream that is not TLS: skip everything that follows.
          if (!skipped) {
            skipped = true;
            control.skip(direction, 2 ** 31 - 1);
          }
        },
        gap() {},
        close() {},
        end() {},
      }),
      { warn: (_f, t) => warnings.push(t) },
    );
    const seg = newTcpSegment();
    const send = (frame: number, flags: number, seq: number, len: number, fromClient = true): void => {
      Object.assign(seg, {
        frame, tsSec: 1, tsNsec: frame, ipVersion: 4,
        src4: fromClient ? 0x0a000001 : 0x0a000002, dst4: fromClient ? 0x0a000002 : 0x0a000001,
        srcPort: fromClient ? 40000 : 80, dstPort: fromClient ? 80 : 40000,
        seq, ack: 0, flags, data: new Uint8Array(len + 1), payloadOffset: 1, payloadLength: len, payloadMissing: 0,
      });
      table.segment(seg);
    };
    send(1, TCP_SYN, 1000, 0);
    send(2, TCP_SYN | TCP_ACK, 5000, 0, false);
    for (let i = 0; i < 50; i++) send(3 + i, TCP_ACK, 1001 + i * 1448, 1448);
    table.finish();
    expect(events).toEqual(['data 0 1448']);
    expect(warnings.filter((w) => /outside any TCP window/.test(w))).toEqual([]);
  });
});
