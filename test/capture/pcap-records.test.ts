import { collect, concat, payload, pcapHeader, pcapRecord } from './capture-bytes.js';

describe('classic pcap records', () => {
  const p1 = payload(60, 1);
  const p2 = payload(42, 2);

  it.each([
    ['little-endian', true],
    ['big-endian', false],
  ])('reads a %s microsecond capture: timestamps, lengths, bytes, link type', async (_name, le) => {
    const file = concat(
      pcapHeader({ littleEndian: le, linkType: 113 }),
      pcapRecord({ sec: 1700000000, frac: 123456, data: p1 }, le),
      pcapRecord({ sec: 1700000001, frac: 999999, data: p2, originalLength: 1500 }, le),
    );
    const { packets, warnings, summary, formats } = await collect(file);
    expect(formats).toEqual(['pcap']);
    expect(warnings).toEqual([]);
    expect(packets).toEqual([
      { frame: 1, linkType: 113, tsSec: 1700000000, tsNsec: 123456000, capturedLength: 60, originalLength: 60, interfaceId: 0, bytes: p1 },
      { frame: 2, linkType: 113, tsSec: 1700000001, tsNsec: 999999000, capturedLength: 42, originalLength: 1500, interfaceId: 0, bytes: p2 },
    ]);
    expect(summary).toEqual({
      format: 'pcap',
      linkTypes: [113],
      packets: 2,
      first: { sec: 1700000000, nsec: 123456000 },
      last: { sec: 1700000001, nsec: 999999000 },
      bytes: file.length,
    });
  });

  it.each([
    ['little-endian', true],
    ['big-endian', false],
  ])('reads the %s nanosecond magic a1b23c4d with exact nanoseconds', async (_name, le) => {
    const file = concat(
      pcapHeader({ littleEndian: le, magic: 0xa1b23c4d }),
      pcapRecord({ sec: 4000000000, frac: 999999999, data: p1 }, le),
    );
    const { packets } = await collect(file);
    expect(packets[0]).toMatchObject({ tsSec: 4000000000, tsNsec: 999999999 });
  });

  it('reads the modified (Kuznetzov) magic a1b2cd34, skipping its 8 extra header bytes', async () => {
    const file = concat(
      pcapHeader({ magic: 0xa1b2cd34 }),
      pcapRecord({ sec: 10, frac: 5, data: p1, extra: [1, 0, 0, 0, 0x08, 0x00, 4, 0] }),
      pcapRecord({ sec: 11, frac: 6, data: p2, extra: [1, 0, 0, 0, 0x08, 0x00, 0, 0] }),
    );
    const { packets } = await collect(file);
    expect(packets.map((p) => [p.tsSec, p.tsNsec, p.bytes])).toEqual([
      [10, 5000, p1],
      [11, 6000, p2],
    ]);
  });

  it('masks the FCS bits out of the link type field', async () => {
    const file = concat(pcapHeader({ linkType: 0x14000001 }), pcapRecord({ sec: 1, frac: 0, data: p1 }));
    const { summary, packets } = await collect(file);
    expect(summary.linkTypes).toEqual([1]);
    expect(packets[0]!.linkType).toBe(1);
  });

  it('keeps packets cut by the snaplen: captured length below the original length', async () => {
    const cut = payload(96);
    const file = concat(pcapHeader({ snaplen: 96 }), pcapRecord({ sec: 1, frac: 0, data: cut, originalLength: 1514 }));
    const { packets, warnings } = await collect(file);
    expect(packets[0]).toMatchObject({ capturedLength: 96, originalLength: 1514, bytes: cut });
    expect(warnings).toEqual([]);
  });

  it('reads packets longer than the declared snaplen, and says so once', async () => {
    const file = concat(
      pcapHeader({ snaplen: 50 }),
      pcapRecord({ sec: 1, frac: 0, data: p1 }),
      pcapRecord({ sec: 2, frac: 0, data: p1 }),
    );
    const { packets, warnings } = await collect(file);
    expect(packets).toHaveLength(2);
    expect(warnings).toEqual([{ frame: 1, text: expect.stringMatching(/60 captured bytes, more than the snapshot length 50.*reported once/) }]);
  });

  it('stops at an absurd captured length without waiting for (or allocating) the bytes it claims', async () => {
    const liar = new Uint8Array(16);
    new DataView(liar.buffer).setUint32(8, 0x40000000, true); // 1 GiB
    const file = concat(pcapHeader(), pcapRecord({ sec: 1, frac: 0, data: p1 }), liar, new Uint8Array(100));
    const { packets, warnings, summary } = await collect(file, { chunkSize: 64 });
    expect(packets).toHaveLength(1);
    expect(warnings).toEqual([{ frame: 2, text: expect.stringMatching(/claims 1073741824 captured bytes .*stopped reading/) }]);
    expect(summary.packets).toBe(1);
  });

  it('carries an out-of-range microsecond field into the seconds, with a warning', async () => {
    const file = concat(pcapHeader(), pcapRecord({ sec: 5, frac: 2_500_000, data: p1 }));
    const { packets, warnings } = await collect(file);
    expect(packets[0]).toMatchObject({ tsSec: 7, tsNsec: 500_000_000 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.frame).toBe(1);
  });

  describe('a file cut short (tcpdump killed)', () => {
    const whole = concat(
      pcapHeader(),
      pcapRecord({ sec: 1, frac: 0, data: p1 }),
      pcapRecord({ sec: 2, frac: 0, data: p2 }),
      pcapRecord({ sec: 3, frac: 0, data: payload(100) }),
    );

    it('yields every whole packet and one warning naming the cut packet and the bytes missing', async () => {
      const cut = whole.subarray(0, whole.length - 30);
      for (const chunkSize of [7, 1 << 20]) {
        const { packets, warnings } = await collect(cut, { chunkSize });
        expect(packets.map((p) => p.frame)).toEqual([1, 2]);
        expect(warnings).toEqual([{ frame: 3, text: 'capture cut short in packet 3: 70 of its 100 captured bytes present, 30 missing' }]);
      }
    });

    it('inside a record header', async () => {
      const cut = whole.subarray(0, 24 + 16 + 60 + 5);
      const { packets, warnings } = await collect(cut);
      expect(packets).toHaveLength(1);
      expect(warnings).toEqual([{ frame: 2, text: 'capture cut short in the record header of packet 2: 5 of 16 bytes present' }]);
    });

    it('inside the file header', async () => {
      const { packets, warnings, summary } = await collect(whole.subarray(0, 20));
      expect(packets).toHaveLength(0);
      expect(summary.format).toBe('pcap');
      expect(warnings).toEqual([{ frame: null, text: 'capture cut short in its file header: 20 of 24 bytes present' }]);
    });

    it('a file with only a header has no packets and no warning', async () => {
      const { summary, warnings } = await collect(pcapHeader());
      expect(summary).toMatchObject({ packets: 0, first: null, last: null, linkTypes: [1] });
      expect(warnings).toEqual([]);
    });
  });
});
