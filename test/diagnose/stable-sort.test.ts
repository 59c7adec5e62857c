import { mulberry32 } from '../../scripts/mangle-capture.js';
import { byFrameOrder, stableSort } from '../../src/diagnose/stable-sort.js';

describe('stableSort', () => {
  it("orders like Array.prototype.sort (stable), ties kept in their order, on 2,000 random short lists", () => {
    const rnd = mulberry32(5);
    for (let n = 0; n < 2000; n++) {
      const length = Math.floor(rnd() * 12);
      // Few distinct frames: many ties, which only a stable sort keeps in order.
      const list = Array.from({ length }, (_, i) => ({ frame: Math.floor(rnd() * 4), i }));
      const expected = [...list].sort((a, b) => a.frame - b.frame);
      const got = stableSort([...list], byFrameOrder);
      expect(got).toEqual(expected);
    }
  });

  it('sorts in place and returns the same array', () => {
    const list = [{ frame: 3 }, { frame: 1 }, { frame: 2 }];
    expect(stableSort(list, byFrameOrder)).toBe(list);
    expect(list.map((e) => e.frame)).toEqual([1, 2, 3]);
  });
});
