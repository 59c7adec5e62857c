// The run's counts, which the consumers add to and the command writes on its stderr line: one
// object shared by every module, so that there is one count of each.
export const figures = {
  connections: 0,
  /** Connections with a ClientHello. */
  tls: 0,
  /** ClientHellos parsed. */
  hellos: 0,
  // Stage `required` only: connections not TLS, handshakes complete, and connections with a record or
  // message malformed, over the size cap or cut by a gap (their `malformed` count).
  notTls: 0,
  complete: 0,
  malformed: 0,
};
