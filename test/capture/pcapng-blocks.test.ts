import { CaptureError } from '../../src/capture/packet.js';
import { block, Bytes, collect, concat, epb, idb, obsoletePb, option, payload, shb, spb, split64 } from './capture-bytes.js';

const data1 = payload(60, 1);
const data2 = payload(33, 2);
const US_2023 = 1_700_000_000_123_456n; // µs since the epoch

describe('pcapng blocks', () => {
  it.each([
    ['little-endian', true],
    ['big-endian', false],
  ])('reads a %s section: IDB link type, EPB timestamps in µs by default, lengths, bytes', async (_name, le) => {
    const file = concat(
      shb(le),
      idb({ linkType: 1, snaplen: 65535 }, le),
      epb({ ...split64(US_2023), data: data1, originalLength: 1514 }, le),
      epb({ ...split64(US_2023 + 1_000_001n), data: data2 }, le),
    );
    const { packets, warnings, summary, formats } = await collect(file);
    expect(formats).toEqual(['pcapng']);
    expect(warnings).toEqual([]);
    expect(packets).toEqual([
      { frame: 1, linkType: 1, tsSec: 1700000000, tsNsec: 123456000, capturedLength: 60, originalLength: 1514, interfaceId: 0, bytes: data1 },
      { frame: 2, linkType: 1, tsSec: 1700000001, tsNsec: 123457000, capturedLength: 33, originalLength: 33, interfaceId: 0, bytes: data2 },
    ]);
    expect(summary).toMatchObject({ format: 'pcapng', linkTypes: [1], packets: 2, bytes: file.length });
  });

  it('if_tsresol 10^-9: nanosecond timestamps above 2^53 come out exact', async () => {
    const ns = 1_700_000_000_987_654_321n;
    expect(ns > 2n ** 53n).toBe(true);
    const file = concat(shb(), idb({ options: option(9, [9]) }), epb({ ...split64(ns), data: data1 }));
    const { packets } = await collect(file);
    expect(packets[0]).toMatchObject({ tsSec: 1700000000, tsNsec: 987654321 });
  });

  it('if_tsresol 2^-20 (high bit set): binary fractions of a second', async () => {
    const units = (1_700_000_000n << 20n) + 524_288n + 1n; // .5 s and one 2^-20 unit (953.67 ns)
    const file = concat(shb(), idb({ options: option(9, [0x80 | 20]) }), epb({ ...split64(units), data: data1 }));
    const { packets } = await collect(file);
    expect(packets[0]).toMatchObject({ tsSec: 1700000000, tsNsec: 500_000_953 });
  });

  it('if_tsresol 10^-12 (finer than a nanosecond): truncated to whole nanoseconds', async () => {
    // 2^64 picoseconds is only 213 days: a timestamp in 1970.
    const ps = 12_345_678_123_456_789_999n;
    const { high, low } = { high: Number(ps >> 32n), low: Number(ps & 0xffffffffn) };
    expect(high).toBeLessThan(2 ** 32);
    const file = concat(shb(), idb({ options: option(9, [12]) }), epb({ high, low, data: data1 }));
    const { packets } = await collect(file);
    expect(packets[0]).toMatchObject({ tsSec: 12345678, tsNsec: 123456789 });
  });

  it.each([
    ['little-endian', true],
    ['big-endian', false],
  ])('if_tsoffset (%s) adds signed seconds to every timestamp of the interface', async (_name, le) => {
    const plus = new Bytes(le).u64(0, 1_600_000_000).done();
    const minus = new Bytes(le).u64(0xffffffff, 0xffffffff - 99).done(); // -100
    const file = concat(
      shb(le),
      idb({ options: [...option(1, [0x41, 0x42, 0x43], le), ...option(14, plus, le)] }, le),
      idb({ options: option(14, minus, le) }, le),
      epb({ interfaceId: 0, high: 0, low: 1_500_000, data: data1 }, le),
      epb({ interfaceId: 1, ...split64(US_2023), data: data2 }, le),
    );
    const { packets, warnings } = await collect(file);
    expect(warnings).toEqual([]);
    expect(packets.map((p) => [p.interfaceId, p.tsSec, p.tsNsec])).toEqual([
      [0, 1_600_000_001, 500_000_000],
      [1, 1_699_999_900, 123_456_000],
    ]);
  });

  it('Simple Packet Block: interface 0, original length in the block, cut to the snaplen, no timestamp', async () => {
    const big = payload(120, 3);
    const file = concat(shb(), idb({ linkType: 101, snaplen: 100 }), spb(1500, big.slice(0, 100)), spb(20, big.slice(0, 20)));
    const { packets, warnings } = await collect(file);
    expect(warnings).toEqual([]);
    expect(packets).toEqual([
      { frame: 1, linkType: 101, tsSec: 0, tsNsec: 0, capturedLength: 100, originalLength: 1500, interfaceId: 0, bytes: big.slice(0, 100) },
      { frame: 2, linkType: 101, tsSec: 0, tsNsec: 0, capturedLength: 20, originalLength: 20, interfaceId: 0, bytes: big.slice(0, 20) },
    ]);
  });

  it('obsolete Packet Block (type 2): 16-bit interface id, timestamps as in the EPB', async () => {
    const file = concat(
      shb(false),
      idb({ linkType: 1 }, false),
      idb({ linkType: 0 }, false),
      obsoletePb({ interfaceId: 1, ...split64(US_2023), data: data1, originalLength: 80 }, false),
    );
    const { packets } = await collect(file);
    expect(packets[0]).toMatchObject({ interfaceId: 1, linkType: 0, tsSec: 1700000000, tsNsec: 123456000, capturedLength: 60, originalLength: 80 });
  });

  it('skips every other block type by its length (NRB, ISB, DSB, custom, unknown)', async () => {
    const file = concat(
      shb(),
      block(4, new Uint8Array([1, 0, 4, 0, 127, 0, 0, 1, 0x6c, 0x6f, 0, 0, 0, 0, 0, 0])),
      idb(),
      block(5, new Uint8Array(20)),
      epb({ high: 0, low: 1, data: data1 }),
      block(0x0a, new Uint8Array([0x4b, 0x53, 0x4c, 0x4b, 3, 0, 0, 0, 0x61, 0x62, 0x63])),
      block(0x40000bad, new Uint8Array(8)),
      block(0x12345678, new Uint8Array(0)),
      epb({ high: 0, low: 2, data: data2 }),
    );
    const { packets, warnings } = await collect(file);
    expect(warnings).toEqual([]);
    expect(packets.map((p) => [p.frame, p.bytes.length])).toEqual([
      [1, 60],
      [2, 33],
    ]);
  });

  it('several sections: byte order per section, interface ids restart, frame numbers continue, link types in order', async () => {
    const file = concat(
      shb(true),
      idb({ linkType: 1 }),
      idb({ linkType: 113 }),
      epb({ interfaceId: 1, high: 0, low: 1, data: data1 }),
      epb({ interfaceId: 0, high: 0, low: 2, data: data1 }),
      shb(false),
      idb({ linkType: 101 }, false),
      epb({ interfaceId: 0, high: 0, low: 3, data: data2 }, false),
      epb({ interfaceId: 1, high: 0, low: 4, data: data2 }, false), // no interface 1 in this section
      epb({ interfaceId: 0, high: 0, low: 5, data: data2 }, false),
    );
    const { packets, warnings, summary } = await collect(file);
    expect(packets.map((p) => [p.frame, p.interfaceId, p.linkType, p.tsNsec])).toEqual([
      [1, 1, 113, 1000],
      [2, 0, 1, 2000],
      [3, 0, 101, 3000],
      [4, 0, 101, 5000],
    ]);
    expect(warnings).toEqual([
      { frame: 4, text: 'pcapng section 2: 1 Enhanced Packet Block naming interface 1 skipped (the first after packet 3): the section describes only interface 0' },
    ]);
    expect(summary.linkTypes).toEqual([1, 113, 101]);
  });

  it('a packet block before any interface is skipped with a warning', async () => {
    const { packets, warnings } = await collect(concat(shb(), epb({ high: 0, low: 1, data: data1 }), spb(4, [1, 2, 3, 4])));
    expect(packets).toEqual([]);
    expect(warnings.map((w) => w.frame)).toEqual([1, 1]);
  });

  it('an EPB whose captured length runs past its block is skipped; reading goes on', async () => {
    const liar = epb({ high: 0, low: 1, data: data1, capturedLength: 400 });
    const file = concat(shb(), idb(), liar, epb({ high: 0, low: 2, data: data2 }));
    const { packets, warnings } = await collect(file);
    expect(packets.map((p) => p.frame)).toEqual([1]);
    expect(packets[0]!.bytes).toEqual(data2);
    expect(warnings).toEqual([{ frame: 1, text: expect.stringMatching(/claims 400 captured bytes but holds at most 60/) }]);
  });

  describe('lying block lengths: one warning, the packets before it, a clean stop', () => {
    const good = concat(shb(), idb(), epb({ high: 0, low: 1, data: data1 }));
    // A lying packet block names the packet it would have been; another block has no frame.
    const cases: Array<[string, Uint8Array, number | null, RegExp]> = [
      ['trailing copy differs', epb({ high: 0, low: 2, data: data2 }).map((b, i, a) => (i === a.length - 4 ? b + 4 : b)), 2, /trailing length copy \(\d+\) differs/],
      ['not a multiple of 4', block(6, new Uint8Array(40), true, { leading: 50 }), 2, /length 50 is not a multiple of 4/],
      ['below 12', block(6, new Uint8Array(40), true, { leading: 8 }), 2, /length 8 is below 12/],
      ['over 16 MiB', block(6, new Uint8Array(40), true, { leading: 0x7ffffff0 }), 2, /length 2147483632 is over 16777216/],
      ['zero bytes where a block should be', new Uint8Array(64), null, /block of type 0x00000000 is corrupt: its length 0 is below 12/],
    ];
    it.each(cases)('%s', async (_name, bad, frame, message) => {
      for (const chunkSize of [5, 1 << 20]) {
        const { packets, warnings } = await collect(concat(good, bad, good.subarray(good.length - 80)), { chunkSize });
        expect(packets.map((p) => p.frame)).toEqual([1]);
        expect(warnings).toEqual([{ frame, text: expect.stringMatching(message) }]);
        expect(warnings[0]!.text).toMatch(/stopped reading$/);
      }
    });
  });

  it('a file cut in the middle of an EPB: every whole packet and one warning with the frame number', async () => {
    const file = concat(shb(), idb(), epb({ high: 0, low: 1, data: data1 }), epb({ high: 0, low: 2, data: payload(200) }));
    const cut = file.subarray(0, file.length - 50);
    for (const chunkSize of [3, 1 << 20]) {
      const { packets, warnings } = await collect(cut, { chunkSize });
      expect(packets.map((p) => p.frame)).toEqual([1]);
      expect(warnings).toEqual([
        { frame: 2, text: 'capture cut short in packet 2 (pcapng Enhanced Packet Block): 182 of 232 bytes present, 50 missing' },
      ]);
    }
  });

  it('a file cut in a non-packet block warns without a frame number', async () => {
    const file = concat(shb(), idb(), epb({ high: 0, low: 1, data: data1 }), block(5, new Uint8Array(40)));
    const { packets, warnings } = await collect(file.subarray(0, file.length - 10));
    expect(packets).toHaveLength(1);
    expect(warnings).toEqual([{ frame: null, text: expect.stringMatching(/cut short in a pcapng block of type 0x00000005: 42 of 52 bytes/) }]);
  });

  it('a bad byte-order magic in the first Section Header is not a capture', async () => {
    const bad = shb().slice();
    bad.set([1, 2, 3, 4], 8);
    await expect(collect(concat(bad, idb()))).rejects.toThrow(CaptureError);
    await expect(collect(concat(bad, idb()))).rejects.toThrow(/byte-order magic 01020304/);
  });

  it('a bad byte-order magic in a later Section Header stops reading with a warning', async () => {
    const bad = shb().slice();
    bad.set([1, 2, 3, 4], 8);
    const { packets, warnings } = await collect(concat(shb(), idb(), epb({ high: 0, low: 1, data: data1 }), bad, idb()));
    expect(packets).toHaveLength(1);
    expect(warnings).toEqual([{ frame: null, text: expect.stringMatching(/Section Header Block is corrupt: its byte-order magic is 0x01020304; stopped reading/) }]);
  });

  it('an IDB option running past its block is reported and the interface kept', async () => {
    const body = new Bytes().u16(1).u16(0).u32(0).u16(9).u16(200).u32(0).done();
    const file = concat(shb(), block(1, body), epb({ high: 0, low: 7, data: data1 }));
    const { packets, warnings } = await collect(file);
    expect(packets[0]).toMatchObject({ linkType: 1, tsNsec: 7000 });
    expect(warnings).toEqual([{ frame: null, text: expect.stringMatching(/option 9 runs past the block/) }]);
  });
});
