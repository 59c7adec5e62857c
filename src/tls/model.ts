/**
 * The connection model: everything the TLS layer learned about one TCP connection, in wire
 * values (numbers as on the wire, GREASE included, in order of appearance). The report and the
 * rules engine read only this. Names are looked up from src/tls/registry when rendering.
 * Models are read-only: those of one run share equal values (certificate bytes, hello lists,
 * an echoed session id) as one object, which a write would change in all of them.
 */
import type { Direction, TcpConnectionInfo } from '../tcp/stream-types.js';

/**
 * The session id of every hello that has none, shared (8,755 of the 20,145 hello pairs of the
 * 1 GB benchmark capture): a zero-length array has nothing to write to.
 */
export const NO_SESSION_ID: Uint8Array = new Uint8Array(0);

/** Where and when something was seen. `frame` is the frame carrying the last byte. */
export interface Seen {
  direction: Direction;
  frame: number;
  tsSec: number;
  tsNsec: number;
}

/** One extension as offered or answered, with its decoded content when we decode that type. */
export interface ExtensionEntry {
  type: number;
  length: number;
}

/** RFC 8446 §4.1.2 / RFC 5246 §7.4.1.2 ClientHello (also filled from an SSLv2-compatible hello). */
export interface ClientHelloModel extends Seen {
  /** Version of the record that carried the hello (0x0002 for an SSLv2-format hello). */
  recordVersion: number;
  /** True when the hello came in SSLv2-compatible format. */
  sslv2Format: boolean;
  /** legacy_version / client_version. */
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  compressionMethods: number[];
  /** Extension types in order. */
  extensions: number[];
  sni: string | null;
  /** supported_versions list, or [] when absent. */
  supportedVersions: number[];
  alpn: string[];
  supportedGroups: number[];
  ecPointFormats: number[];
  signatureAlgorithms: number[];
  signatureAlgorithmsCert: number[];
  /** Groups of the key_share entries. */
  keyShareGroups: number[];
  pskKeyExchangeModes: number[];
  preSharedKey: boolean;
  statusRequest: boolean;
  renegotiationInfo: boolean;
  extendedMasterSecret: boolean;
  encryptThenMac: boolean;
  /** session_ticket extension present; `sessionTicketLength` > 0 when it carries a ticket. */
  sessionTicket: boolean;
  sessionTicketLength: number;
  recordSizeLimit: number | null;
  compressCertificate: number[];
  /** Whole message length (body). */
  length: number;
}

/** RFC 8446 §4.1.3 ServerHello (or HelloRetryRequest, told by its random). */
export interface ServerHelloModel extends Seen {
  recordVersion: number;
  /** legacy_version / server_version. */
  version: number;
  /** supported_versions selected version when present, else `version`. */
  selectedVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  extensions: number[];
  helloRetryRequest: boolean;
  alpn: string | null;
  /** key_share group (TLS 1.3 ServerHello / HRR). */
  keyShareGroup: number | null;
  /** pre_shared_key selected identity: the server accepted a PSK (TLS 1.3 resumption). */
  pskSelected: boolean;
  extendedMasterSecret: boolean;
  renegotiationInfo: boolean;
  sessionTicket: boolean;
  length: number;
}

/** A Certificate message: DER of each entry in the order sent. */
export interface CertificateMessageModel extends Seen {
  /** TLS 1.3 form (request context + per-entry extensions). */
  tls13: boolean;
  /** DER of each certificate, in wire order (leaf first when well formed). */
  chain: Uint8Array[];
}

/** RFC 5246 §7.4.4 / RFC 8446 §4.3.2 CertificateRequest. */
export interface CertificateRequestModel extends Seen {
  certificateTypes: number[];
  signatureAlgorithms: number[];
  /** Distinguished names of acceptable CAs, as DER. */
  certificateAuthorities: Uint8Array[];
}

/** RFC 4492 / RFC 8422 ServerKeyExchange (what can be read without keys). */
export interface ServerKeyExchangeModel extends Seen {
  kind: 'ecdhe' | 'dhe' | 'unknown';
  /** Named group for ECDHE. */
  group: number | null;
  /** DH prime size in bits for DHE. */
  dhPrimeBits: number | null;
  /** Signature scheme (TLS 1.2), or null when not present (TLS 1.0/1.1). */
  signatureScheme: number | null;
}

/** An Alert record, in clear or (probably) encrypted. */
export interface AlertModel extends Seen {
  /** 1 warning, 2 fatal; null when encrypted. */
  level: number | null;
  /** Description code; null when encrypted. */
  description: number | null;
  /** True when the alert could not be read (encrypted record). */
  encrypted: boolean;
  /** How the record was recognised as an alert when encrypted. */
  inferredFrom: 'content-type' | 'size-and-position' | null;
  recordLength: number;
}

/** A handshake message in order of appearance (clear ones with their type; encrypted records as 'encrypted'). */
export interface MessageModel extends Seen {
  /** Handshake type, or -1 for an encrypted handshake record. */
  type: number;
  length: number;
}

/** Counts of records that could not be read, per direction. */
export interface EncryptedRecordCounts {
  /** Encrypted handshake records (TLS 1.3 flights, TLS 1.2 Finished). */
  handshake: number;
  applicationData: number;
  alerts: number;
  /** Frame of the first application data record, or null. */
  firstApplicationDataFrame: number | null;
  /** Payload bytes of application data records. */
  applicationDataBytes: number;
}

/**
 * A handshake message whose header was read but whose body was never decoded: over the size
 * cap (skipped unread), or cut by bytes the capture misses. It is not in `messages` when cut
 * by a gap (what was lost cannot be listed as seen); a too-large one is.
 */
export interface UndecodedMessageModel {
  direction: Direction;
  /** Handshake type from its header (1 ClientHello, 11 Certificate...). */
  type: number;
  /** Body length its header declares. */
  length: number;
  reason: 'too-large' | 'gap';
  /** Frame carrying its header. */
  firstFrame: number;
  /** Frame carrying its last byte, or null when the stream ended before it. */
  lastFrame: number | null;
  /** Body bytes of it the capture misses (0 for a too-large message read whole). */
  missingBytes: number;
  /** The frame after each hole inside it (where the reassembler reported the hole). */
  gapFrames: number[];
  /** The cap it went over (reason 'too-large'), else null. */
  cap: number | null;
}

/** Why a connection was judged not to be TLS. */
export interface NotTlsModel {
  /** What the first bytes looked like: "HTTP/1.1 request", "SSH-2.0 banner", "unknown". */
  lookedLike: string;
  direction: Direction;
  frame: number;
  /**
   * The other side's first bytes after the non-TLS ones, when it had not spoken before: what
   * it answered ("HTTP/1.x response", "TLS Alert record (fatal, decode_error)"). Absent when it
   * sent nothing (it may have closed: see tcp.closes).
   */
  reply?: { lookedLike: string; direction: Direction; frame: number };
}

/**
 * The plain exchange before TLS on a connection that did not start with it (STARTTLS, a
 * proxy's CONNECT, a database's SSL request).
 */
export interface PlaintextPreambleModel {
  /** What the exchange looked like: "SMTP (STARTTLS)", "SOCKS5 proxy", "unknown preamble". */
  lookedLike: string;
  /** Client stream bytes before its first TLS byte (including bytes the capture misses). */
  clientBytes: number;
  /** Server stream bytes before its first TLS byte (all it sent, when it never started TLS). */
  serverBytes: number;
  /** Frame carrying the first byte of the client's TLS (its ClientHello). */
  tlsStartFrame: number;
}

/** The TLS facts of one TCP connection. */
export interface TlsConnectionModel {
  tcp: TcpConnectionInfo;
  /**
   * 'tls' when the stream started with a TLS record or an SSLv2-compatible ClientHello, or a
   * ClientHello followed a plain preamble (see plaintextPreamble).
   */
  kind: 'tls' | 'not-tls' | 'no-payload';
  notTls: NotTlsModel | null;
  /**
   * Set when TLS started after a plain exchange (STARTTLS...); null or absent when the stream
   * started with TLS (or never did).
   */
  plaintextPreamble?: PlaintextPreambleModel | null;
  clientHello: ClientHelloModel | null;
  /** The final ServerHello (after a HelloRetryRequest, the second one). */
  serverHello: ServerHelloModel | null;
  helloRetryRequest: ServerHelloModel | null;
  /** Second ClientHello after HelloRetryRequest, if any. */
  secondClientHello: ClientHelloModel | null;
  certificates: CertificateMessageModel[];
  certificateRequest: CertificateRequestModel | null;
  serverKeyExchange: ServerKeyExchangeModel | null;
  /** Every handshake message in clear, and every encrypted handshake record, in order. */
  messages: MessageModel[];
  alerts: AlertModel[];
  changeCipherSpec: Seen[];
  /** Record versions seen, in order of first appearance, per direction [client, server]. */
  recordVersions: [number[], number[]];
  encrypted: [EncryptedRecordCounts, EncryptedRecordCounts];
  /** Negotiated version (supported_versions when present), null without ServerHello. */
  version: number | null;
  cipherSuite: number | null;
  /** Handshake completed: TLS <= 1.2 both Finished after CCS; TLS 1.3 the client's flight after the server's. */
  handshakeComplete: boolean;
  /** Frame where completion was established, or null. */
  completedFrame: number | null;
  resumption: 'session-id' | 'ticket' | 'psk' | null;
  renegotiation: boolean;
  /** Stream gaps (bytes the capture misses), per direction. */
  gaps: { direction: Direction; frame: number; bytes: number }[];
  /** Payload cut by the snaplen somewhere in the handshake. */
  snaplenCut: boolean;
  /**
   * Handshake messages begun but not decoded (too large, or cut by a gap), in order; absent
   * in models built before this field existed.
   */
  undecodedMessages?: UndecodedMessageModel[];
  /** Problems decoding this connection (malformed record or message): text with frame. */
  problems: { frame: number; text: string }[];
}

/** Counts of a direction before any record: nothing seen yet. */
export function emptyEncryptedCounts(): EncryptedRecordCounts {
  return { handshake: 0, applicationData: 0, alerts: 0, firstApplicationDataFrame: null, applicationDataBytes: 0 };
}

/** The model of a connection before any payload, with a list of its own in each list field. */
export function newConnectionModel(tcp: TcpConnectionInfo): TlsConnectionModel {
  return startingModel(tcp, () => []);
}

/**
 * The one empty list of every decoder-made model field that never got an entry (most
 * connections have no gap, problem or undecoded message): frozen, so a write by mistake throws
 * instead of changing every model.
 */
const NO_ENTRIES: never[] = Object.freeze([]) as unknown as never[];

/**
 * The model a decoder starts from: as {@link newConnectionModel}, but each list is the one
 * shared frozen empty list until its first entry, which the decoder stores as a new array
 * (`list.length === 0 ? field = [entry] : list.push(entry)`). A connection then keeps only the
 * lists it fills, each sized to its entries: an empty list made per field cost ~350 B per
 * connection, and a push onto `[]` makes room for 17.
 */
export function newDecodingModel(tcp: TcpConnectionInfo): TlsConnectionModel {
  return startingModel(tcp, () => NO_ENTRIES);
}

/** A model before any payload, its list fields from `list` (one literal: one hidden class for both kinds). */
function startingModel(tcp: TcpConnectionInfo, list: () => never[]): TlsConnectionModel {
  return {
    tcp,
    kind: 'no-payload',
    notTls: null,
    plaintextPreamble: null,
    clientHello: null,
    serverHello: null,
    helloRetryRequest: null,
    secondClientHello: null,
    certificates: list(),
    certificateRequest: null,
    serverKeyExchange: null,
    messages: list(),
    alerts: list(),
    changeCipherSpec: list(),
    recordVersions: [list(), list()],
    encrypted: [emptyEncryptedCounts(), emptyEncryptedCounts()],
    version: null,
    cipherSuite: null,
    handshakeComplete: false,
    completedFrame: null,
    resumption: null,
    renegotiation: false,
    gaps: list(),
    snaplenCut: false,
    undecodedMessages: list(),
    problems: list(),
  };
}
