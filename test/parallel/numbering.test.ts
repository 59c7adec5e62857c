import { GlobalNumbering } from '../../src/parallel/numbering.js';

describe('GlobalNumbering', () => {
  test('gives ids in order of first frame over the shards', () => {
    const g = new GlobalNumbering(2);
    g.report(0, [1, 7, 9], Infinity);
    g.report(1, [3, 4, 12], Infinity);
    expect(g.assign()).toEqual([[0, 3, 4], [1, 2, 5]]);
    expect(g.numbered).toBe(6);
  });

  test('numbers a connection only once every other shard has passed its first frame', () => {
    const g = new GlobalNumbering(3);
    g.report(0, [10, 50], 60);
    expect(g.assign()).toEqual([[], [], []]);
    g.report(1, [], 40);
    g.report(2, [20], 45);
    // Frames 10 and 20 are known; 50 waits for shard 1 (at 40) and shard 2 (at 45).
    expect(g.assign()).toEqual([[0], [], [1]]);
    g.report(1, [45], 55);
    expect(g.assign()).toEqual([[], [2], []]);
    g.report(2, [], Infinity);
    expect(g.assign()).toEqual([[3], [], []]);
    g.report(1, [70], Infinity);
    g.report(0, [], Infinity);
    expect(g.assign()).toEqual([[], [4], []]);
  });

  test('a long run of one shard while the other is far behind', () => {
    const g = new GlobalNumbering(2);
    const frames = Array.from({ length: 10000 }, (_, i) => 2 * i + 1);
    g.report(0, frames, Infinity);
    g.report(1, [], 9999);
    const first = g.assign();
    expect(first[0]).toHaveLength(5000);
    g.report(1, [30000], Infinity);
    const rest = g.assign();
    expect(rest[0]).toHaveLength(5000);
    expect(rest[1]).toEqual([10000]);
    expect([...first[0]!, ...rest[0]!]).toEqual(Array.from({ length: 10000 }, (_, i) => i));
  });
});
