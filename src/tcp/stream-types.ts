/** 0: client to server, 1: server to client. */
export type Direction = 0 | 1;
export const CLIENT_TO_SERVER: Direction = 0;
export const SERVER_TO_CLIENT: Direction = 1;

/** How the client side of a connection was decided. */
export type RoleSource = 'syn' | 'syn-ack' | 'payload' | 'ports';

/** A FIN or RST seen on a connection. */
export interface CloseEvent {
  direction: Direction;
  kind: 'fin' | 'rst';
  frame: number;
  tsSec: number;
  tsNsec: number;
}

/** The facts of one TCP connection (one Wireshark tcp.stream). */
export interface TcpConnectionInfo {
  /** Wireshark's tcp.stream: 0-based, in order of first packet. */
  id: number;
  ipVersion: 4 | 6;
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  /** How the client was decided (the SYN sender when the SYN is in the capture). */
  roleSource: RoleSource;
  firstFrame: number;
  lastFrame: number;
  firstTsSec: number;
  firstTsNsec: number;
  lastTsSec: number;
  lastTsNsec: number;
  packets: number;
  /** FIN and RST in order of appearance. */
  closes: CloseEvent[];
}

/**
 * Receives the in-order byte stream of one connection. Chunks are views into the capture's
 * buffers, valid only during the call: copy what you keep.
 */
export interface StreamConsumer {
  /**
   * In-order payload bytes of one direction, from one segment (frame). The consumer may call
   * `control.skip(direction, n)` during or after this call to have the next n bytes of that
   * direction dropped unseen (they are never copied or buffered, also when out of order).
   */
  data(direction: Direction, bytes: Uint8Array, offset: number, length: number, frame: number, tsSec: number, tsNsec: number): void;
  /** Bytes that never arrived: delivery resumes after them. `frame` is the first frame after the gap. */
  gap(direction: Direction, missingBytes: number, frame: number): void;
  /** A FIN or RST. */
  close(event: CloseEvent): void;
  /**
   * The connection is over (closed both ways and the last FIN acknowledged, reset, idle, or end
   * of capture): state is released after. `info` is the connection's final facts, a copy that
   * later packets on its 4-tuple (which still count in the table's own stream) never change.
   */
  end(info: TcpConnectionInfo): void;
}

/** What a consumer may ask of the reassembler. */
export interface StreamControl {
  /** Drop the next n bytes of a direction without delivering them. */
  skip(direction: Direction, n: number): void;
}

/** Creates the consumer of each new connection. */
export type ConsumerFactory = (info: TcpConnectionInfo, control: StreamControl) => StreamConsumer;
