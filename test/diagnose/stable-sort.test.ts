import { mulberry32 } from '../../scripts/mangle-capture.js';
import { byFrameOrder, stableSort } from '../../src/diagnose/stable-sort.js';

describe('stableSort', () => {
  it("orders like Array.prototype.sort (stable), ties kept in their order, on 2,000 random lists, short and long", () => {
    const rnd = mulberry32(5);
    for (let n = 0; n < 2000; n++) {
      // Up to 80: both the insertion sort (short lists) and the hand-off to Array.prototype.sort.
      const length = Math.floor(rnd() * 80);
      // Few distinct frames: many ties, which only a stable sort keeps in order.
      const list = Array.from({ length }, (_, i) => ({ frame: Math.floor(rnd() * 4), i }));
      const expected = [...list].sort((a, b) => a.frame - b.frame);
      const got = stableSort([...list], byFrameOrder);
      expect(got).toEqual(expected);
    }
  });

  it('stays fast on a long reversed list (a hostile capture can make long evidence lists)', () => {
    const list = Array.from({ length: 200_000 }, (_, i) => ({ frame: 200_000 - i }));
    const got = stableSort(list, byFrameOrder);
    expect(got[0]!.frame).toBe(1);
    expect(got[got.length - 1]!.frame).toBe(200_000);
  });

  it('sorts in place and returns the same array', () => {
    const list = [{ frame: 3 }, { frame: 1 }, { frame: 2 }];
    expect(stableSort(list, byFrameOrder)).toBe(list);
    expect(list.map((e) => e.frame)).toEqual([1, 2, 3]);
  });
});
