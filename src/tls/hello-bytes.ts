/**
 * Where hellos keep their randoms and session ids: views into a shared slab instead of a
 * Uint8Array of their own each. A 32-byte array of its own costs ~230 B of heap (array
 * object, buffer object, bytes), a view ~100 B; these live as long as their model, so every
 * byte of them is copied by the scavenger before promotion. A buffer per connection instead
 * of a slab cost more than it saved: `new ArrayBuffer` is ~0.5 µs (docs/decisions.md).
 */

/** Makes the copies of byte strings a hello keeps (see {@link HelloBytes}). */
export interface ByteKeeper {
  /** A copy of `bytes[start, end)`, not sharing memory with `bytes`. */
  copy(bytes: Uint8Array, start: number, end: number): Uint8Array;
}

/** Each copy an array of its own (a parse without a keeper). */
export const OWN_COPIES: ByteKeeper = { copy: (bytes, start, end) => bytes.slice(start, end) };

/**
 * Slab size: 64 randoms. A model kept alone (its slab's other values dropped) keeps at most
 * this much alive through its views; a model costs several KB anyway.
 */
const SLAB_BYTES = 2048;
/** Larger copies get an array of their own (hello values are at most 32 bytes). */
const MAX_SLAB_COPY = 64;

/**
 * A {@link ByteKeeper} whose copies are views into 2 KiB slabs, filled in turn: a new slab when
 * the current one is full. Slabs hold only such copies, never capture bytes.
 */
export class HelloBytes implements ByteKeeper {
  private slab: ArrayBuffer | null = null;
  private fill = 0;

  copy(bytes: Uint8Array, start: number, end: number): Uint8Array {
    const n = end - start;
    if (n > MAX_SLAB_COPY) return bytes.slice(start, end);
    if (this.slab === null || this.fill + n > SLAB_BYTES) {
      this.slab = new ArrayBuffer(SLAB_BYTES);
      this.fill = 0;
    }
    const view = new Uint8Array(this.slab, this.fill, n);
    // A loop for at most 64 bytes: set() would need a subarray of `bytes` first.
    for (let i = 0; i < n; i++) view[i] = bytes[start + i]!;
    this.fill += n;
    return view;
  }
}

/** The keeper every decoder of this thread uses. */
export const HELLO_BYTES: ByteKeeper = new HelloBytes();
