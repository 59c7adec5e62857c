/**
 * Anomalies that repeat on many packets get one warning each, with the frame of the first and a
 * count: timestamps going backwards (once per capture), pcapng packet blocks naming an interface
 * their section does not describe (once per interface id and section).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collect, concat, epb, idb, obsoletePb, payload, pcapHeader, pcapRecord, shb } from './capture-bytes.js';

const data = payload(60, 3);

describe('timestamps going backwards', () => {
  it('gives no warning when time never steps back (equal timestamps are fine)', async () => {
    const { warnings } = await collect(
      concat(pcapHeader(), pcapRecord({ sec: 10, frac: 5, data }), pcapRecord({ sec: 10, frac: 5, data }), pcapRecord({ sec: 11, frac: 0, data })),
    );
    expect(warnings).toEqual([]);
  });

  it('gives one warning for the capture: the first packet that steps back, by how much, and how many more do', async () => {
    const { packets, warnings } = await collect(
      concat(
        pcapHeader(),
        pcapRecord({ sec: 1000, frac: 500, data }),
        pcapRecord({ sec: 1000, frac: 400, data }), // 100 µs back
        pcapRecord({ sec: 9000, frac: 0, data }),
        pcapRecord({ sec: 9000 - 7200, frac: 0, data }), // two hours back
        pcapRecord({ sec: 1, frac: 0, data }),
      ),
    );
    expect(packets).toHaveLength(5);
    expect(warnings).toEqual([
      {
        frame: 2,
        text:
          'timestamps go backwards: packet 2 is 0.0001 s earlier than packet 1; 2 more packets are earlier than the one before ' +
          '(the largest step back: 7200 s (2 h) at packet 4); packets are kept in file order, so times and durations across them are unreliable',
      },
    ]);
  });

  it('compares nanosecond parts across a second boundary', async () => {
    const { warnings } = await collect(
      concat(pcapHeader({ magic: 0xa1b23c4d }), pcapRecord({ sec: 5, frac: 1, data }), pcapRecord({ sec: 4, frac: 999_999_999, data })),
    );
    expect(warnings).toEqual([{ frame: 2, text: expect.stringMatching(/^timestamps go backwards: packet 2 is 0\.000000002 s earlier than packet 1; packets are kept/) }]);
  });

  const real = path.resolve(__dirname, '../fixtures/capture/capture.pcap');
  const hasTshark = spawnSync('tshark', ['--version']).status === 0;
  (hasTshark ? it : it.skip)('names the same packets as tshark\'s negative frame.time_delta on a real capture with two records swapped', async () => {
    // Swap records 5 and 6 of the real loopback capture (classic pcap, 16-byte record headers).
    const bytes = new Uint8Array(fs.readFileSync(real));
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const records: Uint8Array[] = [];
    for (let at = 24; at + 16 <= bytes.length; ) {
      const length = 16 + view.getUint32(at + 8, true);
      records.push(bytes.subarray(at, at + length));
      at += length;
    }
    [records[4], records[5]] = [records[5]!, records[4]!];
    const swapped = concat(bytes.subarray(0, 24), ...records);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'backwards-')), 'swapped.pcap');
    fs.writeFileSync(file, swapped);
    const tshark = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_delta'], { encoding: 'utf8' });
    const negative = tshark.stdout.trim().split('\n').map((l) => l.split('\t')).filter(([, d]) => Number(d) < 0).map(([f]) => Number(f));
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    expect(negative).toEqual([6]);
    const { warnings } = await collect(swapped);
    expect(warnings).toEqual([{ frame: 6, text: expect.stringMatching(/^timestamps go backwards: packet 6 is [\d.]+ s earlier than packet 5; packets are kept/) }]);
  });
});

describe('pcapng packet blocks naming a missing interface', () => {
  it('gives one warning per interface id and section, with the count and the first position', async () => {
    const blocks = [shb(), idb({ linkType: 1 }), epb({ high: 0, low: 1, data })];
    for (let i = 0; i < 9; i++) blocks.push(epb({ interfaceId: 7, high: 0, low: 2 + i, data }));
    blocks.push(obsoletePb({ interfaceId: 3, high: 0, low: 20, data }));
    blocks.push(epb({ high: 0, low: 21, data }));
    // A new section: ids restart, so interface 7 there is another warning.
    blocks.push(shb(), idb({ linkType: 1 }), idb({ linkType: 1 }), epb({ interfaceId: 7, high: 0, low: 30, data }));
    const { packets, warnings } = await collect(concat(...blocks));
    expect(packets.map((p) => p.frame)).toEqual([1, 2]);
    expect(warnings).toEqual([
      { frame: 2, text: 'pcapng section 1: 9 packet blocks naming interface 7 skipped (the first after packet 1): the section describes only interface 0' },
      { frame: 2, text: 'pcapng section 1: 1 Packet Block naming interface 3 skipped (the first after packet 1): the section describes only interface 0' },
      { frame: 3, text: 'pcapng section 2: 1 Enhanced Packet Block naming interface 7 skipped (the first after packet 2): the section describes interfaces 0 to 1' },
    ]);
  });
});
