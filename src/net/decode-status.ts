/**
 * Outcome codes shared by the header decoders of the net layer. They are plain numbers rather
 * than result objects because the decoders run once per packet and must not allocate; the
 * decoder that returns MALFORMED or TRUNCATED leaves its reason in its scratch `problem` field.
 */

/** The header was decoded and its fields are in the scratch object. */
export const DECODED = 0;
/** The bytes cannot be this header (bad length field, too short on the wire). */
export const MALFORMED = 1;
/** The header was on the wire but the capture's snapshot length cut it off. */
export const TRUNCATED = 2;

export type DecodeStatus = typeof DECODED | typeof MALFORMED | typeof TRUNCATED;
