import { CLIENT, Harness, SERVER, TCP_ACK, TCP_PSH, TCP_SYN, text, got, type Endpoint } from './harness.js';

const client = (i: number): Endpoint => ({ ip: CLIENT.ip, port: 30000 + i });
const syn = (h: Harness, i: number): number => h.send(client(i), SERVER, { seq: 1000, flags: TCP_SYN });

describe('live connections are capped (maxLiveConnections)', () => {
  test('past the cap the connection idle longest is ended early, with one warning naming the count and the cap', () => {
    const h = new Harness({ maxLiveConnections: 3 });
    for (let i = 0; i < 3; i++) syn(h, i);
    expect(h.table.stats.live).toBe(3);
    // Connection 0 shows activity again: connection 1 is now the one idle longest.
    h.send(client(0), SERVER, { seq: 1000, flags: TCP_SYN });
    const frame = syn(h, 3);
    expect(h.table.stats.live).toBe(3);
    const ended = h.conns.filter((c) => c.ends === 1).map((c) => c.info.id);
    expect(ended).toEqual([1]);
    syn(h, 4);
    expect(h.conns.filter((c) => c.ends === 1).map((c) => c.info.id)).toEqual([1, 2]);
    expect(h.warnings).toEqual([]);
    h.table.finish();
    expect(h.conns.every((c) => c.ends === 1)).toBe(true);
    expect(h.warnings).toHaveLength(1);
    expect(h.warnings[0]!.frame).toBe(frame);
    expect(h.warnings[0]!.text).toMatch(/^2 connections were ended .* more than 3 were open at once \(maxLiveConnections\)/);
  });

  test('a connection ended by the cap is forgotten: a later packet on its 4-tuple starts a new stream', () => {
    const h = new Harness({ maxLiveConnections: 1 });
    syn(h, 0);
    syn(h, 1);
    expect(h.table.stats).toMatchObject({ connections: 2, live: 1 });
    h.send(client(0), SERVER, { seq: 1001, ack: 1, flags: TCP_ACK | TCP_PSH, payload: text('hi') });
    expect(h.table.stats).toMatchObject({ connections: 3, live: 1 });
  });

  test('data keeps flowing to connections under the cap', () => {
    const h = new Harness({ maxLiveConnections: 2 });
    h.handshake(100, 500);
    h.c({ seq: 101, ack: 501, flags: TCP_ACK | TCP_PSH, payload: text('hello') });
    syn(h, 1);
    h.c({ seq: 106, ack: 501, flags: TCP_ACK | TCP_PSH, payload: text(' world') });
    h.table.finish();
    expect(got(h.conns.find((c) => c.info.id === 0)!, 0)).toBe('hello world');
    expect(h.warnings).toEqual([]);
  });
});

describe('end of capture in parts (finishSome)', () => {
  test('ends at most the number asked each call, in connection id order, true once all have ended', () => {
    const h = new Harness();
    for (let i = 0; i < 5; i++) syn(h, i);
    const endedIds = (): number[] => h.conns.filter((c) => c.ends === 1).map((c) => c.info.id).sort((a, b) => a - b);
    expect(h.table.finishSome(2)).toBe(false);
    expect(endedIds()).toEqual([0, 1]);
    expect(h.table.finishSome(2)).toBe(false);
    expect(endedIds()).toEqual([0, 1, 2, 3]);
    expect(h.table.finishSome(2)).toBe(true);
    expect(endedIds()).toEqual([0, 1, 2, 3, 4]);
    expect(h.table.finishSome(2)).toBe(true);
    expect(() => syn(h, 9)).toThrow(/after finish/);
  });
});

describe('a connection without payload holds no consumer while open', () => {
  test('the consumer is made at the end for a SYN-only connection, at the first byte otherwise', () => {
    const h = new Harness();
    syn(h, 0);
    h.send(SERVER, client(0), { seq: 5000, ack: 1001, flags: TCP_SYN | TCP_ACK });
    expect(h.conns).toHaveLength(0);
    h.send(client(0), SERVER, { seq: 1001, ack: 5001, flags: TCP_ACK | TCP_PSH, payload: text('x') });
    expect(h.conns).toHaveLength(1);
    syn(h, 1);
    expect(h.conns).toHaveLength(1);
    h.table.finish();
    expect(h.conns).toHaveLength(2);
    expect(h.conns[1]!.info).toMatchObject({ id: 1, clientPort: 30001, roleSource: 'syn' });
  });
});
