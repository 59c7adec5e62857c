/**
 * The TLS decoder of one TCP connection: it reads both directions' in-order bytes, frames
 * records, rebuilds handshake messages, follows the handshake through the switch to
 * encryption, and fills the {@link TlsConnectionModel} that the report and the rules read.
 *
 * Encrypted records are framed by their header and skipped through `StreamControl.skip`, so
 * their bodies are never copied; only handshake messages in clear, record headers split
 * across segments and tiny alert / ChangeCipherSpec bodies are buffered.
 */
import { clientHelloModel, serverHelloModel } from './hello-model.js';
import { Cursor } from '../util/cursor.js';
import type {
  CloseEvent,
  Direction,
  StreamConsumer,
  StreamControl,
  TcpConnectionInfo,
  ConsumerFactory,
} from '../tcp/stream-types.js';
import type {
  AlertModel,
  CertificateMessageModel,
  ClientHelloModel,
  MessageModel,
  Seen,
  ServerHelloModel,
  TlsConnectionModel,
  UndecodedMessageModel,
} from './model.js';
import { newDecodingModel } from './model.js';
import {
  ContentType,
  MAX_RECORD_BODY_LENGTH,
  RECORD_HEADER_LENGTH,
  isKnownContentType,
  isRecordVersion,
  parseRecordHeader,
} from './record-header.js';
import {
  Sslv2MessageType,
  parseSslv2ClientHello,
  parseSslv2RecordHeader,
  parseSslv2ServerHello,
} from './sslv2-client-hello.js';
import { HandshakeAssembler, type AssembledMessage, type HandshakeSink } from './handshake-assembler.js';
import { HandshakeType } from './handshake-header.js';
import { parseHandshakeBody, type HandshakeContext } from './handshake-message.js';
import { classifyStreamStart, describeNonTlsStart } from './stream-start.js';
import { classifyClientHelloStart, CLIENT_HELLO_START_BYTES } from './client-hello-start.js';
import { PreambleSide, describePreamble } from './plaintext-preamble.js';
import { ALERT_LENGTH } from './alert.js';
import { nullCipherMacLength } from './null-cipher.js';
import type { CertificateInterner } from './certificate-interner.js';
import { noExtensions } from './client-hello.js';
import { HELLO_BYTES } from './hello-bytes.js';
import type { ListInterner } from './list-interner.js';
import { alertDescriptionName, alertLevelName, handshakeTypeName } from './registry/index.js';

/** Options of {@link createTlsConsumer}. */
export interface TlsConsumerOptions {
  /** Receives the finished model when the connection ends. */
  onEnd: (model: TlsConnectionModel) => void;
  /** Largest handshake message kept, in bytes (default 256 KiB); larger ones are skipped and reported. */
  maxHandshakeBytes?: number;
  /** Certificates kept per Certificate message (default 32); the rest are counted as a problem. */
  maxCertificates?: number;
  /** Entries kept in `messages` and in `alerts` each (default 512). */
  maxEvents?: number;
  /**
   * Shared copies of certificates for the connections of one run (pass the same interner to
   * every consumer): equal DERs in the models are then one object. Without it each Certificate
   * message keeps its own copy.
   */
  certificates?: CertificateInterner;
  /**
   * Shared hello lists for the connections of one run (pass the same interner to every
   * consumer): equal cipher-suite, group, ... lists in the models are then one array.
   */
  lists?: ListInterner;
}

const DEFAULT_MAX_HANDSHAKE_BYTES = 256 * 1024;
const DEFAULT_MAX_CERTIFICATES = 32;
const DEFAULT_MAX_EVENTS = 512;
/**
 * "Skip the rest of this direction". The reassembler compares positions with a signed 32-bit
 * sequence difference, so a skip must stay below 2^31; a stopped direction that still gets
 * data (after 2 GiB) simply skips again.
 */
const SKIP_ALL = 0x7fffffff;
/** Encrypted alert: 2 bytes + 1 content type + 16-byte AEAD tag = 19, up to 24 with padding. */
const SHORT_RECORD_MIN = 19;
const SHORT_RECORD_MAX = 24;
/**
 * After the handshake completed, tiny application data is as likely as a padded alert, so only
 * the unpadded alert size counts there (OpenSSL, BoringSSL, Go, NSS and rustls do not pad).
 */
const UNPADDED_ALERT_RECORD = 19;
/** Clear alert / ChangeCipherSpec bodies kept at most (several alerts may share a record). */
const MAX_SMALL_BODY = 64;
/** Segment starts probed for a record header when the capture began mid-connection. */
const MID_STREAM_HUNT_CHUNKS = 16;
/** Largest SSLv2 record body read in clear (CLIENT-HELLO, SERVER-HELLO with its certificate). */
const MAX_SSLV2_CLEAR_BODY = 32 * 1024;
/** RFC 5246 §6.2.1: a record's plaintext is at most 2^14 bytes (plus 1024 if compressed, excluded). */
const MAX_PLAINTEXT_RECORD = 16384;
/** The truncated_hmac extension (RFC 6066 §7). */
const TRUNCATED_HMAC_EXTENSION = 4;

/** True for TLS 1.3 and its drafts (0x7fNN), including Facebook's 0xfbNN / 0x7eNN experiments. */
export function isTls13Version(version: number): boolean {
  const major = version >> 8;
  return version === 0x0304 || major === 0x7f || major === 0x7e || major === 0xfb;
}

/**
 * What an answer to non-TLS bytes looks like: a TLS record (a server that answered plain text
 * on its TLS port with an alert) named by its content type, else as describeNonTlsStart says.
 */
function describeReplyStart(bytes: Uint8Array, start: number, end: number): string {
  if (classifyStreamStart(bytes, start, end) !== 'tls-record') return describeNonTlsStart(bytes, start, end);
  const type = bytes[start]!;
  const length = (bytes[start + 3]! << 8) | bytes[start + 4]!;
  if (type === ContentType.alert && length === ALERT_LENGTH && end - start >= 7) {
    const level = bytes[start + 5]!;
    const description = bytes[start + 6]!;
    return `TLS Alert record (${alertLevelName(level) ?? `level ${level}`}, ${alertDescriptionName(description) ?? `description ${description}`})`;
  }
  if (type === ContentType.alert) return 'TLS Alert record';
  if (type === ContentType.handshake) return 'TLS handshake record';
  return `TLS record of content type ${type}`;
}

/**
 * Length of a TLS 1.3 record holding only a Finished (RFC 8446 §4.4.4, §5.2): 4-byte handshake
 * header + verify_data (the suite's hash size) + 1 content-type byte + the AEAD tag (8 bytes for
 * TLS_AES_128_CCM_8_SHA256, else 16). Null for a suite whose hash is unknown.
 */
function tls13FinishedRecordLength(suite: number | null): number | null {
  if (suite === 0x1302) return 4 + 48 + 1 + 16;
  if (suite === 0x1305) return 4 + 32 + 1 + 8;
  if (suite === 0x1301 || suite === 0x1303 || suite === 0x1304) return 4 + 32 + 1 + 16;
  return null;
}

/** What to do with the body of the record under way. */
type BodyAction =
  | 'handshake'
  | 'alert'
  | 'ccs'
  | 'skip'
  | 'sslv2-clear'
  /** A handshake record after CCS under a NULL-encryption suite: plaintext kept, MAC dropped. */
  | 'null-handshake';

interface RecordState {
  contentType: number;
  version: number;
  length: number;
  remaining: number;
  action: BodyAction;
  /** SSLv2 padding bytes at the end of the body. */
  padding: number;
  /** MAC bytes trailing the content (NULL-encryption suite after CCS); 0 otherwise. */
  mac: number;
}

/** Refills a direction's record slot for a new record. */
function fillRecord(rec: RecordState, contentType: number, version: number, length: number, action: BodyAction, padding: number, mac: number): RecordState {
  rec.contentType = contentType;
  rec.version = version;
  rec.length = length;
  rec.remaining = length;
  rec.action = action;
  rec.padding = padding;
  rec.mac = mac;
  return rec;
}

/** A short type-23 record whose meaning (encrypted alert or not) is settled later. */
interface PendingShortRecord {
  message: MessageModel | null;
  countedAs: 'handshake' | 'applicationData';
  length: number;
  /** Where it was seen (fields, not a Seen object: one object per short record). */
  frame: number;
  tsSec: number;
  tsNsec: number;
  /** Sent after the handshake completed (only the unpadded size then counts as an alert). */
  afterCompletion: boolean;
  /** Already settled as an alert. */
  settled?: boolean;
}

/**
 * 'preamble': the connection did not start with TLS; the direction is watched (bounded) for the
 * chunk where TLS starts (STARTTLS and the like), its first bytes describing the answer to the
 * other side's non-TLS start.
 */
type DirectionMode = 'detect' | 'tls' | 'sslv2' | 'preamble' | 'stopped';

/**
 * A {@link MessageModel} made by a constructor rather than a literal: the same fields in the
 * same order, but no allocation site. Messages live as long as their connection, so V8
 * decided to pretenure the literal's site once connections had lived a while, which
 * deoptimized every method the literal was inlined into (most of the decoder).
 */
class SeenMessage implements MessageModel {
  constructor(
    public direction: Direction,
    public frame: number,
    public tsSec: number,
    public tsNsec: number,
    public type: number,
    public length: number,
  ) {}
}

/** The {@link HandshakeContext} of the message being parsed (see TlsConnectionDecoder.context). */
const PARSE_CONTEXT: HandshakeContext = { version: null, cipherSuite: null, tls13: false, maxCertificates: DEFAULT_MAX_CERTIFICATES, bodyOwned: false, certificates: undefined, lists: undefined, helloBytes: HELLO_BYTES };

/** A probe with nothing kept (shared: a probe is replaced, never written to). */
const NO_PROBE = new Uint8Array(0);

/**
 * The part of a direction's state that few connections ever use, kept out of
 * {@link DirectionState} so that the others do not carry it while they live (state that
 * outlives a scavenge is copied by it, up to twice before promotion).
 */
class RareDirectionState {
  /** Alert bodies in clear. */
  small: Uint8Array | null = null;
  /** SSLv2 record body under way, read in clear. */
  sslv2Body: Uint8Array | null = null;
  sslv2Fill = 0;
  sslv2ClearRecords = 0;
  /** Plaintext of the 'null-handshake' record under way. */
  nullBody: Uint8Array | null = null;
  nullFill = 0;
  /** Segments whose start was probed for a record header after a mid-connection start. */
  huntedChunks = 0;
  firstBytes: { text: string; frame: number } | null = null;
}

/**
 * The decoding state of one direction. Buffers that only a record or message split across
 * segments needs are made on first need: typed arrays are the dearest objects a connection
 * makes (docs/decisions.md).
 */
class DirectionState implements HandshakeSink, RecordState {
  mode: DirectionMode = 'detect';
  sawPayload = false;
  /** First bytes kept until the direction can be classified. */
  probe = NO_PROBE;
  /** A record header split across segments, made on first need. */
  headerBytes: Uint8Array | null = null;
  headerFill = 0;
  /**
   * The record under way: the direction itself while one is (its RecordState fields below,
   * refilled by each record, never held past its record's end), else null. Fields rather
   * than an object of their own: one object less per direction while the connection lives.
   */
  record: RecordState | null = null;
  contentType = 0;
  version = 0;
  length = 0;
  remaining = 0;
  action: BodyAction = 'skip';
  padding = 0;
  mac = 0;
  /** Version of the last record header (-1 before any): only a new one is looked up. */
  lastRecordVersion = -1;
  /** Bytes of the alert or ChangeCipherSpec body under way (counted past MAX_SMALL_BODY for a ChangeCipherSpec). */
  smallFill = 0;
  /** First byte of the ChangeCipherSpec body under way. */
  ccsFirstByte = -1;
  /** Switched to encrypted records (TLS <= 1.2 after CCS; TLS 1.3 after the ServerHello). */
  encrypted = false;
  ccsSeen = false;
  /** Encrypted handshake record after this direction's CCS (its Finished). */
  finishedSeen = false;
  /**
   * After this direction's CCS under a NULL-encryption suite: the MAC length trailing each
   * record's clear content; 0 when records are encrypted (or not yet switched).
   */
  nullMac = 0;
  /** TLS 1.3 / SSLv2: encrypted handshake records counted so far. */
  encryptedHandshakeRecords = 0;
  /** Frame of this direction's encrypted flight (TLS 1.3 client). */
  flightFrame = -1;
  /** TLS 1.3 client: a record of the size of a lone Finished ended the flight; records after it are data. */
  flightFinished = false;
  /** The record under way is a record of the client's TLS 1.3 flight. */
  flightRecordOpen = false;
  /** A flight record went on past its segment: the next record, in a later frame, is still the same burst. */
  flightSpansOn = false;
  /** A gap lost record framing: the next header is checked before trusting it. */
  resyncing = false;
  lastDataFrame = -1;
  pendingShort: PendingShortRecord | null = null;
  /**
   * The short records this side sent last, in a row, with no record of the other side after
   * the first: settled as alerts at the end when the other side then closed (see end()).
   */
  shortRun: PendingShortRecord[] | null = null;
  sentClientKeyExchange = false;
  /** A ChangeCipherSpec came before any ServerHello from a client offering TLS 1.3. */
  earlyCcs = false;
  /** What few directions need (SSLv2, a NULL cipher, a mid-connection start, alerts in clear), made on first need. */
  rare: RareDirectionState | null = null;
  /** Highest frame delivered in this direction: a record completes at it (as Wireshark reports). */
  maxFrame = -1;
  /** Objects created for messages of the handshake record under way: their frame is the record's last. */
  inRecord: Seen[] | null = null;
  /**
   * The handshake record under way ends within the chunk being read: what its messages make
   * already has the record's last frame, and is not registered in `inRecord`.
   */
  recordEndsInChunk = false;
  readonly assembler: HandshakeAssembler;
  /** Frame that carried the header of the handshake message under way. */
  messageFrame = 0;
  /** The message under way once known to be undecodable (too large, or hit by a gap). */
  openLoss: UndecodedMessageModel | null = null;

  constructor(
    private readonly decoder: TlsConnectionDecoder,
    private readonly direction: Direction,
    maxMessageBytes: number,
  ) {
    // The direction is its own assembler's sink: no closures per connection.
    this.assembler = new HandshakeAssembler(maxMessageBytes, this);
  }

  /** The direction's {@link RareDirectionState}, made now if it was not. */
  rareState(): RareDirectionState {
    return this.rare ?? (this.rare = new RareDirectionState());
  }

  message(m: AssembledMessage): void {
    this.decoder.onHandshakeMessage(this.direction, m);
  }

  header(type: number, length: number, tooLarge: boolean): void {
    this.decoder.onHandshakeHeader(this.direction, type, length, tooLarge);
  }
}

/**
 * Decodes one TCP connection as TLS. Build it with {@link createTlsConsumer}; the model is
 * handed to `onEnd` from {@link TlsConnectionDecoder.end}.
 */
export class TlsConnectionDecoder implements StreamConsumer {
  /**
   * The model and both directions' decoding state are made at the first byte, event or end:
   * a connection that never carries payload (a SYN flood holds a million of them open until
   * the capture ends) then costs this object and nothing else.
   */
  private modelState: TlsConnectionModel | null = null;
  private dirState: [DirectionState, DirectionState] | null = null;
  private readonly maxCertificates: number;
  private readonly maxEvents: number;
  private readonly maxHandshakeBytes: number;
  /**
   * Where the chunk under way came from (frame, capture time). Fields, not an object per
   * chunk: a {frame, tsSec, tsNsec} per delivered chunk was the largest allocation of the
   * TLS stage (docs/decisions.md).
   */
  private frame = 0;
  private tsSec = 0;
  private tsNsec = 0;
  private tls13 = false;
  private sslv2Connection = false;
  private sslv2SessionHit = false;
  private eventsCapped = false;
  private ended = false;
  /** Both directions' plain exchange, while the connection is watched for TLS to start. */
  private preamble: [PreambleSide, PreambleSide] | null = null;
  /** Bytes each direction's detect phase consumed (they become preamble if it was not TLS). */
  private detectBytes: [number, number] | null = null;
  /** The server's first plain chunk after the client's ClientHello (a plain answer to TLS). */
  private plainAnswer: { lookedLike: string; frame: number } | null = null;

  constructor(
    private readonly info: TcpConnectionInfo,
    private readonly control: StreamControl,
    private readonly options: TlsConsumerOptions,
  ) {
    this.maxHandshakeBytes = options.maxHandshakeBytes ?? DEFAULT_MAX_HANDSHAKE_BYTES;
    this.maxCertificates = options.maxCertificates ?? DEFAULT_MAX_CERTIFICATES;
    this.maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  }

  /*
   * The state is made by start() (first byte or event) and startModel() (end of a connection
   * without any), never by these getters: code that may allocate the model's literals, when
   * inlined into every hot method, made all of them depend on those literals' allocation
   * sites, and V8's pretenuring decision for them (taken once connections had lived long
   * enough) deoptimized the whole decoder for recompilation (docs/decisions.md).
   */
  private get model(): TlsConnectionModel {
    return this.modelState!;
  }

  private get dirs(): [DirectionState, DirectionState] {
    return this.dirState!;
  }

  /** Makes the decoding state at the connection's first byte or event. */
  private start(): void {
    this.startModel();
    const maxBytes = this.maxHandshakeBytes;
    this.dirState = [new DirectionState(this, 0, maxBytes), new DirectionState(this, 1, maxBytes)];
  }

  private startModel(): void {
    if (this.modelState === null) this.modelState = newDecodingModel(this.info);
  }

  // ---------------------------------------------------------------- StreamConsumer

  data(direction: Direction, bytes: Uint8Array, offset: number, length: number, frame: number, tsSec: number, tsNsec: number): void {
    if (length <= 0 || this.ended) return;
    if (this.dirState === null) this.start();
    const d = this.dirs[direction];
    if (d.mode === 'stopped') {
      this.control.skip(direction, SKIP_ALL);
      return;
    }
    d.sawPayload = true;
    d.lastDataFrame = frame;
    // Out-of-order segments are delivered with their own frame once the hole is filled; the
    // message is complete only at the highest frame seen, which is what Wireshark reports.
    if (frame > d.maxFrame) d.maxFrame = frame;
    this.frame = d.maxFrame;
    this.tsSec = tsSec;
    this.tsNsec = tsNsec;
    if (this.model.kind === 'no-payload') this.model.kind = 'tls';
    let pos = offset;
    const end = offset + length;
    if (d.mode === 'preamble') {
      this.preambleChunk(direction, bytes, pos, end);
      return;
    }
    if (d.mode === 'detect') {
      pos = this.detect(direction, bytes, pos, end);
      if (pos < 0) return;
    }
    this.decode(direction, bytes, pos, end);
  }

  gap(direction: Direction, missingBytes: number, frame: number): void {
    if (this.ended) return;
    if (this.dirState === null) this.start();
    const d = this.dirs[direction];
    this.model.gaps = added(this.model.gaps, { direction, frame, bytes: missingBytes });
    // The reassembler reports bytes a snaplen cut off right after delivering the captured part
    // of the same frame; a hole between segments is reported with the frame after it.
    const snaplen = frame === d.lastDataFrame;
    if (d.mode === 'stopped') return;
    if (d.mode === 'preamble') {
      // Plain bytes the capture misses: the next chunk is watched as usual. A lost answer to
      // the other side's non-TLS start is not described.
      const side = this.preamble![direction];
      side.replyPending = false;
      side.noteGap(missingBytes);
      return;
    }
    if (d.mode === 'detect') {
      this.problem(frame, `${this.side(direction)} stream starts with ${missingBytes} missing bytes: cannot tell whether it is TLS`);
      this.stop(direction);
      return;
    }
    const rec = d.record;
    if (rec && missingBytes < rec.remaining) {
      // The gap lies inside the current record: framing survives, only this record's content is hit.
      rec.remaining -= missingBytes;
      if (rec.action === 'handshake') this.handshakeGap(direction, missingBytes, frame, snaplen);
      else if (rec.action === 'alert' || rec.action === 'ccs' || rec.action === 'sslv2-clear' || rec.action === 'null-handshake') {
        this.problem(frame, `${missingBytes} bytes missing inside a ${this.side(direction)} record of type ${rec.contentType}: its content is lost`);
        if (rec.action === 'null-handshake') this.nullHandshakeLost(direction, rec);
        rec.action = 'skip';
        if (snaplen) this.model.snaplenCut = true;
      }
      return;
    }
    if (rec && rec.action === 'null-handshake') this.nullHandshakeLost(direction, rec);
    if (rec && rec.action === 'handshake') this.handshakeGap(direction, missingBytes, frame, snaplen);
    else if (!d.assembler.idle) this.handshakeGap(direction, missingBytes, frame, snaplen);
    else if (snaplen && !this.model.handshakeComplete) this.model.snaplenCut = true;
    d.record = null;
    d.headerFill = 0;
    d.resyncing = true;
  }

  close(event: CloseEvent): void {
    if (this.ended || this.dirState === null) return;
    const pending = this.dirState[event.direction].pendingShort;
    if (!pending) return;
    this.dirs[event.direction].pendingShort = null;
    if (pending.length === UNPADDED_ALERT_RECORD || !pending.afterCompletion) this.settleShortRecordAsAlert(event.direction, pending);
  }

  /**
   * A side whose last records are all of alert size, after which the other side sent nothing
   * and closed (FIN/RST): those records were alerts (e.g. GnuTLS's fatal alert and close_notify
   * after a client's TLS 1.3 flight, answered by the client's RST), not two-byte data.
   */
  private settleTrailingRun(direction: Direction, info: TcpConnectionInfo): void {
    // Loops, not filter / every / some: this runs at the end of every connection.
    const run = this.dirs[direction].shortRun;
    if (run === null) return;
    let first = -1;
    for (let i = 0; i < run.length; i++) {
      const p = run[i]!;
      if (p.settled) continue;
      if (p.length !== UNPADDED_ALERT_RECORD && p.afterCompletion) return;
      if (first < 0) first = p.frame;
    }
    if (first < 0) return;
    let closedAfter = false;
    for (let i = 0; i < info.closes.length; i++) {
      const c = info.closes[i]!;
      if (c.direction !== direction && c.frame >= first) closedAfter = true;
    }
    if (!closedAfter) return;
    for (let i = 0; i < run.length; i++) if (!run[i]!.settled) this.settleShortRecordAsAlert(direction, run[i]!);
  }

  end(info: TcpConnectionInfo): void {
    if (this.ended) return;
    this.ended = true;
    this.startModel();
    this.model.tcp = info;
    if (this.dirState === null) {
      // No byte, no gap: nothing was decoded, the model stays 'no-payload'.
      this.options.onEnd(this.model);
      return;
    }
    this.settleTrailingRun(0, info);
    this.settleTrailingRun(1, info);
    for (let i = 0; i < 2; i++) {
      const direction = i as Direction;
      const d = this.dirs[direction];
      d.pendingShort = null;
      d.shortRun = null;
      if (d.record && d.record.action !== 'skip' && d.mode !== 'stopped') {
        this.problem(info.lastFrame, `${this.side(direction)} stream ends inside a record of type ${d.record.contentType} (${d.record.remaining} of ${d.record.length} bytes missing)`);
      } else if (!d.assembler.idle && d.mode !== 'stopped') {
        this.problem(info.lastFrame, `${this.side(direction)} stream ends inside a handshake message`);
      }
      d.assembler.reset();
    }
    if (!this.dirs[0].sawPayload && !this.dirs[1].sawPayload) this.model.kind = 'no-payload';
    const server = this.dirs[1];
    if (this.plainAnswer && server.mode !== 'tls' && server.mode !== 'sslv2') {
      // The client began TLS after the preamble and the server answered in plain text, never
      // in TLS: this server does not speak TLS here (e.g. a ClientHello sent without STARTTLS).
      this.model.kind = 'not-tls';
      this.model.notTls = { lookedLike: this.plainAnswer.lookedLike, direction: 1, frame: this.plainAnswer.frame };
    }
    this.dropPreamble();
    for (let i = 0; i < 2; i++) {
      const direction = i as Direction;
      const d = this.dirs[direction];
      // Picked up mid-connection and no record header found in the segments seen.
      const firstBytes = d.mode === 'detect' && d.rare !== null ? d.rare.firstBytes : null;
      if (firstBytes && !this.model.notTls) {
        this.model.kind = 'not-tls';
        this.model.notTls = { lookedLike: firstBytes.text, direction, frame: firstBytes.frame };
      }
    }
    this.model.resumption = this.resumption();
    this.options.onEnd(this.model);
  }

  // ---------------------------------------------------------------- detection

  /** Classifies a direction's first bytes; returns where TLS decoding continues, or -1. */
  private detect(direction: Direction, bytes: Uint8Array, pos: number, end: number): number {
    const d = this.dirs[direction];
    let view = bytes;
    let start = pos;
    let stop = end;
    if (d.probe.length > 0) {
      const joined = new Uint8Array(d.probe.length + Math.min(end - pos, 512));
      joined.set(d.probe, 0);
      joined.set(bytes.subarray(pos, pos + joined.length - d.probe.length), d.probe.length);
      view = joined;
      start = 0;
      stop = joined.length;
    }
    const kind = classifyStreamStart(view, start, stop);
    if (kind === 'undecided') {
      const keep = new Uint8Array(stop - start);
      keep.set(view.subarray(start, stop));
      d.probe = keep;
      return -1;
    }
    const probe = d.probe;
    d.probe = NO_PROBE;
    const hunted = d.rare !== null ? d.rare.huntedChunks : 0;
    if (kind === 'not-tls' && this.model.tcp.roleSource !== 'syn' && this.model.tcp.roleSource !== 'syn-ack' && hunted < MID_STREAM_HUNT_CHUNKS) {
      // The capture started mid-connection: these bytes may be the tail of a record. Look
      // for a record header at the start of the next segments before calling it not TLS.
      const rare = d.rareState();
      if (hunted === 0) rare.firstBytes = { text: describeNonTlsStart(view, start, stop), frame: this.frame };
      rare.huntedChunks++;
      (this.detectBytes ??= [0, 0])[direction] += probe.length + (end - pos);
      return -1;
    }
    if (kind === 'not-tls') {
      (this.detectBytes ??= [0, 0])[direction] += probe.length + (end - pos);
      if (!this.model.notTls) {
        this.model.kind = 'not-tls';
        const firstBytes = d.rare !== null ? d.rare.firstBytes : null;
        this.model.notTls = firstBytes
          ? { lookedLike: firstBytes.text, direction, frame: firstBytes.frame }
          : { lookedLike: describeNonTlsStart(view, start, stop), direction, frame: this.frame };
      }
      const other = this.dirs[direction ^ 1]!;
      if (other.mode === 'detect' || other.mode === 'preamble') {
        // Neither side has begun with TLS: it may still start after a plain exchange
        // (STARTTLS, a proxy handshake). Watch both sides, bounded, for it.
        this.enterPreamble(direction, view, start, stop);
        return -1;
      }
      // The other side spoke TLS first: this side's plain bytes are an answer to it, and
      // nothing more of it is worth reading.
      this.stop(direction);
      if (!other.sawPayload) this.stop((direction ^ 1) as Direction);
      return -1;
    }
    if (hunted > 0) {
      this.problem(this.frame, `${this.side(direction)} stream picked up mid-connection: first TLS record header found at frame ${this.frame}`);
    }
    if (kind === 'sslv2-server-hello') this.sslv2Connection = true;
    d.mode = kind === 'tls-record' ? 'tls' : 'sslv2';
    if (probe.length > 0) this.decode(direction, probe, 0, probe.length);
    return pos;
  }

  // ---------------------------------------------------------------- plain preamble

  /**
   * A direction's first bytes were not TLS and the other side has not begun with TLS either:
   * from now on both are watched for the chunk where TLS starts. The other side, if it has
   * not spoken yet, first answers this side's non-TLS bytes (NotTlsModel.reply).
   */
  private enterPreamble(direction: Direction, bytes: Uint8Array, start: number, end: number): void {
    const d = this.dirs[direction];
    const sides = this.preamble ?? (this.preamble = [new PreambleSide(), new PreambleSide(false)]);
    const side = sides[direction];
    side.note(bytes, start, end);
    // Every byte the detect phase consumed (probe, mid-connection hunt) was preamble.
    side.bytes = this.detectBytes?.[direction] ?? 0;
    side.chunks = (d.rare !== null ? d.rare.huntedChunks : 0) + 1;
    d.mode = 'preamble';
    d.record = null;
    d.assembler.reset();
    const other = this.dirs[direction ^ 1]!;
    if (other.mode === 'detect' && !other.sawPayload) {
      other.mode = 'preamble';
      sides[direction ^ 1].replyPending = this.model.notTls?.direction === direction;
    }
    if (side.exhausted) this.preambleExhausted(direction);
  }

  /**
   * A chunk of a watched direction. The client's TLS starts at a chunk that begins with a
   * ClientHello; the server's at its first chunk after that ClientHello that begins with a TLS
   * record (server bytes before it, even after the hello, are preamble). Everything else is
   * counted as preamble until the direction's budget runs out.
   */
  private preambleChunk(direction: Direction, bytes: Uint8Array, pos: number, end: number): void {
    const side = this.preamble![direction];
    let view = bytes;
    let start = pos;
    let stop = end;
    const held = side.held;
    if (held) {
      const joined = new Uint8Array(held.length + Math.min(end - pos, CLIENT_HELLO_START_BYTES));
      joined.set(held, 0);
      joined.set(bytes.subarray(pos, pos + joined.length - held.length), held.length);
      view = joined;
      start = 0;
      stop = joined.length;
    }
    const tls = this.tlsStartsAt(direction, view, start, stop);
    if (tls === 'need-more') {
      // A header split across segments: decide with the next chunk.
      const keep = new Uint8Array(stop - start);
      keep.set(view.subarray(start, stop));
      if (!held) side.heldFrame = this.frame;
      side.held = keep;
      return;
    }
    if (tls !== 'no') {
      const frame = held ? side.heldFrame : this.frame;
      side.held = null;
      this.startTlsAfterPreamble(direction, tls, frame);
      if (held) this.decode(direction, held, 0, held.length);
      this.decode(direction, bytes, pos, end);
      return;
    }
    if (held) side.releaseHeld();
    if (side.replyPending) {
      side.replyPending = false;
      const notTls = this.model.notTls;
      if (notTls && !notTls.reply) notTls.reply = { lookedLike: describeReplyStart(view, start, stop), direction, frame: this.frame };
    }
    const preamble = this.model.plaintextPreamble;
    if (direction === 1 && preamble && !this.plainAnswer) {
      this.plainAnswer = { lookedLike: describeNonTlsStart(view, start, stop), frame: this.frame };
    }
    side.note(bytes, pos, end);
    if (direction === 1 && preamble) preamble.serverBytes = side.bytes;
    if (side.exhausted) this.preambleExhausted(direction);
  }

  /** Whether TLS starts at `bytes[start]` of a watched direction. */
  private tlsStartsAt(direction: Direction, bytes: Uint8Array, start: number, end: number): 'tls' | 'sslv2' | 'no' | 'need-more' {
    if (direction === 0) return classifyClientHelloStart(bytes, start, end);
    if (!this.model.plaintextPreamble) return 'no';
    switch (classifyStreamStart(bytes, start, end)) {
      case 'tls-record':
        return 'tls';
      case 'sslv2-server-hello':
        return 'sslv2';
      case 'undecided':
        return 'need-more';
      default:
        return 'no';
    }
  }

  /** TLS starts in a watched direction at the current chunk (`frame`: its first byte's). */
  private startTlsAfterPreamble(direction: Direction, kind: 'tls' | 'sslv2', frame: number): void {
    const d = this.dirs[direction];
    d.mode = kind;
    const [client, server] = this.preamble!;
    if (direction === 1) {
      if (kind === 'sslv2') this.sslv2Connection = true;
    } else {
      const m = this.model;
      m.kind = 'tls';
      m.notTls = null;
      server.replyPending = false;
      m.plaintextPreamble = {
        lookedLike: describePreamble({
          clientHead: client.head.subarray(0, client.headFill),
          clientTail: client.tail.subarray(0, client.tailFill),
          serverHead: server.head.subarray(0, server.headFill),
        }),
        clientBytes: client.bytes,
        serverBytes: server.bytes,
        tlsStartFrame: frame,
      };
    }
    this.releasePreamble();
  }

  /** A watched direction's budget ran out: TLS is not coming there (nor, from the client, at all). */
  private preambleExhausted(direction: Direction): void {
    this.stop(direction);
    if (direction === 0 && this.dirs[1].mode === 'preamble') this.stop(1);
    this.releasePreamble();
  }

  /** Drops the samples once no direction is watched any more. */
  private releasePreamble(): void {
    if (this.dirs[0].mode !== 'preamble' && this.dirs[1].mode !== 'preamble') this.dropPreamble();
  }

  /** Forgets both sides' samples, their buffers back to the pool. */
  private dropPreamble(): void {
    const sides = this.preamble;
    if (sides === null) return;
    this.preamble = null;
    sides[0].release();
    sides[1].release();
  }

  /** Stops decoding a direction: every further byte is skipped unseen. */
  private stop(direction: Direction): void {
    const d = this.dirs[direction];
    if (d.mode === 'stopped') return;
    d.mode = 'stopped';
    d.record = null;
    d.assembler.reset();
    this.control.skip(direction, SKIP_ALL);
  }

  // ---------------------------------------------------------------- record layer

  private decode(direction: Direction, bytes: Uint8Array, pos: number, end: number): void {
    const d = this.dirs[direction];
    while (pos < end) {
      if (d.mode === 'stopped') return;
      if (!d.record) {
        if (d.mode === 'sslv2' && d.headerFill === 0 && this.tlsRecordFollows(bytes, pos, end)) d.mode = 'tls';
        const used = d.mode === 'sslv2' ? this.readSslv2Header(direction, bytes, pos, end) : this.readHeader(direction, bytes, pos, end);
        if (used < 0) return;
        pos += used;
        const started = d.record as RecordState | null;
        if (started && started.action === 'handshake' && d.earlyCcs && !this.tls13 && !this.model.serverHello) {
          this.judgeRecordAfterEarlyCcs(direction, started, bytes, pos, end);
        }
        if (pos === end && started && started.action === 'skip' && started.remaining > 0) {
          // The header ended the chunk: the whole body can be dropped unseen.
          this.control.skip(direction, started.remaining);
          d.record = null;
        }
        continue;
      }
      const rec = d.record;
      const n = Math.min(rec.remaining, end - pos);
      switch (rec.action) {
        case 'handshake':
          d.recordEndsInChunk = n === rec.remaining;
          d.assembler.push(bytes, pos, pos + n, rec.version);
          d.recordEndsInChunk = false;
          break;
        case 'alert':
          this.keepSmall(d, bytes, pos, n);
          break;
        case 'ccs':
          // Only "is it the single byte 1" matters: no buffer for the commonest small record.
          if (d.smallFill === 0 && n > 0) d.ccsFirstByte = bytes[pos]!;
          d.smallFill += n;
          break;
        case 'null-handshake': {
          // The clear content only: the MAC after it is not kept.
          const rare = d.rareState();
          if (rare.nullBody !== null) rare.nullFill = fillFrom(rare.nullBody, rare.nullFill, bytes, pos, n);
          break;
        }
        case 'sslv2-clear': {
          const rare = d.rareState();
          if (rare.sslv2Body !== null) rare.sslv2Fill = fillFrom(rare.sslv2Body, rare.sslv2Fill, bytes, pos, n);
          break;
        }
        case 'skip':
          break;
      }
      pos += n;
      rec.remaining -= n;
      if ((d.mode as DirectionMode) === 'stopped') return;
      if (rec.remaining === 0) {
        d.record = null;
        this.recordEnd(direction, rec);
      } else if (rec.action === 'skip' && pos === end) {
        // The rest of the body is dropped by the reassembler: never copied, never delivered.
        if (d.flightRecordOpen) d.flightSpansOn = true;
        this.control.skip(direction, rec.remaining);
        d.record = null;
      }
    }
  }

  /**
   * After its early CCS a TLS 1.3 client sends a handshake record in clear only as its second
   * ClientHello (after a HelloRetryRequest the capture may lack). Anything else is the
   * encrypted Finished of a TLS <= 1.2 resumption whose server side is missing: the first body
   * bytes tell, when they are in this chunk; otherwise a seen HelloRetryRequest decides.
   */
  private judgeRecordAfterEarlyCcs(direction: Direction, rec: RecordState, bytes: Uint8Array, pos: number, end: number): void {
    const d = this.dirs[direction];
    const hello = end - pos >= 4
      ? bytes[pos] === HandshakeType.client_hello && ((bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!) <= rec.length - 4
      : this.model.helloRetryRequest !== null;
    if (hello) return;
    d.earlyCcs = false;
    d.ccsSeen = true;
    d.encrypted = true;
    rec.action = 'skip';
    this.encryptedHandshakeRecord(direction, rec.length);
  }

  /** An SSLv2-format direction may switch to TLS records (SSLv2-compatible hello answered in TLS). */
  private tlsRecordFollows(bytes: Uint8Array, pos: number, end: number): boolean {
    const b0 = bytes[pos]!;
    return b0 >= 20 && b0 <= 24 && (pos + 1 >= end || bytes[pos + 1] === 3);
  }

  private keepSmall(d: DirectionState, bytes: Uint8Array, pos: number, n: number): void {
    const rare = d.rareState();
    const small = rare.small ?? (rare.small = new Uint8Array(MAX_SMALL_BODY));
    const k = Math.min(n, MAX_SMALL_BODY - d.smallFill);
    for (let i = 0; i < k; i++) small[d.smallFill + i] = bytes[pos + i]!;
    d.smallFill += k;
  }

  /** Reads (part of) a TLS record header; returns bytes used, or -1 when the direction stopped. */
  private readHeader(direction: Direction, bytes: Uint8Array, pos: number, end: number): number {
    const d = this.dirs[direction];
    let b = bytes;
    let at = pos;
    let used: number;
    if (d.headerFill === 0 && end - pos >= RECORD_HEADER_LENGTH) {
      used = RECORD_HEADER_LENGTH;
    } else {
      const header = d.headerBytes ?? (d.headerBytes = new Uint8Array(RECORD_HEADER_LENGTH));
      const k = Math.min(RECORD_HEADER_LENGTH - d.headerFill, end - pos);
      for (let i = 0; i < k; i++) header[d.headerFill + i] = bytes[pos + i]!;
      d.headerFill += k;
      if (d.headerFill < RECORD_HEADER_LENGTH) return k;
      d.headerFill = 0;
      b = header;
      at = 0;
      used = k;
    }
    // Read in place; parseRecordHeader (a Cursor and a result object per record) only words
    // why a header is rejected.
    const contentType = b[at]!;
    const version = (b[at + 1]! << 8) | b[at + 2]!;
    const length = (b[at + 3]! << 8) | b[at + 4]!;
    if (!isKnownContentType(contentType) || !isRecordVersion(version) || length > MAX_RECORD_BODY_LENGTH) {
      const h = parseRecordHeader(new Cursor(b, at, at + RECORD_HEADER_LENGTH));
      const why = h.ok ? 'rejected' : h.incomplete ? 'truncated' : h.malformed;
      this.problem(
        this.frame,
        d.resyncing
          ? `${this.side(direction)} record framing lost after a gap and not found again (${why}): rest of the direction not decoded`
          : `malformed ${this.side(direction)} record header (${why}): rest of the direction not decoded`,
      );
      this.stop(direction);
      return -1;
    }
    d.resyncing = false;
    this.startRecord(direction, contentType, version, length);
    return used;
  }

  /** Reads an SSLv2 record header (2 or 3 bytes). */
  private readSslv2Header(direction: Direction, bytes: Uint8Array, pos: number, end: number): number {
    const d = this.dirs[direction];
    const header = d.headerBytes ?? (d.headerBytes = new Uint8Array(RECORD_HEADER_LENGTH));
    const need = d.headerFill > 0 ? ((header[0]! & 0x80) ? 2 : 3) : ((bytes[pos]! & 0x80) ? 2 : 3);
    const k = Math.min(need - d.headerFill, end - pos);
    header.set(bytes.subarray(pos, pos + k), d.headerFill);
    d.headerFill += k;
    if (d.headerFill < need) return k;
    d.headerFill = 0;
    const h = parseSslv2RecordHeader(new Cursor(header, 0, need));
    if (!h.ok) {
      this.problem(this.frame, `malformed ${this.side(direction)} SSLv2 record header (${h.incomplete ? 'truncated' : h.malformed}): rest of the direction not decoded`);
      this.stop(direction);
      return -1;
    }
    this.noteRecordVersion(direction, 0x0002);
    const clear = this.sslv2RecordInClear(direction);
    const action: BodyAction = clear && h.value.length <= MAX_SSLV2_CLEAR_BODY ? 'sslv2-clear' : 'skip';
    if (action === 'sslv2-clear') {
      const rare = d.rareState();
      rare.sslv2Body = new Uint8Array(h.value.length - h.value.padding);
      rare.sslv2Fill = 0;
    } else {
      this.sslv2Encrypted(direction, h.value.length);
    }
    d.record = fillRecord(d, -2, 0x0002, h.value.length, action, h.value.padding, 0);
    return k;
  }

  private noteRecordVersion(direction: Direction, version: number): void {
    const d = this.dirs[direction];
    // Nearly every record repeats the version of the one before.
    if (version === d.lastRecordVersion) return;
    d.lastRecordVersion = version;
    const seen = this.model.recordVersions[direction];
    if (seen.length === 0) this.firstRecordVersion(direction, version);
    else if (!seen.includes(version)) seen.push(version);
  }

  /**
   * A first entry makes an array of its size (a push onto [] makes room for sixteen); out of
   * line, so that the per-record path holds no array literal (see the state getters).
   */
  private firstRecordVersion(direction: Direction, version: number): void {
    this.model.recordVersions[direction] = [version];
  }

  /** Chooses what to do with a record's body from its header and the handshake state. */
  private startRecord(direction: Direction, contentType: number, version: number, length: number): void {
    const d = this.dirs[direction];
    this.noteRecordVersion(direction, version);
    // A new record settles the previous short record of this direction as what it was counted,
    // unless it is short too (a run: fatal alert then close_notify). The run arrays are
    // emptied in place: a new array per record showed in the allocation profile.
    const runGoesOn = d.pendingShort !== null;
    d.pendingShort = null;
    // The other side's run is over: this side went on after it.
    const other = this.dirs[direction ^ 1]!;
    emptyRun(other.shortRun);
    d.flightRecordOpen = false;
    this.startRecordBody(direction, d, contentType, version, length);
    if (!runGoesOn) emptyRun(d.shortRun);
    if (d.pendingShort) (d.shortRun ??= []).push(d.pendingShort);
    else emptyRun(d.shortRun);
  }

  private startRecordBody(direction: Direction, d: DirectionState, contentType: number, version: number, length: number): void {
    let action: BodyAction = 'skip';
    let mac = 0;
    switch (contentType) {
      case ContentType.handshake:
        if (d.encrypted && !this.tls13 && d.nullMac > 0 && this.nullContentFits(direction, contentType, length, 4, 'a handshake message header')) {
          action = 'null-handshake';
          mac = d.nullMac;
          const rare = d.rareState();
          rare.nullBody = new Uint8Array(length - mac);
          rare.nullFill = 0;
        } else if (d.encrypted && !this.tls13) {
          this.encryptedHandshakeRecord(direction, length);
        } else {
          action = 'handshake';
          d.assembler.recordStart();
        }
        break;
      case ContentType.change_cipher_spec:
        action = 'ccs';
        d.smallFill = 0;
        break;
      case ContentType.alert:
        // A 2-byte alert cannot carry a MAC or tag, so it is in clear whatever the state. A
        // longer one before encryption is read too, and judged at its end by its levels.
        if (length === ALERT_LENGTH || (!d.encrypted && length % 2 === 0 && length <= MAX_SMALL_BODY)) {
          action = 'alert';
          d.smallFill = 0;
        } else if (d.encrypted && d.nullMac > 0 && this.nullContentFits(direction, contentType, length, ALERT_LENGTH, 'whole alerts', MAX_SMALL_BODY - d.nullMac, 2)) {
          // NULL-encryption suite: alert(s) in clear, then the MAC.
          action = 'alert';
          mac = d.nullMac;
          d.smallFill = 0;
        } else {
          this.pushAlert(this.encryptedAlert(direction, 'content-type', length));
          this.model.encrypted[direction].alerts++;
        }
        break;
      case ContentType.application_data:
        this.applicationDataRecord(direction, length);
        break;
      default:
        // Heartbeat: framed and skipped.
        break;
    }
    const rec = fillRecord(d, contentType, version, length, action, 0, mac);
    d.record = rec;
    if (length === 0) {
      d.record = null;
      this.recordEnd(direction, rec);
    }
  }

  /** A record's last byte arrived: act on the small bodies kept. */
  private recordEnd(direction: Direction, rec: RecordState): void {
    const d = this.dirs[direction];
    if (d.inRecord !== null && d.inRecord.length > 0) {
      // Wireshark reassembles whole records: every message of this record shows at its last frame.
      const objects = d.inRecord;
      for (let i = 0; i < objects.length; i++) {
        const o = objects[i]!;
        o.frame = this.frame;
        o.tsSec = this.tsSec;
        o.tsNsec = this.tsNsec;
      }
      objects.length = 0;
    }
    if (rec.action === 'ccs') {
      this.changeCipherSpec(direction, d.smallFill === 1 && d.ccsFirstByte === 1);
    } else if (rec.action === 'alert') {
      // Under a NULL-encryption suite the MAC follows the alerts: only the content is read.
      const content = rec.length - rec.mac;
      const rare = d.rareState();
      const small = rare.small ?? (rare.small = new Uint8Array(MAX_SMALL_BODY));
      let plausible = d.smallFill === rec.length;
      for (let i = 0; i < content; i += 2) if (small[i] !== 1 && small[i] !== 2) plausible = false;
      if (!plausible) {
        // Not a run of (level, description) pairs: a protected alert whose CCS we did not see
        // (capture started mid-connection) or a record we cannot read.
        if (rec.mac > 0) this.problem(this.frame, `${this.side(direction)} alert record under the NULL-encryption suite does not start with alert levels: counted as encrypted`);
        this.pushAlert(this.encryptedAlert(direction, 'content-type', rec.length));
        this.model.encrypted[direction].alerts++;
        return;
      }
      for (let i = 0; i + 1 < content; i += 2) {
        this.pushAlert({
          direction,
          frame: this.frame,
          tsSec: this.tsSec,
          tsNsec: this.tsNsec,
          level: small[i]!,
          description: small[i + 1]!,
          encrypted: false,
          inferredFrom: null,
          recordLength: rec.length,
        });
      }
    } else if (rec.action === 'sslv2-clear' && d.rare !== null && d.rare.sslv2Body) {
      const body = d.rare.sslv2Body;
      d.rare.sslv2Body = null;
      this.sslv2Message(direction, body);
    } else if (rec.action === 'null-handshake' && d.rare !== null && d.rare.nullBody) {
      const body = d.rare.nullBody;
      d.rare.nullBody = null;
      this.nullHandshakeContent(direction, rec, body);
    }
  }

  // ---------------------------------------------------------------- NULL-encryption suites

  /**
   * Whether a record after CCS under a NULL-encryption suite can hold `min` content bytes and
   * the MAC: content at most `maxLength` (a record's plaintext, or what is buffered) and a multiple of `unit`. If not, the record is not what the suite
   * says it must be: it is counted as encrypted, never read as a wrong value.
   */
  private nullContentFits(direction: Direction, contentType: number, length: number, min: number, what: string, maxLength = MAX_PLAINTEXT_RECORD, unit = 1): boolean {
    const mac = this.dirs[direction].nullMac;
    const content = length - mac;
    if (content >= min && content <= maxLength && content % unit === 0) return true;
    this.problem(this.frame, `${this.side(direction)} record of type ${contentType} (${length} bytes) cannot hold ${what} and a ${mac}-byte MAC under the NULL-encryption suite: counted as encrypted`);
    return false;
  }

  /**
   * The clear content of a handshake record after CCS under a NULL-encryption suite: read as
   * handshake messages when they tile it exactly (RFC 5246 §7.4: type, uint24 length, body),
   * else counted as one encrypted handshake record.
   */
  private nullHandshakeContent(direction: Direction, rec: RecordState, body: Uint8Array): void {
    const d = this.dirs[direction];
    let at = 0;
    while (at + 4 <= body.length) at += 4 + ((body[at + 1]! << 16) | (body[at + 2]! << 8) | body[at + 3]!);
    if (at !== body.length || !d.assembler.idle) {
      this.problem(this.frame, `${this.side(direction)} handshake record after ChangeCipherSpec under the NULL-encryption suite does not hold whole handshake messages before its ${rec.mac}-byte MAC: counted as encrypted`);
      this.encryptedHandshakeRecord(direction, rec.length);
      return;
    }
    d.assembler.recordStart();
    d.assembler.push(body, 0, body.length, rec.version);
  }

  /** A 'null-handshake' record lost to a gap still counts as a handshake record (the Finished). */
  private nullHandshakeLost(direction: Direction, rec: RecordState): void {
    const rare = this.dirs[direction].rare;
    if (rare !== null) rare.nullBody = null;
    this.encryptedHandshakeRecord(direction, rec.length);
  }

  // ---------------------------------------------------------------- encryption and its records

  private changeCipherSpec(direction: Direction, wellFormed: boolean): void {
    const d = this.dirs[direction];
    const ccs = this.model.changeCipherSpec;
    if (ccs.length === 0) this.model.changeCipherSpec = [this.seen(direction)];
    else ccs.push(this.seen(direction));
    // A renegotiation's CCS travels under the current keys: only a clear one must be the byte 1.
    if (!wellFormed && !d.encrypted) this.problem(this.frame, `${this.side(direction)} ChangeCipherSpec record is not the single byte 1`);
    // TLS 1.3 (RFC 8446 §5): a ChangeCipherSpec is middlebox camouflage and changes nothing.
    // Before any ServerHello, from a client that offered TLS 1.3, it is the early compat CCS
    // (RFC 8446 appendix D.4); from a TLS <= 1.2 client it starts encryption (the server side
    // may be missing from the capture, e.g. an abbreviated handshake seen one way).
    if (this.tls13) return;
    const offered13 = (this.model.clientHello?.supportedVersions ?? []).some(isTls13Version);
    if (!this.model.serverHello && !d.sentClientKeyExchange && offered13) {
      d.earlyCcs = true;
      return;
    }
    d.ccsSeen = true;
    d.encrypted = true;
    d.finishedSeen = false;
    // A renegotiation's suite is not tracked (the model keeps the first): its records are
    // treated as encrypted rather than read with a guessed MAC length.
    d.nullMac = this.model.handshakeComplete ? 0 : this.negotiatedNullMac();
  }

  /** The MAC length after CCS when the negotiated TLS <= 1.2 suite does not encrypt, else 0. */
  private negotiatedNullMac(): number {
    const sh = this.model.serverHello;
    if (!sh || this.sslv2Connection || sh.helloRetryRequest) return 0;
    return nullCipherMacLength({
      version: sh.selectedVersion,
      cipherSuite: sh.cipherSuite,
      compressionMethod: sh.compressionMethod,
      truncatedHmac: sh.extensions.includes(TRUNCATED_HMAC_EXTENSION),
    }) ?? 0;
  }

  /** TLS <= 1.2 handshake record after CCS: the Finished, or a renegotiation once complete. */
  private encryptedHandshakeRecord(direction: Direction, length: number): void {
    this.pushMessage(this.messageAt(direction, -1, length));
    this.model.encrypted[direction].handshake++;
    this.handshakeRecordAfterCcs(direction);
  }

  /**
   * A handshake record (opaque, or a Finished read in clear under a NULL-encryption suite) after
   * this direction's CCS: its first is the Finished, which completes the handshake once both
   * sides sent theirs; after completion it starts a renegotiation.
   */
  private handshakeRecordAfterCcs(direction: Direction): void {
    const d = this.dirs[direction];
    if (this.model.handshakeComplete) {
      // TLS <= 1.2 has no post-handshake messages: a handshake record after both Finished
      // messages is a HelloRequest or a ClientHello of a renegotiation.
      this.model.renegotiation = true;
      return;
    }
    if (!d.finishedSeen) {
      d.finishedSeen = true;
      const other = this.dirs[direction ^ 1]!;
      if (other.ccsSeen && other.finishedSeen) this.complete();
    }
  }

  private applicationDataRecord(direction: Direction, length: number): void {
    const d = this.dirs[direction];
    if (!this.tls13 || !d.encrypted) {
      this.countApplicationData(direction, length);
      return;
    }
    const short = length >= SHORT_RECORD_MIN && length <= SHORT_RECORD_MAX;
    const server = direction === 1;
    const client = this.dirs[0];
    const srv = this.dirs[1];
    if (server) {
      if (client.flightFrame < 0) {
        const message = this.tls13EncryptedHandshake(direction, length);
        if (short) d.pendingShort = { message, countedAs: 'handshake', length, frame: this.frame, tsSec: this.tsSec, tsNsec: this.tsNsec, afterCompletion: this.model.handshakeComplete };
      } else {
        this.countApplicationData(direction, length);
        if (short) d.pendingShort = { message: null, countedAs: 'applicationData', length, frame: this.frame, tsSec: this.tsSec, tsNsec: this.tsNsec, afterCompletion: this.model.handshakeComplete };
      }
      return;
    }
    // Client, after the ServerHello.
    // The flight is the burst after the server's; a record the size of a lone Finished ends it,
    // so a request sent in the same segment (Node, OpenSSL clients) is application data.
    const inFlight = (d.flightFrame < 0 || d.flightFrame === this.frame || d.flightSpansOn) && !d.flightFinished;
    if (d.flightFrame < 0 && short && srv.encryptedHandshakeRecords > 0) {
      // No Finished fits in 19..24 bytes: right after the server's flight this is an alert.
      this.pushAlert(this.encryptedAlert(direction, 'size-and-position', length));
      this.model.encrypted[direction].alerts++;
      return;
    }
    if (inFlight) {
      const first = d.flightFrame < 0;
      const message = this.tls13EncryptedHandshake(direction, length);
      d.flightFrame = this.frame;
      d.flightRecordOpen = true;
      d.flightSpansOn = false;
      if (length === tls13FinishedRecordLength(this.model.cipherSuite)) d.flightFinished = true;
      if (short) d.pendingShort = { message, countedAs: 'handshake', length, frame: this.frame, tsSec: this.tsSec, tsNsec: this.tsNsec, afterCompletion: this.model.handshakeComplete };
      if (first && srv.encryptedHandshakeRecords > 0 && !this.model.handshakeComplete) this.complete();
      return;
    }
    this.countApplicationData(direction, length);
    if (short) d.pendingShort = { message: null, countedAs: 'applicationData', length, frame: this.frame, tsSec: this.tsSec, tsNsec: this.tsNsec, afterCompletion: this.model.handshakeComplete };
  }

  private tls13EncryptedHandshake(direction: Direction, length: number): MessageModel {
    const message = this.messageAt(direction, -1, length);
    this.pushMessage(message);
    this.model.encrypted[direction].handshake++;
    this.dirs[direction].encryptedHandshakeRecords++;
    return message;
  }

  private countApplicationData(direction: Direction, length: number): void {
    const counts = this.model.encrypted[direction];
    counts.applicationData++;
    counts.applicationDataBytes += length;
    if (counts.firstApplicationDataFrame === null) counts.firstApplicationDataFrame = this.frame;
  }

  /** The sender closed right after a short record: it was (most probably) an encrypted alert. */
  private settleShortRecordAsAlert(direction: Direction, pending: PendingShortRecord): void {
    if (pending.settled) return;
    pending.settled = true;
    const d = this.dirs[direction];
    d.pendingShort = null;
    const counts = this.model.encrypted[direction];
    if (pending.countedAs === 'handshake') {
      counts.handshake--;
      d.encryptedHandshakeRecords--;
      if (pending.message) {
        // Shifted down in place: splice makes an array of what it removes.
        const messages = this.model.messages;
        const i = messages.indexOf(pending.message);
        if (i >= 0) {
          messages.copyWithin(i, i + 1);
          messages.length--;
        }
      }
    } else {
      counts.applicationData--;
      counts.applicationDataBytes -= pending.length;
      if (counts.applicationData === 0) counts.firstApplicationDataFrame = null;
    }
    counts.alerts++;
    const alert: AlertModel = {
      direction,
      frame: pending.frame,
      tsSec: pending.tsSec,
      tsNsec: pending.tsNsec,
      level: null,
      description: null,
      encrypted: true,
      inferredFrom: 'size-and-position',
      recordLength: pending.length,
    };
    // Keep alerts in wire order although this one is settled late.
    if (this.model.alerts.length >= this.maxEvents) return;
    const alerts = (this.model.alerts = added(this.model.alerts, alert));
    let i = alerts.length - 1;
    while (i > 0 && alerts[i - 1]!.frame > alert.frame) i--;
    if (i < alerts.length - 1) {
      alerts.copyWithin(i + 1, i, alerts.length - 1);
      alerts[i] = alert;
    }
  }

  private complete(): void {
    this.model.handshakeComplete = true;
    this.model.completedFrame = this.frame;
  }

  // ---------------------------------------------------------------- SSLv2

  private sslv2RecordInClear(direction: Direction): boolean {
    const rare = this.dirs[direction].rare;
    const clearRecords = rare !== null ? rare.sslv2ClearRecords : 0;
    if (direction === 1) return clearRecords === 0;
    if (clearRecords === 0) return true;
    // CLIENT-MASTER-KEY follows in clear unless the server resumed the session.
    return this.sslv2Connection && !this.sslv2SessionHit && clearRecords === 1;
  }

  private sslv2Encrypted(direction: Direction, length: number): void {
    const d = this.dirs[direction];
    // SSL 2.0 handshake tail: CLIENT-FINISHED, then SERVER-VERIFY and SERVER-FINISHED.
    const handshakeRecords = direction === 0 ? 1 : 2;
    if (this.sslv2Connection && d.encryptedHandshakeRecords < handshakeRecords) {
      this.pushMessage(this.messageAt(direction, -1, length));
      this.model.encrypted[direction].handshake++;
      d.encryptedHandshakeRecords++;
      const client = this.dirs[0];
      const server = this.dirs[1];
      if (!this.model.handshakeComplete && client.encryptedHandshakeRecords >= 1 && server.encryptedHandshakeRecords >= 2) this.complete();
      return;
    }
    this.countApplicationData(direction, length);
  }

  private sslv2Message(direction: Direction, body: Uint8Array): void {
    this.dirs[direction].rareState().sslv2ClearRecords++;
    const type = body.length > 0 ? body[0]! : -1;
    const where = this.seen(direction);
    if (type === Sslv2MessageType.client_hello) {
      const r = parseSslv2ClientHello(new Cursor(body));
      this.pushMessage({ ...where, type, length: body.length });
      if (!r.ok) {
        this.problem(where.frame, `malformed SSLv2 CLIENT-HELLO: ${r.incomplete ? 'truncated' : r.malformed}`);
        return;
      }
      const v = r.value;
      const hello: ClientHelloModel = {
        ...where,
        recordVersion: 0x0002,
        sslv2Format: true,
        version: v.version,
        random: v.challenge,
        sessionId: v.sessionId,
        cipherSuites: v.cipherSpecs,
        compressionMethods: [],
        ...noExtensions(),
        length: v.length,
      };
      this.acceptClientHello(hello);
      return;
    }
    if (type === Sslv2MessageType.server_hello) {
      this.sslv2Connection = true;
      const r = parseSslv2ServerHello(new Cursor(body));
      this.pushMessage({ ...where, type, length: body.length });
      if (!r.ok) {
        this.problem(where.frame, `malformed SSLv2 SERVER-HELLO: ${r.incomplete ? 'truncated' : r.malformed}`);
        return;
      }
      const v = r.value;
      this.sslv2SessionHit = v.sessionIdHit;
      const hello: ServerHelloModel = {
        ...where,
        recordVersion: 0x0002,
        version: v.version,
        selectedVersion: v.version,
        random: v.connectionId,
        sessionId: new Uint8Array(0),
        cipherSuite: v.cipherSpecs.length > 0 ? v.cipherSpecs[0]! : -1,
        compressionMethod: 0,
        extensions: [],
        helloRetryRequest: false,
        alpn: null,
        keyShareGroup: null,
        pskSelected: false,
        extendedMasterSecret: false,
        renegotiationInfo: false,
        sessionTicket: false,
        length: v.length,
      };
      this.model.serverHello = hello;
      this.model.version = v.version;
      this.model.cipherSuite = hello.cipherSuite;
      if (v.certificate) this.model.certificates = added(this.model.certificates, { ...where, tls13: false, chain: [v.certificate] });
      return;
    }
    if (type === Sslv2MessageType.client_master_key) {
      this.pushMessage({ ...where, type, length: body.length });
      return;
    }
    this.pushMessage({ ...where, type, length: body.length });
    this.problem(where.frame, `SSLv2 message type ${type} in clear from the ${this.side(direction)}`);
  }

  // ---------------------------------------------------------------- handshake messages

  private handshakeGap(direction: Direction, missing: number, frame: number, snaplen: boolean): void {
    const d = this.dirs[direction];
    // The loss record must exist before gap() may end the message (and close it).
    const open = d.assembler.current ? this.openLoss(direction, 'gap') : null;
    const hit = d.assembler.gap(missing);
    if (snaplen) this.model.snaplenCut = true;
    if (open && hit) {
      open.missingBytes += hit.missingInMessage;
      open.gapFrames.push(frame);
      // Its last bytes fell in the hole: it ends where the hole is reported.
      if (hit.ended) open.lastFrame = frame;
    }
    this.problem(
      frame,
      hit
        ? `${missing} bytes missing inside a ${this.side(direction)} handshake message of type ${hit.type} (${handshakeTypeName(hit.type)}, header in frame ${d.messageFrame})${snaplen ? ' (cut by the snapshot length)' : ''}: the message is lost`
        : `${missing} bytes missing in the ${this.side(direction)} handshake stream${snaplen ? ' (cut by the snapshot length)' : ''}: messages there are lost`,
    );
  }

  /**
   * The record of the message under way as undecodable, made on first need; a message hit by
   * several holes keeps one record.
   */
  private openLoss(direction: Direction, reason: UndecodedMessageModel['reason']): UndecodedMessageModel {
    const d = this.dirs[direction];
    if (d.openLoss) return d.openLoss;
    const { type, length } = d.assembler.current!;
    const loss: UndecodedMessageModel = {
      direction,
      type,
      length,
      reason,
      firstFrame: d.messageFrame,
      lastFrame: null,
      missingBytes: 0,
      gapFrames: [],
      cap: reason === 'too-large' ? this.maxHandshakeBytes : null,
    };
    d.openLoss = loss;
    const all = this.model.undecodedMessages!;
    if (all.length < this.maxEvents) this.model.undecodedMessages = added(all, loss);
    return loss;
  }

  /**
   * A handshake header was read. One over the cap is reported now, with its declared length:
   * its end may lie megabytes on, past the end of the capture.
   */
  /** @internal A handshake header was read (called by the direction's assembler). */
  onHandshakeHeader(direction: Direction, type: number, length: number, tooLarge: boolean): void {
    const d = this.dirs[direction];
    d.messageFrame = this.frame;
    d.openLoss = null;
    if (!tooLarge) return;
    this.openLoss(direction, 'too-large');
    this.pushMessage(this.messageAt(direction, type, length));
    this.problem(
      this.frame,
      `${this.side(direction)} handshake message of type ${type} (${handshakeTypeName(type)}) declares ${length} bytes, over the ${this.maxHandshakeBytes}-byte cap: not decoded, its body is skipped`,
    );
  }

  /**
   * The context of the message about to be parsed, in the one shared object: parsers read it
   * during the call and keep nothing of it, and one object per message showed in the
   * allocation profile.
   */
  private context(bodyOwned: boolean): HandshakeContext {
    const sh = this.model.serverHello ?? this.model.helloRetryRequest;
    const c = PARSE_CONTEXT;
    c.version = sh ? sh.selectedVersion : null;
    c.cipherSuite = sh ? sh.cipherSuite : null;
    c.tls13 = this.tls13;
    c.maxCertificates = this.maxCertificates;
    c.bodyOwned = bodyOwned;
    c.certificates = this.options.certificates;
    c.lists = this.options.lists;
    return c;
  }

  /** @internal A handshake message is complete (called by the direction's assembler). */
  onHandshakeMessage(direction: Direction, m: AssembledMessage): void {
    if (m.type === HandshakeType.client_key_exchange) this.dirs[direction].sentClientKeyExchange = true;
    const d = this.dirs[direction];
    if (d.openLoss) {
      d.openLoss.lastFrame = this.frame;
      d.openLoss = null;
    }
    // A message cut by a gap is reported as a problem (handshakeGap), not listed as seen; one
    // over the cap was listed and reported when its header was read (onHandshakeHeader).
    if (m.dropped) return;
    this.pushMessage(this.messageAt(direction, m.type, m.length));
    // Under a NULL-encryption suite the Finished after CCS is read in clear: it counts as the
    // opaque one would.
    if (m.type === HandshakeType.finished && d.nullMac > 0 && d.ccsSeen && !this.tls13) this.handshakeRecordAfterCcs(direction);
    if (!m.body) return;
    const r = parseHandshakeBody(m.type, m.body, this.context(m.owned));
    if (!r.ok) {
      this.problem(this.frame, `malformed ${this.side(direction)} handshake message of type ${m.type}: ${r.incomplete ? 'truncated' : `${r.malformed} (offset ${r.offset})`}`);
      return;
    }
    const msg = r.value;
    switch (msg.kind) {
      case 'client_hello': {
        for (const p of msg.value.extensionProblems) this.problem(this.frame, `ClientHello extension ${p.type}: ${p.reason}`);
        // Its lists are already the shared ones (parsed with the context's interner).
        this.acceptClientHello(clientHelloModel(direction, this.frame, this.tsSec, this.tsNsec, m.recordVersion, false, msg.value));
        break;
      }
      case 'server_hello': {
        for (const p of msg.value.extensionProblems) this.problem(this.frame, `ServerHello extension ${p.type}: ${p.reason}`);
        this.acceptServerHello(serverHelloModel(direction, this.frame, this.tsSec, this.tsNsec, m.recordVersion, msg.value, this.options.lists));
        break;
      }
      case 'certificate': {
        const chain = msg.value.entries.map((e) => e.der);
        const certificate: CertificateMessageModel = {
          direction,
          frame: this.frame,
          tsSec: this.tsSec,
          tsNsec: this.tsNsec,
          tls13: msg.value.tls13,
          chain,
        };
        this.model.certificates = added(this.model.certificates, certificate);
        this.track(certificate);
        if (msg.value.omitted > 0) {
          this.problem(this.frame, `${this.side(direction)} Certificate message has ${chain.length + msg.value.omitted} certificates; only the first ${chain.length} kept`);
        }
        break;
      }
      case 'certificate_request':
        if (!this.model.certificateRequest) {
          this.model.certificateRequest = {
            ...this.seen(direction),
            certificateTypes: msg.value.certificateTypes,
            signatureAlgorithms: msg.value.signatureAlgorithms,
            certificateAuthorities: msg.value.certificateAuthorities,
          };
          this.track(this.model.certificateRequest);
        }
        break;
      case 'server_key_exchange':
        if (!this.model.serverKeyExchange) {
          // A literal: the rest-and-spread copy it replaced cost 1-4 µs a message (slow-mode objects).
          const ske = msg.value;
          this.model.serverKeyExchange = {
            direction,
            frame: this.frame,
            tsSec: this.tsSec,
            tsNsec: this.tsNsec,
            kind: ske.kind,
            group: ske.group,
            dhPrimeBits: ske.dhPrimeBits,
            signatureScheme: ske.signatureScheme,
          };
          this.track(this.model.serverKeyExchange);
        }
        break;
      case 'hello_request':
        if (direction === 1) this.model.renegotiation = true;
        break;
      default:
        break;
    }
  }

  private acceptClientHello(hello: ClientHelloModel): void {
    const m = this.model;
    if (!m.clientHello) {
      m.clientHello = hello;
      this.track(hello);
    } else if (m.helloRetryRequest && !m.secondClientHello && !m.serverHello) {
      m.secondClientHello = hello;
      this.track(hello);
    } else if (m.handshakeComplete) {
      m.renegotiation = true;
    } else {
      this.problem(hello.frame, 'another ClientHello before the handshake completed (not after a HelloRetryRequest)');
    }
  }

  private acceptServerHello(hello: ServerHelloModel): void {
    const m = this.model;
    if (hello.helloRetryRequest) {
      if (!m.helloRetryRequest) {
        m.helloRetryRequest = hello;
        this.track(hello);
      } else this.problem(hello.frame, 'a second HelloRetryRequest');
      this.tls13 = true;
      if (!m.serverHello) {
        m.version = hello.selectedVersion;
        m.cipherSuite = hello.cipherSuite;
      }
      return;
    }
    if (m.serverHello) {
      if (m.handshakeComplete) m.renegotiation = true;
      else this.problem(hello.frame, 'a second ServerHello');
      return;
    }
    const ch = m.secondClientHello ?? m.clientHello;
    // An echoed session id (every TLS 1.3 server, TLS 1.2 resumption) is the client's object:
    // equal bytes, one copy per connection instead of two.
    if (ch && isCopyOf(hello.sessionId, ch.sessionId)) hello.sessionId = ch.sessionId;
    m.serverHello = hello;
    this.track(hello);
    m.version = hello.selectedVersion;
    m.cipherSuite = hello.cipherSuite;
    if (isTls13Version(hello.selectedVersion)) {
      this.tls13 = true;
      // Everything the server sends after its ServerHello is protected, and so is the
      // client's side from now on (its compat CCS proves nothing).
      this.dirs[1].encrypted = true;
      this.dirs[0].encrypted = true;
    }
  }

  private resumption(): TlsConnectionModel['resumption'] {
    const m = this.model;
    const ch = m.clientHello;
    const sh = m.serverHello;
    if (!ch || !sh) return null;
    if (this.sslv2Connection) return this.sslv2SessionHit ? 'session-id' : null;
    if (this.tls13) return sh.pskSelected ? 'psk' : null;
    // Loops, not some / every: this runs once per connection, closures and all.
    let abbreviated = this.dirs[1].ccsSeen;
    for (let i = 0; abbreviated && i < m.certificates.length; i++) if (m.certificates[i]!.direction === 1) abbreviated = false;
    for (let i = 0; abbreviated && i < m.messages.length; i++) {
      const x = m.messages[i]!;
      if (x.direction === 1 && (x.type === HandshakeType.server_hello_done || x.type === HandshakeType.server_key_exchange)) abbreviated = false;
    }
    let echoed = sh.sessionId.length > 0 && sh.sessionId.length === ch.sessionId.length;
    for (let i = 0; echoed && i < sh.sessionId.length; i++) if (sh.sessionId[i] !== ch.sessionId[i]) echoed = false;
    if (abbreviated && ch.sessionTicketLength > 0) return 'ticket';
    if (echoed) return 'session-id';
    return null;
  }

  // ---------------------------------------------------------------- helpers

  private seen(direction: Direction): Seen {
    return { direction, frame: this.frame, tsSec: this.tsSec, tsNsec: this.tsNsec };
  }

  /** A message seen now (one object: a spread of seen() made two, the copy slower to build). */
  private messageAt(direction: Direction, type: number, length: number): MessageModel {
    return new SeenMessage(direction, this.frame, this.tsSec, this.tsNsec, type, length);
  }

  /** An alert record seen now that could not be read. */
  private encryptedAlert(direction: Direction, inferredFrom: 'content-type' | 'size-and-position', recordLength: number): AlertModel {
    return { direction, frame: this.frame, tsSec: this.tsSec, tsNsec: this.tsNsec, level: null, description: null, encrypted: true, inferredFrom, recordLength };
  }

  private side(direction: Direction): string {
    return direction === 0 ? 'client' : 'server';
  }

  private pushMessage(message: MessageModel): void {
    if (this.model.messages.length < this.maxEvents) this.model.messages = added(this.model.messages, message);
    else this.capped();
    this.track(message);
  }

  /** Registers an object seen inside a handshake record still under way (its frame is fixed at the record's end). */
  private track(o: Seen): void {
    const d = this.dirs[o.direction];
    if (d.record && d.record.action === 'handshake' && d.record.remaining > 0 && !d.recordEndsInChunk) (d.inRecord ??= []).push(o);
  }

  private pushAlert(alert: AlertModel): void {
    if (this.model.alerts.length < this.maxEvents) this.model.alerts = added(this.model.alerts, alert);
    else this.capped();
  }

  private capped(): void {
    if (this.eventsCapped) return;
    this.eventsCapped = true;
    this.problem(this.frame, `more than ${this.maxEvents} handshake messages or alerts: later ones are not listed`);
  }

  private problem(frame: number, text: string): void {
    if (this.model.problems.length < this.maxEvents) this.model.problems = added(this.model.problems, { frame, text });
  }
}

/**
 * Creates the TLS decoder of one connection. `options.onEnd` receives the model from `end()`.
 */
export function createTlsConsumer(info: TcpConnectionInfo, control: StreamControl, options: TlsConsumerOptions): TlsConnectionDecoder {
  return new TlsConnectionDecoder(info, control, options);
}

/** A {@link ConsumerFactory} for the connection table that decodes every connection as TLS. */
export function tlsConsumerFactory(options: TlsConsumerOptions): ConsumerFactory {
  return (info, control) => new TlsConnectionDecoder(info, control, options);
}

/**
 * Empties a short-record run in place. Only a non-empty one is written: setting an array's
 * length is a runtime call, and this runs at every record of a direction that once sent a
 * short one.
 */
function emptyRun(run: PendingShortRecord[] | null): void {
  if (run !== null && run.length !== 0) run.length = 0;
}

/** Copies what still fits of `bytes[pos, pos + n)` into `body` from `fill` on; returns the new fill. */
function fillFrom(body: Uint8Array, fill: number, bytes: Uint8Array, pos: number, n: number): number {
  const k = Math.min(n, body.length - fill);
  if (k <= 0) return fill;
  body.set(bytes.subarray(pos, pos + k), fill);
  return fill + k;
}

/** `a` holds the same non-empty bytes as `b` in another object (empty session ids are already one shared object). */
function isCopyOf(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b || a.length === 0 || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `list` with `entry` appended: the model's lists start as one shared frozen empty list
 * ({@link newDecodingModel}), so the first entry makes the field's own array, of one slot.
 */
function added<T>(list: T[], entry: T): T[] {
  if (list.length === 0) return [entry];
  list.push(entry);
  return list;
}
