import { Harness, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, got } from './harness.js';

const DATA = TCP_ACK | TCP_PSH;

/** Handshake with ISNs 100/500: client data starts at seq 101, server data at 501. */
function opened(options: ConstructorParameters<typeof Harness>[0] = {}): Harness {
  const h = new Harness(options);
  h.handshake(100, 500);
  return h;
}

describe('in-order delivery', () => {
  test('bytes of each direction arrive in order, each with its own frame', () => {
    const h = opened();
    const f1 = h.c({ seq: 101, ack: 501, payload: 'GET ', flags: DATA });
    const f2 = h.c({ seq: 105, ack: 501, payload: '/', flags: DATA });
    const f3 = h.s({ seq: 501, ack: 106, payload: 'OK', flags: DATA });
    h.table.finish();
    const r = h.conns[0]!;
    expect(got(r, 0)).toBe('GET /');
    expect(got(r, 1)).toBe('OK');
    expect(r.frames[0]).toEqual([f1, f1, f1, f1, f2]);
    expect(r.frames[1]).toEqual([f3, f3]);
    expect(r.gaps).toEqual([]);
  });

  test('retransmissions and duplicates are delivered once', () => {
    const h = opened();
    h.c({ seq: 101, ack: 501, payload: 'abcd', flags: DATA });
    h.c({ seq: 101, ack: 501, payload: 'abcd', flags: DATA });
    h.c({ seq: 103, ack: 501, payload: 'cdef', flags: DATA }); // overlaps 2 old bytes
    h.c({ seq: 101, ack: 501, payload: 'abcdef', flags: DATA });
    h.table.finish();
    expect(got(h.conns[0]!, 0)).toBe('abcdef');
    expect(h.warnings).toEqual([]);
  });

  test('payload on the SYN (TCP Fast Open) is delivered first', () => {
    const h = new Harness();
    h.c({ seq: 100, flags: TCP_SYN, payload: 'tfo' });
    h.s({ seq: 500, ack: 104, flags: TCP_SYN | TCP_ACK });
    h.c({ seq: 104, ack: 501, payload: '!', flags: DATA });
    h.table.finish();
    expect(got(h.conns[0]!, 0)).toBe('tfo!');
  });

  test('sequence numbers wrap around 2^32', () => {
    const h = new Harness();
    const isn = 0xfffffffd;
    h.handshake(isn, 500);
    h.c({ seq: 0xfffffffe, ack: 501, payload: 'ab', flags: DATA }); // 0xfffffffe, 0xffffffff
    h.c({ seq: 2, ack: 501, payload: 'ef', flags: DATA }); // out of order across the wrap
    h.c({ seq: 0, ack: 501, payload: 'cd', flags: DATA });
    h.c({ seq: 0xffffffff, ack: 501, payload: 'bcd', flags: DATA }); // retransmission across the wrap
    h.table.finish();
    expect(got(h.conns[0]!, 0)).toBe('abcdef');
    expect(h.conns[0]!.gaps).toEqual([]);
  });

  test('a connection seen from the middle starts at its first segment', () => {
    const h = new Harness();
    h.c({ seq: 123456, ack: 9, payload: 'mid', flags: DATA });
    h.c({ seq: 123459, ack: 9, payload: 'dle', flags: DATA });
    h.table.finish();
    expect(got(h.conns[0]!, 0)).toBe('middle');
  });
});

describe('out-of-order data and overlaps', () => {
  test('a segment ahead of a hole is held, then delivered when the hole fills', () => {
    const h = opened();
    const late = h.c({ seq: 104, ack: 501, payload: 'def', flags: DATA });
    expect(h.conns[0]!.bytes[0]).toEqual([]);
    expect(h.table.stats.pendingBytes).toBe(3);
    const early = h.c({ seq: 101, ack: 501, payload: 'abc', flags: DATA });
    expect(got(h.conns[0]!, 0)).toBe('abcdef');
    expect(h.conns[0]!.frames[0]).toEqual([early, early, early, late, late, late]);
    expect(h.table.stats.pendingBytes).toBe(0);
  });

  test('overlapping held segments: the first copy wins', () => {
    const h = opened();
    h.c({ seq: 105, ack: 501, payload: 'EFGH', flags: DATA });
    h.c({ seq: 103, ack: 501, payload: 'CDEFGHIJ', flags: DATA }); // covers the held one and more
    h.c({ seq: 101, ack: 501, payload: 'ABCD', flags: DATA });
    h.table.finish();
    expect(got(h.conns[0]!, 0)).toBe('ABCDEFGHIJ');
    expect(h.warnings).toEqual([]);
  });

  test('a retransmission with different bytes in the overlap is reported with both frames; the first copy is kept', () => {
    const h = opened();
    const first = h.c({ seq: 104, ack: 501, payload: 'def', flags: DATA });
    const second = h.c({ seq: 104, ack: 501, payload: 'dXf', flags: DATA });
    h.c({ seq: 101, ack: 501, payload: 'abcdYf', flags: DATA }); // in order, overlaps the held copy
    h.table.finish();
    expect(got(h.conns[0]!, 0)).toBe('abcdef');
    expect(h.warnings).toHaveLength(2);
    expect(h.warnings[0]).toEqual({ frame: second, text: expect.stringContaining(`frame ${second} differ from frame ${first}`) });
    expect(h.warnings[1]!.text).toContain(`differ from frame ${first}`);
  });

  test('a hole the peer acknowledges was missed by the capture: gap, then delivery resumes', () => {
    const h = opened();
    h.c({ seq: 101, ack: 501, payload: 'abc', flags: DATA });
    const after = h.c({ seq: 110, ack: 501, payload: 'xyz', flags: DATA });
    expect(h.conns[0]!.gaps).toEqual([]);
    h.s({ seq: 501, ack: 113 }); // the server got bytes 104..109 that the capture never saw
    const r = h.conns[0]!;
    expect(r.gaps).toEqual([{ direction: 0, missing: 6, frame: after }]);
    expect(got(r, 0)).toBe('abcxyz');
    expect(r.events.slice(-3)).toEqual([`data 0 3 @4`, `gap 0 6 @${after}`, `data 0 3 @${after}`]);
    expect(h.table.stats.pendingBytes).toBe(0);
  });

  test('an ACK covering only the front of a hole gives up only that part', () => {
    const h = opened();
    h.c({ seq: 110, ack: 501, payload: 'xyz', flags: DATA });
    const ackFrame = h.s({ seq: 501, ack: 105 });
    expect(h.conns[0]!.gaps).toEqual([{ direction: 0, missing: 4, frame: ackFrame }]);
    h.c({ seq: 105, ack: 501, payload: '56789', flags: DATA });
    expect(got(h.conns[0]!, 0)).toBe('56789xyz');
  });

  test('a hole that never fills is reported at the end of the capture', () => {
    const h = opened();
    const f = h.c({ seq: 111, ack: 501, payload: 'tail', flags: DATA });
    h.table.finish();
    expect(h.conns[0]!.gaps).toEqual([{ direction: 0, missing: 10, frame: f }]);
    expect(got(h.conns[0]!, 0)).toBe('tail');
  });

  test('a RST delivers what is held (with its gaps) before ending', () => {
    const h = opened();
    h.c({ seq: 105, ack: 501, payload: 'late', flags: DATA });
    h.s({ seq: 501, ack: 101, flags: TCP_RST | TCP_ACK });
    h.table.finish();
    const r = h.conns[0]!;
    expect(r.events.slice(-4)).toEqual(['rst 1 @5', 'gap 0 4 @4', 'data 0 4 @4', 'end']);
  });

  test('bytes missing before a FIN are reported as a gap at the end', () => {
    const h = opened();
    const fin = h.c({ seq: 111, ack: 501, flags: TCP_FIN | TCP_ACK });
    h.table.finish();
    expect(h.conns[0]!.gaps).toEqual([{ direction: 0, missing: 10, frame: fin }]);
  });
});

describe('snaplen-cut segments', () => {
  test('the captured part is delivered, then the missing part is a gap', () => {
    const h = opened();
    const f = h.c({ seq: 101, ack: 501, payload: 'abc', missing: 97, flags: DATA });
    h.c({ seq: 201, ack: 501, payload: 'xyz', missing: 7, flags: DATA });
    h.table.finish();
    const r = h.conns[0]!;
    expect(got(r, 0)).toBe('abcxyz');
    expect(r.gaps).toEqual([{ direction: 0, missing: 97, frame: f }, { direction: 0, missing: 7, frame: f + 1 }]);
  });

  test('a cut segment held out of order keeps its missing part', () => {
    const h = opened();
    const cut = h.c({ seq: 104, ack: 501, payload: 'de', missing: 3, flags: DATA });
    h.c({ seq: 101, ack: 501, payload: 'abc', flags: DATA });
    h.c({ seq: 109, ack: 501, payload: 'ij', flags: DATA });
    h.table.finish();
    expect(got(h.conns[0]!, 0)).toBe('abcdeij');
    expect(h.conns[0]!.gaps).toEqual([{ direction: 0, missing: 3, frame: cut }]);
  });
});

describe('skip', () => {
  test('skipped bytes are neither delivered nor held, in order or not', () => {
    const h = opened();
    // The consumer reads a 5-byte header "HDR:n" and skips an n-byte body.
    let skipNext = true;
    h.onData = (r, direction, bytes) => {
      if (skipNext && bytes.length >= 5) {
        skipNext = false;
        r.control.skip(direction, 20 - (bytes.length - 5));
      }
    };
    h.c({ seq: 101, ack: 501, payload: 'HDR:1body-', flags: DATA }); // header + 5 body bytes in view: skip 15 more (seq 111..125)
    h.c({ seq: 116, ack: 501, payload: 'skipped!', flags: DATA }); // entirely inside the skip: dropped
    h.c({ seq: 127, ack: 501, payload: 'NEXTzz', flags: DATA }); // beyond the skip, after a 1-byte hole: held
    expect(h.table.stats.pendingBytes).toBe(6);
    h.c({ seq: 124, ack: 501, payload: 'ab', flags: DATA }); // out of order but inside the skip: dropped, not held
    expect(h.table.stats.pendingBytes).toBe(6);
    h.c({ seq: 124, ack: 501, payload: 'abZ', flags: DATA }); // only its last byte (seq 126) is past the skip
    expect(h.table.stats.pendingBytes).toBe(0);
    h.table.finish();
    const r = h.conns[0]!;
    expect(got(r, 0)).toBe('HDR:1body-ZNEXTzz');
    expect(r.gaps).toEqual([]);
  });

  test('a skip across held data drops the held bytes inside it', () => {
    const h = opened();
    h.c({ seq: 111, ack: 501, payload: '0123456789', flags: DATA }); // 111..120, held
    h.c({ seq: 131, ack: 501, payload: 'KEEP', flags: DATA }); // 131..134, held
    expect(h.table.stats.pendingBytes).toBe(14);
    h.onData = (r, direction) => {
      h.onData = null;
      r.control.skip(direction, 15); // after 'hdr' (101..103): skip 104..118
    };
    h.c({ seq: 101, ack: 501, payload: 'hdr', flags: DATA });
    expect(h.table.stats.pendingBytes).toBe(4); // '89' (119, 120) survived the skip and were delivered; 'KEEP' waits
    h.c({ seq: 121, ack: 501, payload: 'abcdefghij', flags: DATA });
    h.table.finish();
    expect(got(h.conns[0]!, 0)).toBe('hdr89abcdefghijKEEP');
  });

  test('a skip beyond everything received drops whatever falls inside it later', () => {
    const h = opened();
    h.onData = (r, direction) => {
      h.onData = null;
      r.control.skip(direction, 1_000_000);
    };
    h.c({ seq: 101, ack: 501, payload: 'x', flags: DATA });
    for (let i = 0; i < 100; i++) h.c({ seq: 102 + ((i * 7919) % 100) * 1000, ack: 501, payload: new Uint8Array(1000), flags: DATA });
    expect(h.table.stats.pendingBytes).toBe(0);
    h.c({ seq: 102 + 1_000_000, ack: 501, payload: 'after', flags: DATA });
    h.table.finish();
    expect(got(h.conns[0]!, 0)).toBe('xafter');
    expect(h.conns[0]!.gaps).toEqual([]);
  });

  test('skip counts from the end of the chunk being delivered, and skips add up', () => {
    const h = opened();
    h.onData = (r, direction) => {
      h.onData = null;
      r.control.skip(direction, 2);
      r.control.skip(direction, 3);
    };
    h.c({ seq: 101, ack: 501, payload: 'ab', flags: DATA });
    h.c({ seq: 103, ack: 501, payload: '12345cd', flags: DATA });
    h.table.finish();
    expect(got(h.conns[0]!, 0)).toBe('abcd');
  });

  test('skip applies to the direction named by the consumer', () => {
    const h = new Harness();
    h.s({ seq: 100, flags: TCP_SYN }); // the port-443 side is the client here: direction 0 is A->B reversed
    h.c({ seq: 500, ack: 101, flags: TCP_SYN | TCP_ACK });
    h.onData = (r, direction) => {
      h.onData = null;
      r.control.skip(direction, 3);
    };
    h.c({ seq: 501, ack: 101, payload: 'a', flags: DATA }); // server (port 40000) to client: direction 1
    h.c({ seq: 502, ack: 101, payload: 'xyzb', flags: DATA });
    h.s({ seq: 101, ack: 506, payload: 'client', flags: DATA });
    h.table.finish();
    expect(got(h.conns[0]!, 1)).toBe('ab');
    expect(got(h.conns[0]!, 0)).toBe('client');
  });
});

describe('memory caps', () => {
  test('the per-direction cap gives up the hole with a warning and resumes', () => {
    const h = opened({ maxPendingBytesPerDirection: 10 });
    h.c({ seq: 111, ack: 501, payload: 'abcdef', flags: DATA });
    expect(h.warnings).toEqual([]);
    const f = h.c({ seq: 117, ack: 501, payload: 'ghijkl', flags: DATA });
    const r = h.conns[0]!;
    expect(r.gaps).toEqual([{ direction: 0, missing: 10, frame: 4 }]);
    expect(got(r, 0)).toBe('abcdefghijkl');
    expect(h.table.stats.pendingBytes).toBe(0);
    expect(h.warnings).toHaveLength(1);
    expect(h.warnings[0]!.frame).toBe(f);
    expect(h.warnings[0]!.text).toMatch(/TCP connection 0: 12 out-of-order bytes held exceed the per-direction cap of 10; 10 never-seen bytes/);
    // Late arrival of the missing bytes: already given up, dropped.
    h.c({ seq: 101, ack: 501, payload: '0123456789', flags: DATA });
    expect(got(r, 0)).toBe('abcdefghijkl');
  });

  test('the total cap sheds the direction holding the most', () => {
    const h = new Harness({ maxPendingBytesTotal: 15 });
    h.handshake(100, 500);
    h.handshake(1000, 5000, { ip: 0x0a000009, port: 40009 }, { ip: 0x0a000002, port: 443 });
    h.c({ seq: 111, ack: 501, payload: 'aaaaaaaaaa', flags: DATA }); // conn 0 holds 10
    h.send({ ip: 0x0a000009, port: 40009 }, { ip: 0x0a000002, port: 443 }, { seq: 1011, ack: 5001, payload: 'bbbbbb', flags: DATA });
    expect(h.warnings).toHaveLength(1);
    expect(h.warnings[0]!.text).toMatch(/TCP connection 0: 10 out-of-order bytes held while the table holds 16 bytes, over the total cap of 15/);
    expect(got(h.conns[0]!, 0)).toBe('aaaaaaaaaa');
    expect(h.table.stats.pendingBytes).toBe(6);
  });
});

describe('end of a connection', () => {
  test('FIN both ways after the data ends the connection once; nothing is held after', () => {
    const h = opened();
    h.c({ seq: 101, ack: 501, payload: 'bye', flags: DATA | TCP_FIN });
    h.s({ seq: 501, ack: 105, flags: TCP_FIN | TCP_ACK });
    h.c({ seq: 105, ack: 502 });
    const r = h.conns[0]!;
    expect(r.ends).toBe(1);
    expect(r.events).toEqual(['data 0 3 @4', 'fin 0 @4', 'fin 1 @5', 'end']);
    expect(h.table.stats).toMatchObject({ live: 0, tombstones: 1, pendingBytes: 0 });
  });
});
