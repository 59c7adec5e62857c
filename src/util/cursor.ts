/**
 * A bounded reader over bytes. A length-prefixed vector becomes a sub-cursor, so a bad length
 * can never make a parser read past its parent: reads beyond `end` fail instead of wrapping.
 */
export class Cursor {
  /** Absolute position in `bytes` of the next read. */
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    /** Absolute start (for offsets in error messages). */
    readonly start = 0,
    /** Absolute end, exclusive. */
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Offset of the next read relative to this cursor's start. */
  get offset(): number {
    return this.pos - this.start;
  }

  /** True when every byte has been read. */
  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  has(n: number): boolean {
    return this.end - this.pos >= n;
  }

  /** Reads one byte, or returns -1 when none is left. */
  u8(): number {
    if (this.pos + 1 > this.end) return -1;
    return this.bytes[this.pos++]!;
  }

  /** Reads a big-endian uint16, or -1 when fewer than 2 bytes are left. */
  u16(): number {
    if (this.pos + 2 > this.end) return -1;
    const b = this.bytes;
    const v = (b[this.pos]! << 8) | b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  /** Reads a big-endian uint24, or -1 when fewer than 3 bytes are left. */
  u24(): number {
    if (this.pos + 3 > this.end) return -1;
    const b = this.bytes;
    const v = (b[this.pos]! << 16) | (b[this.pos + 1]! << 8) | b[this.pos + 2]!;
    this.pos += 3;
    return v;
  }

  /** Reads a big-endian uint32, or -1 when fewer than 4 bytes are left. */
  u32(): number {
    if (this.pos + 4 > this.end) return -1;
    const b = this.bytes;
    const v = (b[this.pos]! * 0x1000000) + ((b[this.pos + 1]! << 16) | (b[this.pos + 2]! << 8) | b[this.pos + 3]!);
    this.pos += 4;
    return v;
  }

  /** Returns a view of the next n bytes (no copy), or null when fewer are left. */
  bytesView(n: number): Uint8Array | null {
    if (n < 0 || this.pos + n > this.end) return null;
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Skips n bytes; false (and no move) when fewer are left. */
  skip(n: number): boolean {
    if (n < 0 || this.pos + n > this.end) return false;
    this.pos += n;
    return true;
  }

  /** A cursor over the next n bytes, advancing this one past them; null when fewer are left. */
  sub(n: number): Cursor | null {
    if (n < 0 || this.pos + n > this.end) return null;
    const c = new Cursor(this.bytes, this.pos, this.pos + n);
    this.pos += n;
    return c;
  }

  /** Reads a vector with a 1-byte length prefix as a sub-cursor. */
  vec8(): Cursor | null {
    const save = this.pos;
    const n = this.u8();
    if (n < 0) return null;
    const c = this.sub(n);
    if (!c) this.pos = save;
    return c;
  }

  /** Reads a vector with a 2-byte length prefix as a sub-cursor. */
  vec16(): Cursor | null {
    const save = this.pos;
    const n = this.u16();
    if (n < 0) return null;
    const c = this.sub(n);
    if (!c) this.pos = save;
    return c;
  }

  /** Reads a vector with a 3-byte length prefix as a sub-cursor. */
  vec24(): Cursor | null {
    const save = this.pos;
    const n = this.u24();
    if (n < 0) return null;
    const c = this.sub(n);
    if (!c) this.pos = save;
    return c;
  }
}

/** A parse that succeeded. */
export interface Parsed<T> {
  ok: true;
  value: T;
}

/** More bytes are needed before the value can be parsed (drives reassembly). */
export interface Incomplete {
  ok: false;
  incomplete: true;
  /** How many bytes in total are needed, when known. */
  needed?: number;
}

/** The bytes cannot be this structure. */
export interface Malformed {
  ok: false;
  incomplete: false;
  /** What is wrong, in words. */
  malformed: string;
  /** Offset (relative to the structure's start) where it went wrong. */
  offset: number;
}

/** The discriminated result of every parser: parsers never throw on bad input. */
export type ParseResult<T> = Parsed<T> | Incomplete | Malformed;

export function parsed<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function incomplete(needed?: number): Incomplete {
  return needed === undefined ? { ok: false, incomplete: true } : { ok: false, incomplete: true, needed };
}

export function malformed(reason: string, offset: number): Malformed {
  return { ok: false, incomplete: false, malformed: reason, offset };
}
