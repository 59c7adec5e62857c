import { canonicalWarnings, mergeWarnings } from '../../src/parallel/warning-order.js';

const w = (frame: number | null, text: string) => ({ frame, text });

describe('warning order', () => {
  test('by frame, equal frames in the order they were made, frame null last', () => {
    expect(canonicalWarnings([w(null, 'file'), w(9, 'a'), w(3, 'b'), w(9, 'c'), w(1, 'd')])).toEqual([
      w(1, 'd'), w(3, 'b'), w(9, 'a'), w(9, 'c'), w(null, 'file'),
    ]);
  });

  test('the closing "more warnings not listed" line stays last', () => {
    expect(canonicalWarnings([w(5, 'a'), w(2, 'b'), w(null, '7 more warnings not listed (limit 2)')])).toEqual([
      w(2, 'b'), w(5, 'a'), w(null, '7 more warnings not listed (limit 2)'),
    ]);
  });

  test('shards merge by frame, shard 0 first on equal frames', () => {
    expect(mergeWarnings([[w(4, 'packet 4'), w(8, 'x')], [w(4, 'connection 1 at 4'), w(2, 'y')]])).toEqual([
      w(2, 'y'), w(4, 'packet 4'), w(4, 'connection 1 at 4'), w(8, 'x'),
    ]);
  });

  test('the merged list keeps the cap and counts what it drops', () => {
    const merged = mergeWarnings([
      [w(1, 'a'), w(3, 'b'), w(null, '5 more warnings not listed (limit 2)')],
      [w(2, 'c'), w(4, 'd'), w(null, '1 more warnings not listed (limit 2)')],
    ]);
    expect(merged).toEqual([w(1, 'a'), w(2, 'c'), w(null, '8 more warnings not listed (limit 2)')]);
  });
});
