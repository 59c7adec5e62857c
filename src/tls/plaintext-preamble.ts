/**
 * The plain-text (or plain binary) exchange before TLS starts on a connection: STARTTLS in
 * SMTP / IMAP / POP3 / FTP / XMPP / LDAP / NNTP, a database's SSL request (PostgreSQL, MySQL),
 * a proxy handshake (SOCKS, HTTP CONNECT). {@link PreambleSide} keeps what one direction sent
 * (counts and a small sample, bounded); {@link describePreamble} names the protocol from the
 * samples of both sides, for the report ("SMTP (STARTTLS)").
 */
import { describeNonTlsStart } from './stream-start.js';

/** Stream bytes of one direction watched for the start of TLS before giving up. */
export const PREAMBLE_MAX_BYTES = 64 * 1024;
/** Chunks (segments) of one direction watched for the start of TLS before giving up. */
export const PREAMBLE_MAX_CHUNKS = 64;
/** Bytes kept of a direction's first chunks, to name the protocol. */
const HEAD_BYTES = 256;
/** Bytes kept of the end of a direction's preamble (the command just before TLS: "STARTTLS"). */
const TAIL_BYTES = 128;

/** Sample buffers kept for reuse, per kind (enough for the connections watched at one time). */
const MAX_POOLED_SAMPLES = 64;
const withTail: Uint8Array[] = [];
const headOnly: Uint8Array[] = [];

/** What one direction sent before its TLS, while it is watched. */
export class PreambleSide {
  /** Stream bytes before TLS (delivered or reported missing). */
  bytes = 0;
  chunks = 0;
  /**
   * Both samples in one buffer: one allocation per side instead of two. The views on it are
   * made only when read (once, when TLS starts), not for every watched connection.
   */
  private readonly samples: Uint8Array;
  headFill = 0;
  tailFill = 0;

  /**
   * A chunk start too short to decide whether TLS begins there (a record header split across
   * segments), kept until the next chunk; its frame is where TLS would start.
   */
  held: Uint8Array | null = null;
  heldFrame = -1;
  /** The other side's non-TLS start is waiting for this side's answer (NotTlsModel.reply). */
  replyPending = false;

  /**
   * @param keepsTail keep the tail sample (the client's last command). Only the client's is
   *   read ({@link describePreamble}); the server's side skips it, which was most of the cost of
   *   the plain HTTP connections of the 1 GB benchmark (the responses' 43k chunks).
   */
  constructor(private readonly keepsTail = true) {
    this.samples = (keepsTail ? withTail : headOnly).pop() ?? new Uint8Array(keepsTail ? HEAD_BYTES + TAIL_BYTES : HEAD_BYTES);
  }

  /**
   * The side is no longer watched: its sample buffer goes back to the pool for the next
   * watched connection (a buffer of this size is memory outside the JS heap, dear to make and
   * to free: the constructor's main cost on the benchmark's 2,389 plain HTTP connections). The
   * side must not be used afterwards.
   */
  release(): void {
    const pool = this.keepsTail ? withTail : headOnly;
    if (pool.length < MAX_POOLED_SAMPLES) pool.push(this.samples);
  }

  /** The first bytes (up to 256), copied. */
  get head(): Uint8Array {
    return this.samples.subarray(0, HEAD_BYTES);
  }

  /** The last bytes so far (up to 128), copied: however the segments fell, the last command. */
  get tail(): Uint8Array {
    return this.samples.subarray(HEAD_BYTES);
  }

  /** Counts a chunk that is still preamble and samples it. */
  note(bytes: Uint8Array, start: number, end: number): void {
    this.bytes += end - start;
    this.chunks++;
    // Byte loops, not set(subarray): a watched direction gets up to 64 chunks, and a view per
    // chunk showed in the allocation profile (2,389 plain HTTP connections, 43k chunks, on the
    // 1 GB benchmark capture).
    const samples = this.samples;
    const k = Math.min(end - start, HEAD_BYTES - this.headFill);
    for (let i = 0; i < k; i++) samples[this.headFill + i] = bytes[start + i]!;
    this.headFill += k > 0 ? k : 0;
    if (!this.keepsTail) return;
    // The tail sample starts at HEAD_BYTES.
    const n = end - start;
    if (n >= TAIL_BYTES) {
      for (let i = 0, from = end - TAIL_BYTES; i < TAIL_BYTES; i++) samples[HEAD_BYTES + i] = bytes[from + i]!;
      this.tailFill = TAIL_BYTES;
    } else {
      const keep = Math.min(this.tailFill, TAIL_BYTES - n);
      samples.copyWithin(HEAD_BYTES, HEAD_BYTES + this.tailFill - keep, HEAD_BYTES + this.tailFill);
      for (let i = 0; i < n; i++) samples[HEAD_BYTES + keep + i] = bytes[start + i]!;
      this.tailFill = keep + n;
    }
  }

  /** Bytes the capture misses: they count as preamble, the next chunk is watched as usual. */
  noteGap(missing: number): void {
    this.bytes += missing;
    if (this.held) this.releaseHeld();
  }

  /** The held bytes turned out not to start TLS: they are preamble. */
  releaseHeld(): void {
    const held = this.held;
    this.held = null;
    this.heldFrame = -1;
    if (held) this.note(held, 0, held.length);
  }

  /** Watched long enough: TLS is not coming in this direction. */
  get exhausted(): boolean {
    return this.bytes >= PREAMBLE_MAX_BYTES || this.chunks >= PREAMBLE_MAX_CHUNKS;
  }
}

/** The samples {@link describePreamble} reads. */
export interface PreambleSample {
  /** The client's first preamble bytes (empty when the client started with TLS). */
  clientHead: Uint8Array;
  /** The last bytes of the client's preamble (its last command). */
  clientTail: Uint8Array;
  /** The server's first preamble bytes. */
  serverHead: Uint8Array;
}

function ascii(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** The last non-empty line of a text chunk, trimmed and upper-cased. */
function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  return (lines[lines.length - 1] ?? '').toUpperCase();
}

/** SOCKS4 (and 4a) CONNECT/BIND request: 04 cmd port(2) ip(4) userid NUL. */
function socks4(client: Uint8Array, server: Uint8Array): string | null {
  if (client.length < 9 || client[0] !== 4 || (client[1] !== 1 && client[1] !== 2)) return null;
  if (!client.subarray(8).includes(0)) return null;
  // The reply: 00 then 0x5a..0x5d (granted / rejected / identd failures).
  if (server.length >= 2 && (server[0] !== 0 || server[1]! < 0x5a || server[1]! > 0x5d)) return null;
  // SOCKS4a: the address 0.0.0.x (x != 0) says a host name follows the user id.
  const v4a = client[4] === 0 && client[5] === 0 && client[6] === 0 && client[7] !== 0;
  return v4a ? 'SOCKS4a proxy' : 'SOCKS4 proxy';
}

/** SOCKS5 greeting (RFC 1928 §3): 05 nmethods methods..., answered by 05 method. */
function socks5(client: Uint8Array, server: Uint8Array): boolean {
  if (client.length < 3 || client[0] !== 5) return false;
  const n = client[1]!;
  if (n === 0 || client.length < 2 + n) return false;
  return server.length === 0 || server[0] === 5;
}

/** PostgreSQL SSLRequest (protocol docs §55.2.10): length 8, code 80877103 (0x04d2162f). */
const PG_SSL_REQUEST = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];

/** MySQL Initial Handshake packet: 3-byte length, sequence 0, protocol version 10, version text. */
function mysqlGreeting(server: Uint8Array): boolean {
  if (server.length < 6 || server[3] !== 0 || server[4] !== 10) return false;
  const length = server[0]! | (server[1]! << 8) | (server[2]! << 16);
  return length >= 2 && server[5]! >= 0x30 && server[5]! <= 0x39;
}

/** LDAP StartTLS (RFC 4511 §4.14.1): an ExtendedRequest naming OID 1.3.6.1.4.1.1466.20037. */
function ldapStartTls(client: Uint8Array): boolean {
  return client.length > 2 && client[0] === 0x30 && ascii(client).includes('1.3.6.1.4.1.1466.20037');
}

/** PCP (Performance Co-Pilot) PDU: 32-bit length then type 0x00007000..0x000070ff. */
function pcpPdu(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const length = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  return length >= 12 && length <= 1 << 16 && bytes[4] === 0 && bytes[5] === 0 && bytes[6] === 0x70;
}

/**
 * Names the protocol spoken before TLS, from both sides' samples: "SMTP (STARTTLS)",
 * "IMAP (STARTTLS)", "POP3 (STLS)", "FTP (AUTH TLS)", "XMPP (starttls)", "NNTP (STARTTLS)",
 * "LDAP (StartTLS extended operation)", "PostgreSQL (SSLRequest)", "MySQL", "SOCKS4 proxy",
 * "SOCKS4a proxy", "SOCKS5 proxy", "HTTP CONNECT proxy", "HTTP Upgrade to TLS",
 * "Gnutella (TLS upgrade)", "PCP (Performance Co-Pilot)"; when only the server spoke (a client
 * that began with TLS after the server's banner) what the banner looks like ("SMTP banner");
 * otherwise "unknown preamble".
 */
export function describePreamble(sample: PreambleSample): string {
  const { clientHead: client, clientTail, serverHead: server } = sample;
  const text = ascii(client);
  const serverText = ascii(server);
  if (text.startsWith('CONNECT ')) return 'HTTP CONNECT proxy';
  if (text.startsWith('GNUTELLA CONNECT/')) return 'Gnutella (TLS upgrade)';
  if (/^[A-Z]+ \S+ HTTP\/1\.[01]\r\n/.test(text) && /\r\nupgrade:\s*tls/i.test(text)) return 'HTTP Upgrade to TLS';
  if (PG_SSL_REQUEST.every((b, i) => client[i] === b)) return 'PostgreSQL (SSLRequest)';
  if (mysqlGreeting(server)) return 'MySQL';
  if (ldapStartTls(client)) return 'LDAP (StartTLS extended operation)';
  if (socks5(client, server)) return 'SOCKS5 proxy';
  const s4 = socks4(client, server);
  if (s4) return s4;
  if (/^\s*<(\?xml|stream:stream)/.test(text)) return /<starttls[\s/>]/.test(ascii(clientTail)) || text.includes('<starttls') ? 'XMPP (starttls)' : 'XMPP';
  if (pcpPdu(client) && (server.length === 0 || pcpPdu(server))) return 'PCP (Performance Co-Pilot)';
  if (client.length === 0) return server.length > 0 ? describeNonTlsStart(server, 0, server.length) : 'unknown preamble';
  // Line protocols: the command right before TLS names them; the server's greeting tells
  // apart the protocols that share the same command.
  const command = lastLine(ascii(clientTail));
  if (command === 'STLS') return 'POP3 (STLS)';
  if (/^AUTH (TLS|SSL|TLS-C|TLS-P)$/.test(command)) return 'FTP (AUTH TLS)';
  if (/(^|\s)STARTTLS$/.test(command)) {
    if (serverText.startsWith('* OK') || /^\S+ STARTTLS$/.test(command)) return 'IMAP (STARTTLS)';
    if (/^220[ -]/.test(serverText) || /^(EHLO|HELO|LHLO) /i.test(text)) return 'SMTP (STARTTLS)';
    if (/^20[01][ -]/.test(serverText)) return 'NNTP (STARTTLS)';
    return 'unknown protocol (STARTTLS)';
  }
  return 'unknown preamble';
}
