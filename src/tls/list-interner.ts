/**
 * One object per distinct list of a hello for all the connections of a run. Clients of one
 * stack offer the same cipher suites, groups, signature algorithms, ... on every connection:
 * a hello's dozen lists were about 1.2 KB of every connection's model, held (and, on
 * connections that outlived two young-generation collections, promoted to the old space) for
 * the connection's whole life (docs/decisions.md, "Peak RSS growing with the capture").
 */

/** Distinct lists kept by default before the table starts over. */
const DEFAULT_MAX_LISTS = 1024;

/** Where a hello parser's number lists come from, read from their wire bytes. */
export interface ListSource {
  /** The big-endian uint16 values filling `bytes[start, end)` (an even length). */
  uint16s(bytes: Uint8Array, start: number, end: number): number[];
  /** The uint8 values filling `bytes[start, end)`. */
  uint8s(bytes: Uint8Array, start: number, end: number): number[];
}

/** Each list an array of its own (a parse without a {@link ListInterner}). */
export const FRESH_LISTS: ListSource = { uint16s: freshUint16s, uint8s: freshUint8s };

/** Gives equal lists as one shared array (see {@link ListInterner.numbers}). */
export class ListInterner implements ListSource {
  private readonly numberLists = new Map<number, number[][]>();
  private readonly stringLists = new Map<string, string[]>();
  private size = 0;

  /**
   * @param maxLists distinct lists kept; beyond it the table starts over, so that lists that
   *   are never the same twice (GREASE values drawn per connection) hold a bounded amount.
   */
  constructor(private readonly maxLists = DEFAULT_MAX_LISTS) {}

  /** The shared list with the values of `list` in the same order (`list` itself the first time). Callers must not write to the result. */
  numbers(list: number[]): number[] {
    const hash = hashOf(list);
    const known = this.numberLists.get(hash);
    if (known) {
      // A list the parser already took from here (see uint16s) is its own match.
      for (const k of known) if (k === list || sameNumbers(k, list)) return k;
    }
    this.add(hash, list);
    return list;
  }

  /**
   * The shared list of the big-endian uint16 values filling `bytes[start, end)` (an even
   * length), made only when no equal list is known: a hello's lists are nearly always repeats,
   * and making each only to drop it for the shared one was most of a ClientHello's allocation.
   */
  uint16s(bytes: Uint8Array, start: number, end: number): number[] {
    const n = (end - start) >> 1;
    let h = n;
    for (let p = start; p < end; p += 2) h = Math.imul(h ^ ((bytes[p]! << 8) | bytes[p + 1]!), HASH_PRIME);
    const hash = h & HASH_MASK;
    const known = this.numberLists.get(hash);
    if (known) {
      for (const k of known) if (k.length === n && sameUint16s(k, bytes, start)) return k;
    }
    const list = freshUint16s(bytes, start, end);
    this.add(hash, list);
    return list;
  }

  /** As {@link uint16s}, for the uint8 values filling `bytes[start, end)`. */
  uint8s(bytes: Uint8Array, start: number, end: number): number[] {
    const n = end - start;
    let h = n;
    for (let p = start; p < end; p++) h = Math.imul(h ^ bytes[p]!, HASH_PRIME);
    const hash = h & HASH_MASK;
    const known = this.numberLists.get(hash);
    if (known) {
      for (const k of known) if (k.length === n && sameUint8s(k, bytes, start)) return k;
    }
    const list = freshUint8s(bytes, start, end);
    this.add(hash, list);
    return list;
  }

  private add(hash: number, list: number[]): void {
    this.count();
    const again = this.numberLists.get(hash);
    if (again) again.push(list);
    else this.numberLists.set(hash, [list]);
  }

  /** As {@link numbers}, for lists of strings (ALPN protocol names). */
  strings(list: string[]): string[] {
    // JSON tells ['a,b'] from ['a', 'b']; the key is a short string made once per hello.
    const key = JSON.stringify(list);
    const known = this.stringLists.get(key);
    if (known) return known;
    this.count();
    this.stringLists.set(key, list);
    return list;
  }

  /** Makes room for one more list. */
  private count(): void {
    if (this.size >= this.maxLists) {
      this.numberLists.clear();
      this.stringLists.clear();
      this.size = 0;
    }
    this.size++;
  }
}

/** Sized up front: growing by push made and dropped two or three backing stores a hello. */
function freshUint16s(bytes: Uint8Array, start: number, end: number): number[] {
  const list = new Array<number>((end - start) >> 1);
  for (let i = 0, p = start; i < list.length; i++, p += 2) list[i] = (bytes[p]! << 8) | bytes[p + 1]!;
  return list;
}

function freshUint8s(bytes: Uint8Array, start: number, end: number): number[] {
  const list = new Array<number>(end - start);
  for (let i = 0; i < list.length; i++) list[i] = bytes[start + i]!;
  return list;
}

const HASH_PRIME = 0x01000193;
/** A small integer key (Smi) keeps the Map's lookups off boxed numbers. */
const HASH_MASK = 0x3fffffff;

/** The same hash as uint16s / uint8s compute from the wire, so both find the same lists. */
function hashOf(list: number[]): number {
  let h = list.length | 0;
  for (let i = 0; i < list.length; i++) h = Math.imul(h ^ list[i]!, HASH_PRIME);
  return h & HASH_MASK;
}

function sameUint16s(list: number[], bytes: Uint8Array, start: number): boolean {
  for (let i = 0, p = start; i < list.length; i++, p += 2) if (list[i] !== ((bytes[p]! << 8) | bytes[p + 1]!)) return false;
  return true;
}

function sameUint8s(list: number[], bytes: Uint8Array, start: number): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] !== bytes[start + i]) return false;
  return true;
}

function sameNumbers(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
