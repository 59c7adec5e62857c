/**
 * Reads a hello's extension block straight into the hello's fields (ClientHello, ServerHello
 * and HelloRetryRequest).
 *
 * A hello carries fifteen to twenty extensions, and decoding each into an {@link Extension}
 * value (a sub-cursor, a result, a value and a list per extension) and then looking the
 * fields up was the largest allocation of the TLS stage (docs/decisions.md). Here the common
 * extensions are read in place from the bytes, and only the final lists are made. An extension
 * the fast reader does not accept, or of a type it does not read, goes through
 * {@link parseExtension}, so its value or its problem is exactly the generic decoder's.
 */
import { Cursor, malformed, parsed, type Malformed, type ParseResult } from '../util/cursor.js';
import type { ClientHelloModel } from './model.js';
import {
  ExtensionType,
  parseExtension,
  type ExtensionContext,
  type ExtensionProblem,
  type ExtensionValue,
} from './extensions.js';
import { FRESH_LISTS, type ListInterner, type ListSource } from './list-interner.js';

/** The fields a ClientHello's extensions give (the first valid extension of a type counts): the model's own. */
export type ClientHelloExtensionFields = Pick<
  ClientHelloModel,
  | 'extensions'
  | 'sni'
  | 'supportedVersions'
  | 'alpn'
  | 'supportedGroups'
  | 'ecPointFormats'
  | 'signatureAlgorithms'
  | 'signatureAlgorithmsCert'
  | 'keyShareGroups'
  | 'pskKeyExchangeModes'
  | 'preSharedKey'
  | 'statusRequest'
  | 'renegotiationInfo'
  | 'extendedMasterSecret'
  | 'encryptThenMac'
  | 'sessionTicket'
  | 'sessionTicketLength'
  | 'recordSizeLimit'
  | 'compressCertificate'
> & {
  /** Extensions whose content did not fit their type; offsets relative to the message body. */
  problems: ExtensionProblem[];
};

const utf8 = new TextDecoder('utf-8');

/** The lists of a hello without extensions (replaced, never written to). */
const NO_TYPES: number[] = [];
const NO_PROBLEMS: ExtensionProblem[] = [];

/** What the block walk feeds each extension to. */
interface FieldReader {
  /** Reads the data [p, end) of a well-formed extension in place; false to use the generic decoder. */
  read(type: number, b: Uint8Array, p: number, end: number): boolean;
  /** Takes a value the generic decoder read. */
  apply(v: ExtensionValue): void;
}

/**
 * A ClientHello's fields; a list stays null until its first valid extension. `extensions` and
 * `problems` are filled by {@link readClientHelloFields}.
 */
export class ClientFields implements FieldReader {
  extensions: number[] = NO_TYPES;
  problems: ExtensionProblem[] = NO_PROBLEMS;
  sniSeen = false;
  sni: string | null = null;
  supportedVersions: number[] | null = null;
  alpn: string[] | null = null;
  supportedGroups: number[] | null = null;
  ecPointFormats: number[] | null = null;
  signatureAlgorithms: number[] | null = null;
  signatureAlgorithmsCert: number[] | null = null;
  keyShareGroups: number[] | null = null;
  pskKeyExchangeModes: number[] | null = null;
  preSharedKey = false;
  statusRequest = false;
  renegotiationInfo = false;
  extendedMasterSecret = false;
  encryptThenMac = false;
  sessionTicket = false;
  sessionTicketLength = 0;
  recordSizeLimitSeen = false;
  recordSizeLimit: number | null = null;
  compressCertificate: number[] | null = null;

  /** Where the number lists come from: the run's shared ones (a ListInterner, made only when new), or arrays of their own. */
  readonly lists: ListSource;

  constructor(lists: ListInterner | undefined) {
    this.lists = lists ?? FRESH_LISTS;
  }

  /** Applies a value decoded by the generic decoder (the fallback path). */
  apply(v: ExtensionValue): void {
    switch (v.kind) {
      case 'server_name':
        if (!this.sniSeen) {
          this.sniSeen = true;
          this.sni = v.hostNames.length > 0 ? v.hostNames[0]! : null;
        }
        break;
      case 'supported_versions': this.supportedVersions ??= v.versions; break;
      case 'alpn': this.alpn ??= v.protocols; break;
      case 'supported_groups': this.supportedGroups ??= v.groups; break;
      case 'ec_point_formats': this.ecPointFormats ??= v.formats; break;
      case 'signature_algorithms': this.signatureAlgorithms ??= v.schemes; break;
      case 'signature_algorithms_cert': this.signatureAlgorithmsCert ??= v.schemes; break;
      case 'key_share': this.keyShareGroups ??= v.groups; break;
      case 'psk_key_exchange_modes': this.pskKeyExchangeModes ??= v.modes; break;
      case 'pre_shared_key_offered': this.preSharedKey = true; break;
      case 'status_request': this.statusRequest = true; break;
      case 'renegotiation_info': this.renegotiationInfo = true; break;
      case 'extended_master_secret': this.extendedMasterSecret = true; break;
      case 'encrypt_then_mac': this.encryptThenMac = true; break;
      case 'session_ticket': this.noteTicket(v.ticketLength); break;
      case 'record_size_limit': this.noteRecordSizeLimit(v.limit); break;
      case 'compress_certificate': this.compressCertificate ??= v.algorithms; break;
      default: break;
    }
  }

  noteTicket(length: number): void {
    if (this.sessionTicket) return;
    this.sessionTicket = true;
    this.sessionTicketLength = length;
  }

  noteRecordSizeLimit(limit: number): void {
    if (this.recordSizeLimitSeen) return;
    this.recordSizeLimitSeen = true;
    this.recordSizeLimit = limit;
  }

  read(type: number, b: Uint8Array, p: number, end: number): boolean {
    return readClientInPlace(this, type, b, p, end);
  }
}

function u16(b: Uint8Array, p: number): number {
  return (b[p]! << 8) | b[p + 1]!;
}

/** The uint16 list filling [p, end), or null when its length is odd. */
function u16List(f: ClientFields, b: Uint8Array, p: number, end: number): number[] | null {
  if ((end - p) % 2 !== 0) return null;
  return f.lists.uint16s(b, p, end);
}

/** A vector with a 1-byte length filling exactly [p, end): its content's start, or -1. */
function vec8Filling(b: Uint8Array, p: number, end: number): number {
  return end - p >= 1 && p + 1 + b[p]! === end ? p + 1 : -1;
}

/** A vector with a 2-byte length filling exactly [p, end): its content's start, or -1. */
function vec16Filling(b: Uint8Array, p: number, end: number): number {
  return end - p >= 2 && p + 2 + u16(b, p) === end ? p + 2 : -1;
}

/** Text of a name: ASCII read directly, anything else as the generic decoder reads it (UTF-8). */
function text(b: Uint8Array, p: number, end: number): string {
  for (let i = p; i < end; i++) if (b[i]! >= 0x80) return utf8.decode(b.subarray(p, end));
  return String.fromCharCode.apply(null, b.subarray(p, end) as unknown as number[]);
}

/**
 * RFC 6066 §3 ServerNameList filling [p, end) (empty data in a server's answer): the first
 * host_name, null when none, undefined when malformed.
 */
function hostName(b: Uint8Array, p: number, end: number): string | null | undefined {
  let host: string | null = null;
  if (p === end) return host;
  const list = vec16Filling(b, p, end);
  if (list < 0) return undefined;
  for (let q = list; q < end; ) {
    if (end - q < 3) return undefined;
    const n = u16(b, q + 1);
    if (q + 3 + n > end) return undefined;
    if (b[q] === 0 && host === null) host = text(b, q + 3, q + 3 + n);
    q += 3 + n;
  }
  return host;
}

/** RFC 7301 §3.1 ProtocolNameList filling [p, end), or null when malformed. */
function protocolNames(b: Uint8Array, p: number, end: number): string[] | null {
  const list = vec16Filling(b, p, end);
  if (list < 0) return null;
  const protocols: string[] = [];
  for (let q = list; q < end; ) {
    const n = b[q]!;
    if (q + 1 + n > end) return null;
    protocols.push(text(b, q + 1, q + 1 + n));
    q += 1 + n;
  }
  return protocols;
}

/**
 * Reads one ClientHello extension's data [p, end) in place when it is well formed; false (nothing noted)
 * otherwise, and for types read only by the generic decoder.
 */
function readClientInPlace(f: ClientFields, type: number, b: Uint8Array, p: number, end: number): boolean {
  switch (type) {
    case ExtensionType.server_name: {
      const host = hostName(b, p, end);
      if (host === undefined) return false;
      if (!f.sniSeen) {
        f.sniSeen = true;
        f.sni = host;
      }
      return true;
    }
    case ExtensionType.supported_groups:
    case ExtensionType.signature_algorithms:
    case ExtensionType.signature_algorithms_cert: {
      const list = vec16Filling(b, p, end);
      if (list < 0) return false;
      const values = u16List(f, b, list, end);
      if (!values) return false;
      if (type === ExtensionType.supported_groups) f.supportedGroups ??= values;
      else if (type === ExtensionType.signature_algorithms) f.signatureAlgorithms ??= values;
      else f.signatureAlgorithmsCert ??= values;
      return true;
    }
    case ExtensionType.supported_versions:
    case ExtensionType.compress_certificate: {
      const list = vec8Filling(b, p, end);
      if (list < 0) return false;
      const values = u16List(f, b, list, end);
      if (!values) return false;
      if (type === ExtensionType.supported_versions) f.supportedVersions ??= values;
      else f.compressCertificate ??= values;
      return true;
    }
    case ExtensionType.ec_point_formats:
    case ExtensionType.psk_key_exchange_modes: {
      const list = vec8Filling(b, p, end);
      if (list < 0) return false;
      if (type === ExtensionType.ec_point_formats) f.ecPointFormats ??= f.lists.uint8s(b, list, end);
      else f.pskKeyExchangeModes ??= f.lists.uint8s(b, list, end);
      return true;
    }
    case ExtensionType.key_share: {
      // RFC 8446 §4.2.8 KeyShareClientHello: client_shares<0..2^16-1> of (group, key_exchange<1..>).
      const list = vec16Filling(b, p, end);
      if (list < 0) return false;
      const groups: number[] = [];
      for (let q = list; q < end; ) {
        if (end - q < 4) return false;
        const n = u16(b, q + 2);
        if (q + 4 + n > end) return false;
        groups.push(u16(b, q));
        q += 4 + n;
      }
      f.keyShareGroups ??= groups;
      return true;
    }
    case ExtensionType.application_layer_protocol_negotiation: {
      const protocols = protocolNames(b, p, end);
      if (!protocols) return false;
      f.alpn ??= protocols;
      return true;
    }
    case ExtensionType.pre_shared_key: {
      // RFC 8446 §4.2.11 OfferedPsks: identities (identity<1..>, uint32 age), then binders.
      if (end - p < 2) return false;
      const identitiesEnd = p + 2 + u16(b, p);
      if (identitiesEnd > end) return false;
      for (let q = p + 2; q < identitiesEnd; ) {
        if (identitiesEnd - q < 2) return false;
        const next = q + 2 + u16(b, q) + 4;
        if (next > identitiesEnd) return false;
        q = next;
      }
      if (vec16Filling(b, identitiesEnd, end) < 0) return false;
      f.preSharedKey = true;
      return true;
    }
    case ExtensionType.status_request:
      f.statusRequest = true;
      return true;
    case ExtensionType.renegotiation_info:
      if (vec8Filling(b, p, end) < 0) return false;
      f.renegotiationInfo = true;
      return true;
    case ExtensionType.extended_master_secret:
      if (p !== end) return false;
      f.extendedMasterSecret = true;
      return true;
    case ExtensionType.encrypt_then_mac:
      if (p !== end) return false;
      f.encryptThenMac = true;
      return true;
    case ExtensionType.session_ticket:
      f.noteTicket(end - p);
      return true;
    case ExtensionType.record_size_limit:
      if (end - p !== 2) return false;
      f.noteRecordSizeLimit(u16(b, p));
      return true;
    default:
      return false;
  }
}

/** Extension types the generic decoder reads (others are opaque: nothing to decode or report). */
const DECODED_TYPES: ReadonlySet<number> = new Set(Object.values(ExtensionType));

/**
 * RFC 8446 §4.2 `Extension extensions<0..2^16-1>`: walks the block at `body` (positioned on
 * the 2-byte block length, at least 2 bytes left) and feeds each extension to `fields`.
 * Returns the types in wire order and adds the problems, or the error when the block or an
 * extension runs past its parent (offsets relative to `base`, the message body's start).
 */
function walkExtensions(
  body: Cursor,
  base: number,
  context: ExtensionContext,
  fields: FieldReader,
  problems: ExtensionProblem[],
): number[] | Malformed {
  const b = body.bytes;
  const blockAt = body.pos;
  const blockEnd = blockAt + 2 + u16(b, blockAt);
  if (blockEnd > body.end) return malformed('extensions length runs past the message', blockAt - base);
  // Counted first so the type list is made at its size.
  let count = 0;
  for (let q = blockAt + 2; q + 4 <= blockEnd; q += 4 + u16(b, q + 2)) count++;
  const extensions = new Array<number>(count);
  let i = 0;
  for (let q = blockAt + 2; q < blockEnd; i++) {
    if (blockEnd - q < 4 || q + 4 + u16(b, q + 2) > blockEnd) {
      return malformed('extension runs past the extensions block', q - base);
    }
    const type = u16(b, q);
    const start = q + 4;
    const end = start + u16(b, q + 2);
    extensions[i] = type;
    q = end;
    if (!DECODED_TYPES.has(type) || fields.read(type, b, start, end)) continue;
    const r = parseExtension(type, new Cursor(b, start, end), context);
    if (r.ok) fields.apply(r.value);
    else problems.push({ type, reason: r.incomplete ? 'truncated' : r.malformed, offset: start - base + (r.incomplete ? 0 : r.offset) });
  }
  body.pos = blockEnd;
  return extensions;
}

/**
 * The extension block of a ClientHello, read into its fields. `body` is positioned on the
 * 2-byte block length (at least 2 bytes remain); `base` is the message body's start, to which
 * error and problem offsets are relative. A block or an extension running past its parent is
 * malformed; an extension whose content does not fit its type is listed in `problems` and the
 * rest is still read. With `lists`, the number lists are the run's shared ones (see
 * {@link ListInterner.uint16s}).
 */
export function readClientHelloExtensions(body: Cursor, base: number, lists?: ListInterner): ParseResult<ClientHelloExtensionFields> {
  const f = readClientHelloFields(body, base, lists);
  if (!(f instanceof ClientFields)) return f;
  return parsed({
    extensions: f.extensions,
    sni: f.sni,
    supportedVersions: f.supportedVersions ?? [],
    alpn: f.alpn ?? [],
    supportedGroups: f.supportedGroups ?? [],
    ecPointFormats: f.ecPointFormats ?? [],
    signatureAlgorithms: f.signatureAlgorithms ?? [],
    signatureAlgorithmsCert: f.signatureAlgorithmsCert ?? [],
    keyShareGroups: f.keyShareGroups ?? [],
    pskKeyExchangeModes: f.pskKeyExchangeModes ?? [],
    preSharedKey: f.preSharedKey,
    statusRequest: f.statusRequest,
    renegotiationInfo: f.renegotiationInfo,
    extendedMasterSecret: f.extendedMasterSecret,
    encryptThenMac: f.encryptThenMac,
    sessionTicket: f.sessionTicket,
    sessionTicketLength: f.sessionTicketLength,
    recordSizeLimit: f.recordSizeLimit,
    compressCertificate: f.compressCertificate ?? [],
    problems: f.problems,
  });
}

/**
 * {@link readClientHelloExtensions} without the result object: the fields as read (lists null
 * when absent), for the ClientHello parser to build its value from at once.
 */
export function readClientHelloFields(body: Cursor, base: number, lists: ListInterner | undefined): ClientFields | Malformed {
  const f = new ClientFields(lists);
  const problems: ExtensionProblem[] = [];
  const extensions = walkExtensions(body, base, 'client_hello', f, problems);
  if (!Array.isArray(extensions)) return extensions;
  f.extensions = extensions;
  f.problems = problems;
  return f;
}

/** The fields a ServerHello's (or HelloRetryRequest's) extensions give. */
export interface ServerHelloExtensionFields {
  /** Extension types in wire order. */
  extensions: number[];
  /** supported_versions' selected_version, or null. */
  selectedVersion: number | null;
  alpn: string | null;
  keyShareGroup: number | null;
  pskSelected: boolean;
  extendedMasterSecret: boolean;
  renegotiationInfo: boolean;
  sessionTicket: boolean;
  problems: ExtensionProblem[];
}

/** A ServerHello's fields (the first valid extension of a kind counts). */
class ServerFields implements FieldReader {
  selectedVersion: number | null = null;
  alpnSeen = false;
  alpn: string | null = null;
  keyShareSeen = false;
  keyShareGroup: number | null = null;
  selectedGroupSeen = false;
  selectedGroup: number | null = null;
  pskSelected = false;
  extendedMasterSecret = false;
  renegotiationInfo = false;
  sessionTicket = false;

  constructor(private readonly helloRetryRequest: boolean) {}

  apply(v: ExtensionValue): void {
    switch (v.kind) {
      case 'selected_version': this.selectedVersion ??= v.version; break;
      case 'alpn': this.noteAlpn(v.protocols); break;
      case 'key_share': this.noteKeyShare(v.groups.length > 0 ? v.groups[0]! : null); break;
      case 'key_share_selected_group': this.noteSelectedGroup(v.group); break;
      case 'pre_shared_key_selected': this.pskSelected = true; break;
      case 'extended_master_secret': this.extendedMasterSecret = true; break;
      case 'renegotiation_info': this.renegotiationInfo = true; break;
      case 'session_ticket': this.sessionTicket = true; break;
      default: break;
    }
  }

  noteAlpn(protocols: string[]): void {
    if (this.alpnSeen) return;
    this.alpnSeen = true;
    this.alpn = protocols.length > 0 ? protocols[0]! : null;
  }

  noteKeyShare(group: number | null): void {
    if (this.keyShareSeen) return;
    this.keyShareSeen = true;
    this.keyShareGroup = group;
  }

  noteSelectedGroup(group: number): void {
    if (this.selectedGroupSeen) return;
    this.selectedGroupSeen = true;
    this.selectedGroup = group;
  }

  read(type: number, b: Uint8Array, p: number, end: number): boolean {
    switch (type) {
      case ExtensionType.supported_versions:
        if (end - p !== 2) return false;
        this.selectedVersion ??= u16(b, p);
        return true;
      case ExtensionType.key_share:
        if (this.helloRetryRequest) {
          // KeyShareHelloRetryRequest: the selected group alone.
          if (end - p !== 2) return false;
          this.noteSelectedGroup(u16(b, p));
          return true;
        }
        // KeyShareServerHello: one entry filling the data (none at all reads as no group).
        if (p === end) {
          this.noteKeyShare(null);
          return true;
        }
        if (end - p < 4 || p + 4 + u16(b, p + 2) !== end) return false;
        this.noteKeyShare(u16(b, p));
        return true;
      case ExtensionType.pre_shared_key:
        if (end - p !== 2) return false;
        this.pskSelected = true;
        return true;
      case ExtensionType.application_layer_protocol_negotiation: {
        const protocols = protocolNames(b, p, end);
        if (!protocols) return false;
        this.noteAlpn(protocols);
        return true;
      }
      case ExtensionType.extended_master_secret:
        if (p !== end) return false;
        this.extendedMasterSecret = true;
        return true;
      case ExtensionType.renegotiation_info:
        if (vec8Filling(b, p, end) < 0) return false;
        this.renegotiationInfo = true;
        return true;
      case ExtensionType.session_ticket:
        this.sessionTicket = true;
        return true;
      // Read to tell well-formed from not; the ServerHello model does not keep them.
      case ExtensionType.server_name:
        return hostName(b, p, end) !== undefined;
      case ExtensionType.ec_point_formats:
        return vec8Filling(b, p, end) >= 0;
      case ExtensionType.status_request:
        return true;
      default:
        return false;
    }
  }
}

/**
 * The extension block of a ServerHello or HelloRetryRequest, read into its fields; as
 * {@link readClientHelloExtensions} otherwise.
 */
export function readServerHelloExtensions(body: Cursor, base: number, helloRetryRequest: boolean): ParseResult<ServerHelloExtensionFields> {
  const f = new ServerFields(helloRetryRequest);
  const problems: ExtensionProblem[] = [];
  const extensions = walkExtensions(body, base, helloRetryRequest ? 'hello_retry_request' : 'server_hello', f, problems);
  if (!Array.isArray(extensions)) return extensions;
  return parsed({
    extensions,
    selectedVersion: f.selectedVersion,
    alpn: f.alpn,
    // A HelloRetryRequest names the group it wants; a ServerHello the group of its share.
    keyShareGroup: f.selectedGroupSeen ? f.selectedGroup : f.keyShareGroup,
    pskSelected: f.pskSelected,
    extendedMasterSecret: f.extendedMasterSecret,
    renegotiationInfo: f.renegotiationInfo,
    sessionTicket: f.sessionTicket,
    problems,
  });
}
