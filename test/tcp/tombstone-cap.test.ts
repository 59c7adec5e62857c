import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { CLIENT, Harness, SERVER, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type Endpoint } from './harness.js';

/** A whole short connection on `client`: handshake, FIN both ways, last ACK. */
function shortConnection(h: Harness, client: Endpoint): void {
  h.send(client, SERVER, { seq: 100, flags: TCP_SYN });
  h.send(SERVER, client, { seq: 500, ack: 101, flags: TCP_SYN | TCP_ACK });
  h.send(client, SERVER, { seq: 101, ack: 501, flags: TCP_FIN | TCP_ACK });
  h.send(SERVER, client, { seq: 501, ack: 102, flags: TCP_FIN | TCP_ACK });
  h.send(client, SERVER, { seq: 102, ack: 502, flags: TCP_ACK });
}

describe('tombstones of ended connections are capped', () => {
  test('the table keeps at most maxTombstones ended connections, oldest forgotten first', () => {
    const h = new Harness({ maxTombstones: 10 });
    for (let i = 0; i < 50; i++) shortConnection(h, { ip: CLIENT.ip, port: 20000 + i });
    expect(h.table.stats).toMatchObject({ connections: 50, live: 0 });
    expect(h.table.stats.tombstones).toBeLessThanOrEqual(11);
    expect(h.conns.every((c) => c.ends === 1)).toBe(true);
  });

  test('a late ACK on a remembered 4-tuple stays in its stream; on a forgotten one it starts a new stream', () => {
    const h = new Harness({ maxTombstones: 10 });
    for (let i = 0; i < 50; i++) shortConnection(h, { ip: CLIENT.ip, port: 20000 + i });
    h.send({ ip: CLIENT.ip, port: 20049 }, SERVER, { seq: 102, ack: 502, flags: TCP_ACK });
    expect(h.table.stats.connections).toBe(50);
    h.send({ ip: CLIENT.ip, port: 20000 }, SERVER, { seq: 102, ack: 502, flags: TCP_ACK });
    expect(h.table.stats.connections).toBe(51);
  });

  test('by default a capture of many short connections keeps its tombstones bounded', () => {
    const h = new Harness();
    for (let i = 0; i < 20000; i++) shortConnection(h, { ip: 0x0b000000 + (i >> 8), port: 1024 + (i & 255) });
    expect(h.table.stats.tombstones).toBeLessThanOrEqual(8193);
  });

  test('forgotten connections are let go: neither the tombstone queue nor the grace queue keeps them', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const h = new Harness({ maxTombstones: 10 });
    for (let i = 0; i < 300; i++) {
      const client = { ip: CLIENT.ip, port: 20000 + i };
      if (i % 2 === 0) {
        shortConnection(h, client);
      } else {
        // Reset: ended from the grace queue a few frames (seconds) later.
        h.send(client, SERVER, { seq: 100, flags: TCP_SYN });
        h.send(SERVER, client, { seq: 500, ack: 101, flags: TCP_SYN | TCP_ACK });
        h.send(client, SERVER, { seq: 101, ack: 501, flags: TCP_RST | TCP_ACK });
      }
    }
    // The consumers' handle on each connection is the table's connection object: watch them
    // all, then drop the harness' references.
    const refs = h.conns.map((r) => new WeakRef(r.control));
    for (const r of h.conns) r.control = { skip: () => undefined };
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const held = refs.filter((r) => r.deref() !== undefined).length;
    const { live, tombstones } = h.table.stats;
    expect(tombstones).toBeLessThanOrEqual(11);
    expect(held).toBeLessThanOrEqual(live + tombstones);
  });
});
