/** The container formats the reader understands. */
export type CaptureFormat = 'pcap' | 'pcapng';

/**
 * One captured packet as the reader hands it on. The reader reuses a single instance and a
 * single buffer for every packet: a consumer copies whatever it keeps past the callback.
 */
export interface CapturedPacket {
  /** 1-based frame number, counted over the whole file as Wireshark does. */
  frame: number;
  /** pcap LINKTYPE_* value of the interface the packet came from. */
  linkType: number;
  /** Seconds since the epoch (integer part of the timestamp). */
  tsSec: number;
  /** Nanoseconds within the second (0 .. 999,999,999). */
  tsNsec: number;
  /** Bytes holding the packet: the packet is data[offset, offset + capturedLength). */
  data: Uint8Array;
  offset: number;
  capturedLength: number;
  /** Length on the wire; larger than capturedLength when the snaplen cut the packet. */
  originalLength: number;
  /** pcapng interface id (0 for classic pcap). */
  interfaceId: number;
}

/** Facts about the capture as a whole, known once it has been read. */
export interface CaptureSummary {
  format: CaptureFormat;
  /** Link types of the interfaces, in order of first appearance, without repeats. */
  linkTypes: number[];
  packets: number;
  /** Timestamp of the first and last packet, as seconds + nanoseconds; null when no packet. */
  first: { sec: number; nsec: number } | null;
  last: { sec: number; nsec: number } | null;
  /** Bytes of (uncompressed) capture read. */
  bytes: number;
}

/** What a reader feeds. Called synchronously, in file order. */
export interface PacketHandler {
  /** Called once the format is known, before the first packet. */
  onFormat?(format: CaptureFormat): void;
  onPacket(packet: CapturedPacket): void;
}

/** Inputs the reader accepts. A string is a file path. */
export type CaptureInput = string | Uint8Array | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/** The input cannot be read as a capture at all (not a capture, unreadable file). */
export class CaptureError extends Error {
  override readonly name = 'CaptureError';
  constructor(
    message: string,
    /** Machine-readable reason. */
    readonly code: 'not-a-capture' | 'unreadable' | 'unsupported',
  ) {
    super(message);
  }
}
