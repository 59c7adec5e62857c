import type { CaptureFormat } from './packet.js';

/**
 * The contract between the push parser (which owns buffering) and one container format.
 * A format parser reads records in place from `bytes[start, end)` and never looks outside it.
 */
export interface RecordParser {
  readonly format: CaptureFormat;
  /**
   * Parses every whole record in `bytes[start, end)`, emitting packets, and returns the offset
   * where the first incomplete record begins (`end` when none is left over). Checks a record's
   * header as soon as it is complete, so a lying length stops the parser before anything waits
   * for (or allocates) the bytes it claims.
   */
  parse(bytes: Uint8Array, view: DataView, start: number, end: number): number;
  /**
   * Total length of the record beginning at `start`, or the length of its header while fewer
   * bytes than that are present. Only called where `parse` left off.
   */
  nextRecordLength(view: DataView, start: number, end: number): number;
  /** Warns about the record cut short by the end of the input (`end - start` bytes of it present). */
  reportTruncated(view: DataView, start: number, end: number): void;
  /** End of the input: emits what the parser summed up over the file (optional). */
  finish?(): void;
  /** True once the parser gave up on the rest of the file (a warning said why). */
  readonly stopped: boolean;
}

/** Largest classic pcap record body accepted: libpcap's and Wireshark's limit for ordinary link types. */
export const MAX_PCAP_RECORD = 256 * 1024;
/** Largest pcapng block accepted: beyond this a length is taken for corruption, not allocated. */
export const MAX_PCAPNG_BLOCK = 16 * 1024 * 1024;
