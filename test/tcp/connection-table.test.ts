import { CLIENT, Harness, SERVER, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, got } from './harness.js';
const DATA = TCP_ACK | TCP_PSH;

const OTHER_CLIENT = { ip: 0x0a000003, port: 40001 };

/** The expectations below were checked against tshark 4.0.17 on hand-made pcaps of the same packets. */
describe('stream numbering follows Wireshark tcp.stream', () => {
  test('connections are numbered from 0 in order of first packet', () => {
    const h = new Harness();
    h.handshake(100, 500);
    h.handshake(7000, 9000, OTHER_CLIENT, SERVER);
    h.c({ seq: 101, ack: 501, payload: 'x', flags: TCP_ACK | TCP_PSH });
    h.table.finish();
    expect(h.conns.map((r) => r.info.id)).toEqual([0, 1]);
    expect(h.conns[0]!.info.packets).toBe(4);
    expect(h.table.stats.connections).toBe(2);
  });

  test('a retransmitted SYN (same ISN) stays in the same stream', () => {
    const h = new Harness();
    h.c({ seq: 100, flags: TCP_SYN });
    h.c({ seq: 100, flags: TCP_SYN });
    h.s({ seq: 500, ack: 101, flags: TCP_SYN | TCP_ACK });
    h.table.finish();
    expect(h.table.stats.connections).toBe(1);
    expect(h.conns[0]!.info.packets).toBe(3);
  });

  test('a SYN with a new ISN after FIN starts a new stream; the first one ends once', () => {
    const h = new Harness();
    h.handshake(100, 500);
    h.c({ seq: 101, ack: 501, flags: TCP_FIN | TCP_ACK });
    h.s({ seq: 501, ack: 102, flags: TCP_FIN | TCP_ACK });
    h.c({ seq: 102, ack: 502 });
    h.handshake(9000, 7000);
    h.table.finish();
    expect(h.conns.map((r) => [r.info.id, r.info.firstFrame, r.info.lastFrame, r.info.packets])).toEqual([
      [0, 1, 6, 6],
      [1, 7, 9, 3],
    ]);
    expect(h.conns.map((r) => r.ends)).toEqual([1, 1]);
  });

  test('a SYN with a new ISN on a live connection starts a new stream and ends the old one', () => {
    const h = new Harness();
    h.handshake(100, 500);
    h.handshake(200, 600);
    expect(h.conns[0]!.ends).toBe(1);
    expect(h.table.stats).toMatchObject({ connections: 2, live: 1 });
  });

  test('a SYN with the same ISN after FIN or RST stays in the stream (tshark 4.0)', () => {
    const h = new Harness();
    h.c({ seq: 100, flags: TCP_SYN });
    h.s({ seq: 0, ack: 101, flags: TCP_RST | TCP_ACK });
    h.c({ seq: 100, flags: TCP_SYN });
    h.table.finish();
    expect(h.table.stats.connections).toBe(1);
    expect(h.conns[0]!.info.packets).toBe(3);
    expect(h.conns[0]!.info.lastFrame).toBe(3);
    expect(h.conns[0]!.ends).toBe(1);
  });

  test('both FINs end the stream at the ACK of the last one; later ACKs count in the ended stream and open nothing', () => {
    const h = new Harness();
    h.handshake(100, 500);
    h.c({ seq: 101, ack: 501, flags: TCP_FIN | TCP_ACK });
    h.s({ seq: 501, ack: 102, flags: TCP_FIN | TCP_ACK });
    expect(h.conns[0]!.ends).toBe(0);
    h.s({ seq: 502, ack: 102 }); // from the side of the last FIN: does not acknowledge it
    expect(h.conns[0]!.ends).toBe(0);
    h.c({ seq: 102, ack: 502 });
    expect(h.conns[0]!.ends).toBe(1);
    h.s({ seq: 502, ack: 102 });
    h.table.finish();
    expect(h.table.stats.connections).toBe(1);
    expect(h.conns[0]!.ends).toBe(1);
    // What the consumer was handed at the end stays as it was; the table's stream keeps counting.
    expect(h.conns[0]!.endInfo).toMatchObject({ lastFrame: 7, packets: 7 });
    expect(h.conns[0]!.info).toMatchObject({ lastFrame: 8, packets: 8 });
  });

  test('after both FINs, a retransmitted FIN or a RST counts in the stream (no new close), the last ACK ends it, data ends it first', () => {
    const h = new Harness({ resetGraceSeconds: 60 });
    h.handshake(100, 500);
    h.c({ seq: 101, ack: 501, flags: TCP_FIN | TCP_ACK });
    h.s({ seq: 501, ack: 102, flags: TCP_FIN | TCP_ACK });
    h.s({ seq: 501, ack: 102, flags: TCP_FIN | TCP_ACK });
    expect(h.conns[0]!.ends).toBe(0);
    h.c({ seq: 102, flags: TCP_RST });
    expect(h.conns[0]!.ends).toBe(0);
    h.c({ seq: 102, ack: 502 });
    expect(h.conns[0]!.ends).toBe(1);
    expect(h.conns[0]!.endInfo).toMatchObject({ lastFrame: 8, packets: 8 });
    expect(h.conns[0]!.endInfo!.closes.map((c) => c.kind)).toEqual(['fin', 'fin']);
    h.c({ seq: 102, flags: TCP_RST });
    expect(h.conns[0]!.info.lastFrame).toBe(9);
    expect(h.conns[0]!.endInfo!.lastFrame).toBe(8);

    const other = { ...CLIENT, port: 40001 };
    h.handshake(100, 500, other, SERVER);
    h.send(other, SERVER, { seq: 101, ack: 501, flags: TCP_FIN | TCP_ACK });
    h.send(SERVER, other, { seq: 501, ack: 102, flags: TCP_FIN | TCP_ACK });
    h.send(SERVER, other, { seq: 501, ack: 102, payload: 'late', flags: TCP_ACK | TCP_PSH });
    expect(h.conns[1]!.ends).toBe(1);
    expect(h.conns[1]!.endInfo!.lastFrame).toBe(h.conns[1]!.info.lastFrame - 1);
    expect(got(h.conns[1]!, 1)).toBe('');
  });

  test('a simultaneous close ends at the ACK of the second FIN to be acknowledged, not the first', () => {
    const h = new Harness();
    h.handshake(100, 500);
    h.s({ seq: 501, ack: 101, flags: TCP_FIN | TCP_ACK });
    h.c({ seq: 101, ack: 501, flags: TCP_FIN | TCP_ACK }); // crossed: does not acknowledge the server's FIN
    h.s({ seq: 502, ack: 102 });
    expect(h.conns[0]!.ends).toBe(0);
    h.c({ seq: 102, ack: 502 });
    expect(h.conns[0]!.ends).toBe(1);
    expect(h.conns[0]!.endInfo).toMatchObject({ lastFrame: 7, packets: 7 });
  });

  test('after both FINs, an ACK that never comes ends the stream once the grace has passed', () => {
    const h = new Harness({ resetGraceSeconds: 2 });
    h.handshake(100, 500);
    h.c({ seq: 101, ack: 501, flags: TCP_FIN | TCP_ACK, tsSec: 10 });
    h.s({ seq: 501, ack: 102, flags: TCP_FIN | TCP_ACK, tsSec: 10 });
    const other = { ...CLIENT, port: 40001 };
    h.send(other, SERVER, { seq: 7000, flags: TCP_SYN, tsSec: 11 });
    expect(h.conns[0]!.ends).toBe(0);
    h.send(other, SERVER, { seq: 7000, flags: TCP_SYN, tsSec: 13 });
    expect(h.conns[0]!.ends).toBe(1);
    expect(h.conns[0]!.endInfo).toMatchObject({ lastFrame: 5 });
  });

  test('mid-stream start: a SYN whose seq differs from the first seen seq - 1 starts a new stream', () => {
    const h = new Harness();
    h.c({ seq: 5000, ack: 800, payload: 'abc', flags: TCP_ACK | TCP_PSH });
    h.c({ seq: 4999, flags: TCP_SYN }); // equals Wireshark's base (seq - 1): same stream
    h.c({ seq: 5000, flags: TCP_SYN }); // differs: new stream
    h.table.finish();
    expect(h.conns.map((r) => r.info.packets)).toEqual([2, 1]);
  });

  test('an ACK sets the base of the other direction (ack - 1)', () => {
    const h = new Harness();
    h.s({ seq: 5000, ack: 800, payload: 'abc', flags: TCP_ACK | TCP_PSH });
    h.c({ seq: 799, flags: TCP_SYN }); // same stream
    h.c({ seq: 100, flags: TCP_SYN }); // new stream
    h.table.finish();
    expect(h.table.stats.connections).toBe(2);
  });

  test('a SYN-ACK never starts a new stream', () => {
    const h = new Harness();
    h.handshake(100, 500);
    h.s({ seq: 7000, ack: 9001, flags: TCP_SYN | TCP_ACK });
    h.table.finish();
    expect(h.table.stats.connections).toBe(1);
  });

  test('a SYN from the other end after FIN starts a new stream with that end as client', () => {
    const h = new Harness();
    h.handshake(100, 500);
    h.c({ seq: 101, ack: 501, flags: TCP_FIN | TCP_ACK });
    h.s({ seq: 501, ack: 102, flags: TCP_FIN | TCP_ACK });
    h.s({ seq: 3000, flags: TCP_SYN });
    h.table.finish();
    expect(h.conns[1]!.info).toMatchObject({ id: 1, clientPort: 443, serverPort: 40000, roleSource: 'syn' });
  });

  test('IPv6 connections are keyed and numbered like IPv4 ones', () => {
    const h = new Harness();
    const c6 = { ip: '2001:db8::1', port: 50000 };
    const s6 = { ip: '2001:db8::2', port: 443 };
    h.send(c6, s6, { seq: 1, flags: TCP_SYN });
    h.handshake(100, 500);
    h.send(s6, c6, { seq: 9, ack: 2, flags: TCP_SYN | TCP_ACK });
    h.send(c6, s6, { seq: 2, ack: 10, payload: 'hi', flags: TCP_ACK | TCP_PSH });
    h.table.finish();
    expect(h.conns[0]!.info).toMatchObject({ id: 0, ipVersion: 6, clientIp: '2001:db8::1', serverIp: '2001:db8::2', packets: 3 });
    expect(got(h.conns[0]!, 0)).toBe('hi');
    expect(h.conns[1]!.info).toMatchObject({ id: 1, ipVersion: 4, clientIp: '10.0.0.1', serverIp: '10.0.0.2' });
  });

  test('addresses and sequence numbers above 2^31 are matched both ways and forgotten like others', () => {
    const h = new Harness({ maxTombstones: 2 });
    const server = { ip: 0xcb007105, port: 443 }; // 203.0.113.5
    const clients = [0xc0a80001, 0xfffffffe, 0x80000000].map((ip, i) => ({ ip, port: 50000 + i }));
    for (const client of clients) {
      h.send(client, server, { seq: 0xfffffff0, flags: TCP_SYN });
      h.send(server, client, { seq: 0x90000000, ack: 0xfffffff1, flags: TCP_SYN | TCP_ACK });
      h.send(client, server, { seq: 0xfffffff1, ack: 0x90000001, payload: 'wrap-around', flags: TCP_ACK | TCP_PSH });
      h.send(server, client, { seq: 0x90000001, ack: 0xfffffffc, payload: 'ok', flags: TCP_ACK | TCP_PSH });
      h.send(client, server, { seq: 0xfffffffc, ack: 0x90000003, flags: TCP_FIN | TCP_ACK });
      h.send(server, client, { seq: 0x90000003, ack: 0xfffffffd, flags: TCP_FIN | TCP_ACK });
      h.send(client, server, { seq: 0xfffffffd, ack: 0x90000004, flags: TCP_ACK });
    }
    expect(h.table.stats).toMatchObject({ connections: 3, live: 0 });
    expect(h.conns.map((r) => [r.info.clientIp, r.info.serverIp, got(r, 0), got(r, 1), r.info.packets, r.ends])).toEqual([
      ['192.168.0.1', '203.0.113.5', 'wrap-around', 'ok', 7, 1],
      ['255.255.255.254', '203.0.113.5', 'wrap-around', 'ok', 7, 1],
      ['128.0.0.0', '203.0.113.5', 'wrap-around', 'ok', 7, 1],
    ]);
    // The cap forgot the first connection (its 4-tuple was found and removed): a late ACK there
    // starts a new stream, one on the last connection counts in it.
    h.send(clients[2]!, server, { seq: 0xfffffffd, ack: 0x90000004, flags: TCP_ACK });
    expect(h.table.stats.connections).toBe(3);
    expect(h.conns[2]!.info.packets).toBe(8);
    h.send(server, clients[0]!, { seq: 0x90000004, ack: 0xfffffffd, flags: TCP_ACK });
    expect(h.table.stats.connections).toBe(4);
  });

  test('many concurrent IPv4 connections are told apart', () => {
    const h = new Harness();
    for (let i = 0; i < 300; i++) h.send({ ip: 0x0a000100 + i, port: 30000 + i }, SERVER, { seq: i, flags: TCP_SYN });
    for (let i = 299; i >= 0; i--) {
      h.send(SERVER, { ip: 0x0a000100 + i, port: 30000 + i }, { seq: 1000, ack: i + 1, flags: TCP_SYN | TCP_ACK });
    }
    h.table.finish();
    expect(h.table.stats.connections).toBe(300);
    expect(h.conns.every((r) => r.info.packets === 2)).toBe(true);
  });
});

describe('client and server', () => {
  test('the SYN sender is the client', () => {
    const h = new Harness();
    h.s({ seq: 100, flags: TCP_SYN }); // port 443 sends the SYN: it is the client nonetheless
    h.table.finish();
    expect(h.conns[0]!.info).toMatchObject({ clientPort: 443, serverPort: 40000, roleSource: 'syn' });
  });

  test('the SYN-ACK receiver is the client when the SYN is missing', () => {
    const h = new Harness();
    h.s({ seq: 500, ack: 101, flags: TCP_SYN | TCP_ACK });
    h.c({ seq: 101, ack: 501 });
    h.table.finish();
    expect(h.conns[0]!.info).toMatchObject({ clientIp: '10.0.0.1', clientPort: 40000, serverPort: 443, roleSource: 'syn-ack' });
  });

  test('mid-stream: a ClientHello marks its sender as client, whatever the ports', () => {
    const h = new Harness();
    const a = { ip: 0x0a000001, port: 80 };
    const b = { ip: 0x0a000002, port: 50000 };
    h.send(b, a, { seq: 1, ack: 1 }); // pure ACK: not decided yet
    h.send(a, b, { seq: 1, ack: 1, payload: [0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0, 0, 1, 3], flags: TCP_ACK | TCP_PSH });
    h.table.finish();
    expect(h.conns[0]!.info).toMatchObject({ clientPort: 80, serverPort: 50000, roleSource: 'payload' });
    expect(h.conns[0]!.bytes[0]).toHaveLength(10);
  });

  test('mid-stream: a ServerHello marks its sender as server', () => {
    const h = new Harness();
    const a = { ip: 0x0a000001, port: 443 };
    const b = { ip: 0x0a000002, port: 8443 };
    h.send(a, b, { seq: 1, ack: 1, payload: [0x16, 0x03, 0x03, 0x00, 0x05, 0x02, 0, 0, 1, 3], flags: TCP_ACK | TCP_PSH });
    h.table.finish();
    expect(h.conns[0]!.info).toMatchObject({ serverPort: 443, clientPort: 8443, roleSource: 'payload' });
    expect(h.conns[0]!.bytes[1]).toHaveLength(10);
  });

  test('mid-stream without a hello: the well-known port is the server', () => {
    const h = new Harness();
    h.c({ seq: 1, ack: 1, payload: 'GET / HTTP/1.1\r\n', flags: TCP_ACK | TCP_PSH });
    h.s({ seq: 1, ack: 17, payload: 'HTTP/1.1 200 OK\r\n', flags: TCP_ACK | TCP_PSH });
    h.table.finish();
    const r = h.conns[0]!;
    expect(r.info).toMatchObject({ clientPort: 40000, serverPort: 443, roleSource: 'ports' });
    expect(got(r, 0)).toBe('GET / HTTP/1.1\r\n');
    expect(got(r, 1)).toBe('HTTP/1.1 200 OK\r\n');
  });

  test('data that arrives first from the server is delivered as server-to-client', () => {
    const h = new Harness();
    h.s({ seq: 1, ack: 1, payload: [0x17, 0x03, 0x03, 0, 1, 9], flags: TCP_ACK | TCP_PSH });
    h.c({ seq: 1, ack: 7, payload: [0x17, 0x03, 0x03, 0, 1, 8], flags: TCP_ACK | TCP_PSH });
    h.table.finish();
    expect(h.conns[0]!.bytes).toEqual([[0x17, 3, 3, 0, 1, 8], [0x17, 3, 3, 0, 1, 9]]);
  });
});

describe('closing', () => {
  test('after a RST, data the peer had in flight is still delivered; the connection ends when the grace passes', () => {
    const h = new Harness({ resetGraceSeconds: 0.5 });
    h.handshake(100, 500);
    h.c({ seq: 101, ack: 501, flags: TCP_RST, tsSec: 10 });
    h.s({ seq: 501, ack: 101, payload: 'alert', flags: DATA, tsSec: 10 });
    expect(h.conns[0]!.ends).toBe(0);
    h.handshake(7, 9, OTHER_CLIENT, SERVER); // frames of another connection, 1 s later each: the grace is over
    const r = h.conns[0]!;
    expect(r.ends).toBe(1);
    expect(got(r, 1)).toBe('alert');
    expect(r.events).toEqual(['rst 0 @4', 'data 1 5 @5', 'end']);
    h.s({ seq: 506, ack: 101, payload: 'late', flags: DATA }); // after the end: counted, not delivered
    h.table.finish();
    expect(got(r, 1)).toBe('alert');
    expect(r.info.packets).toBe(6);
    expect(r.ends).toBe(1);
  });

  test('FIN and RST are recorded with frames and times, in order', () => {
    const h = new Harness();
    h.handshake(100, 500);
    const fin = h.c({ seq: 101, ack: 501, flags: TCP_FIN | TCP_ACK });
    const rst = h.s({ seq: 501, ack: 102, flags: TCP_RST | TCP_ACK });
    h.table.finish();
    const r = h.conns[0]!;
    expect(r.closes).toEqual([
      { direction: 0, kind: 'fin', frame: fin, tsSec: 1000 + fin, tsNsec: fin * 1000 },
      { direction: 1, kind: 'rst', frame: rst, tsSec: 1000 + rst, tsNsec: rst * 1000 },
    ]);
    expect(r.info.closes).toEqual(r.closes);
    expect(r.ends).toBe(1);
    expect(r.events.slice(-3)).toEqual([`fin 0 @${fin}`, `rst 1 @${rst}`, 'end']);
  });

  test('a retransmitted FIN is recorded once', () => {
    const h = new Harness();
    h.handshake(100, 500);
    h.c({ seq: 101, ack: 501, flags: TCP_FIN | TCP_ACK });
    h.c({ seq: 101, ack: 501, flags: TCP_FIN | TCP_ACK });
    h.table.finish();
    expect(h.conns[0]!.closes).toHaveLength(1);
  });

  test('one FIN leaves the connection open; both FINs end it after all data', () => {
    const h = new Harness();
    h.handshake(100, 500);
    h.c({ seq: 101, ack: 501, flags: TCP_FIN | TCP_ACK });
    expect(h.conns[0]!.ends).toBe(0);
    h.s({ seq: 504, ack: 102, flags: TCP_FIN | TCP_ACK }); // FIN after 3 bytes not yet seen
    expect(h.conns[0]!.ends).toBe(0);
    h.s({ seq: 501, ack: 102, payload: 'abc', flags: TCP_ACK | TCP_PSH });
    expect(got(h.conns[0]!, 1)).toBe('abc');
    expect(h.conns[0]!.ends).toBe(0);
    h.c({ seq: 102, ack: 505 }); // the ACK of the last FIN (the server's, in frame 5)
    expect(h.conns[0]!.ends).toBe(1);
  });

  test('end() is called exactly once per connection, with complete info; state is released', () => {
    const h = new Harness();
    h.handshake(100, 500);
    h.c({ seq: 101, ack: 501, payload: 'hello', flags: TCP_ACK | TCP_PSH });
    h.c({ seq: 200, ack: 501, payload: 'later', flags: TCP_ACK | TCP_PSH }); // held behind a hole
    h.handshake(300, 700, OTHER_CLIENT, SERVER);
    h.send(OTHER_CLIENT, SERVER, { seq: 301, ack: 701, flags: TCP_RST });
    expect(h.table.stats.pendingBytes).toBe(5);
    h.table.finish();
    expect(h.conns.map((r) => r.ends)).toEqual([1, 1]);
    expect(h.table.stats).toMatchObject({ live: 0, pendingBytes: 0, tombstones: 0 });
    expect(h.conns[0]!.endInfo).toEqual({
      id: 0, ipVersion: 4, clientIp: '10.0.0.1', clientPort: 40000, serverIp: '10.0.0.2', serverPort: 443,
      roleSource: 'syn', firstFrame: 1, lastFrame: 5, firstTsSec: 1001, firstTsNsec: 1000, lastTsSec: 1005,
      lastTsNsec: 5000, packets: 5, closes: [],
    });
    expect(got(h.conns[0]!, 0)).toBe('hellolater');
    expect(h.conns[0]!.gaps).toEqual([{ direction: 0, missing: 94, frame: 5 }]);
    expect(() => h.c({ seq: 1, flags: TCP_SYN })).toThrow(/after finish/);
  });

  test('a connection with only ACKs still gets a consumer and an end', () => {
    const h = new Harness();
    h.c({ seq: 1, ack: 1 });
    h.table.finish();
    expect(h.conns).toHaveLength(1);
    expect(h.conns[0]!.info.roleSource).toBe('ports');
    expect(h.conns[0]!.ends).toBe(1);
  });

  test('idle connections are ended and forgotten once the table grows (capture time)', () => {
    const h = new Harness({ idleTimeoutSeconds: 10 });
    h.c({ seq: 1, ack: 1, payload: 'x', flags: TCP_ACK | TCP_PSH, tsSec: 0 });
    for (let i = 0; i < 9000; i++) h.send({ ip: 0x0b000000 + i, port: 1024 }, SERVER, { seq: 1, flags: TCP_SYN, tsSec: 100 });
    expect(h.conns[0]!.ends).toBe(1);
    expect(h.table.stats.live).toBe(9000);
  });
});

describe('TCP headers quoted in ICMP errors', () => {
  test('a quoted header of a new 4-tuple takes a stream number, like in Wireshark', () => {
    const h = new Harness();
    h.handshake(100, 500);
    h.send({ ip: 0x0a000001, port: 49400 }, SERVER, { seq: 7, flags: TCP_SYN, quoted: true });
    h.send(CLIENT, SERVER, { seq: 101, ack: 501, flags: TCP_SYN, quoted: true }); // a known 4-tuple
    h.handshake(900, 300, { ip: 0x0a000001, port: 50000 }, SERVER);
    h.table.finish();
    expect(h.conns.map((r) => [r.info.id, r.info.clientPort, r.info.packets]).sort((a, b) => a[0]! - b[0]!)).toEqual([
      [0, 40000, 4],
      [1, 49400, 1],
      [2, 50000, 3],
    ]);
    expect(h.conns[0]!.bytes).toEqual([[], []]);
  });
});
