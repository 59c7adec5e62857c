/** Longer lists go to `Array.prototype.sort`: insertion sort is quadratic, and a hostile capture can make long ones. */
const INSERTION_MAX = 32;

/**
 * In-place stable insertion sort, for the short lists of a diagnosis (evidence lines,
 * hypotheses): `Array.prototype.sort` allocates a work area on every call, which made it one of
 * the largest allocation sites per connection. For a consistent comparator the result is the
 * one `Array.prototype.sort` (stable since ES2019) gives.
 */
export function stableSort<T>(list: T[], compare: (a: T, b: T) => number): T[] {
  if (list.length > INSERTION_MAX) return list.sort(compare);
  for (let i = 1; i < list.length; i++) {
    const item = list[i]!;
    let j = i - 1;
    // Only strictly greater items move: equal ones keep their order (stability).
    while (j >= 0 && compare(list[j]!, item) > 0) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = item;
  }
  return list;
}

/** Ascending frame order (the order of evidence lines). */
export function byFrameOrder(a: { frame: number }, b: { frame: number }): number {
  return a.frame - b.frame;
}
