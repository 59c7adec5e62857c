import { Cursor, incomplete, malformed, parsed, type ParseResult } from '../util/cursor.js';

/** Extension code points this layer decodes (IANA "TLS ExtensionType Values"). */
export const ExtensionType = {
  server_name: 0,
  status_request: 5,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  application_layer_protocol_negotiation: 16,
  encrypt_then_mac: 22,
  extended_master_secret: 23,
  compress_certificate: 27,
  record_size_limit: 28,
  session_ticket: 35,
  pre_shared_key: 41,
  supported_versions: 43,
  psk_key_exchange_modes: 45,
  certificate_authorities: 47,
  signature_algorithms_cert: 50,
  key_share: 51,
  renegotiation_info: 0xff01,
} as const;

/** The message an extension block belongs to: several extensions change shape with it. */
export type ExtensionContext =
  | 'client_hello'
  | 'server_hello'
  | 'hello_retry_request'
  | 'encrypted_extensions'
  | 'certificate_request'
  | 'certificate'
  | 'new_session_ticket';

/** The decoded content of one extension; `opaque` for types not decoded here (kept by type and length). */
export type ExtensionValue =
  | { kind: 'server_name'; hostNames: string[] }
  | { kind: 'supported_versions'; versions: number[] }
  | { kind: 'selected_version'; version: number }
  | { kind: 'alpn'; protocols: string[] }
  | { kind: 'supported_groups'; groups: number[] }
  | { kind: 'ec_point_formats'; formats: number[] }
  | { kind: 'signature_algorithms'; schemes: number[] }
  | { kind: 'signature_algorithms_cert'; schemes: number[] }
  | { kind: 'key_share'; groups: number[] }
  | { kind: 'key_share_selected_group'; group: number }
  | { kind: 'psk_key_exchange_modes'; modes: number[] }
  | { kind: 'pre_shared_key_offered'; identities: number }
  | { kind: 'pre_shared_key_selected'; selectedIdentity: number }
  | { kind: 'status_request'; statusType: number | null }
  | { kind: 'renegotiation_info'; renegotiatedConnectionLength: number }
  | { kind: 'extended_master_secret' }
  | { kind: 'encrypt_then_mac' }
  | { kind: 'session_ticket'; ticketLength: number }
  | { kind: 'record_size_limit'; limit: number }
  | { kind: 'compress_certificate'; algorithms: number[] }
  | { kind: 'certificate_authorities'; authorities: Uint8Array[] }
  | { kind: 'opaque' };

/** One extension in wire order. */
export interface Extension {
  type: number;
  /** extension_data length. */
  length: number;
  value: ExtensionValue;
}

/** An extension whose content did not match its type: it is kept as opaque, the message still parses. */
export interface ExtensionProblem {
  type: number;
  reason: string;
  /** Offset of the extension's data relative to the extension block. */
  offset: number;
}

/** An extension block, decoded. */
export interface ExtensionBlock {
  extensions: Extension[];
  problems: ExtensionProblem[];
}

const utf8 = new TextDecoder('utf-8');

/**
 * Reads a list of uint16 filling the whole cursor (odd length is malformed). Lists are sized
 * up front: growing them by push made and dropped backing stores on every hello.
 */
function u16List(c: Cursor, what: string): ParseResult<number[]> {
  if (c.remaining % 2 !== 0) return malformed(`${what} list has odd length ${c.remaining}`, c.offset);
  const out = new Array<number>(c.remaining >> 1);
  for (let i = 0; i < out.length; i++) out[i] = c.u16();
  return parsed(out);
}

function u8List(c: Cursor): number[] {
  const out = new Array<number>(c.remaining);
  for (let i = 0; i < out.length; i++) out[i] = c.u8();
  return out;
}

/**
 * Values without content are shared, frozen: an extension of a type not decoded here (GREASE,
 * padding...) is one of the commonest in a hello.
 */
const OPAQUE: ExtensionValue = Object.freeze({ kind: 'opaque' });
const OPAQUE_RESULT: ParseResult<ExtensionValue> = Object.freeze(parsed(OPAQUE));
const EMPTY_RESULTS = {
  extended_master_secret: Object.freeze(parsed(Object.freeze({ kind: 'extended_master_secret' }))),
  encrypt_then_mac: Object.freeze(parsed(Object.freeze({ kind: 'encrypt_then_mac' }))),
} as const satisfies Record<string, ParseResult<ExtensionValue>>;

/** Requires the extension data to be fully consumed: trailing bytes mean the wrong shape. */
function done<T>(c: Cursor, value: T): ParseResult<T> {
  return c.atEnd ? parsed(value) : malformed(`${c.remaining} trailing bytes`, c.offset);
}

function vecFail(c: Cursor, what: string): ParseResult<never> {
  return malformed(`${what} length runs past the extension`, c.offset);
}

/**
 * RFC 6066 §3
 * ```
 *   struct { NameType name_type; select (name_type) { case host_name: HostName; } name; } ServerName;
 *   opaque HostName<1..2^16-1>;
 *   struct { ServerName server_name_list<1..2^16-1> } ServerNameList;
 * ```
 * The server answers with empty extension_data.
 */
function serverName(c: Cursor): ParseResult<ExtensionValue> {
  if (c.atEnd) return parsed({ kind: 'server_name', hostNames: [] });
  const list = c.vec16();
  if (!list) return vecFail(c, 'server_name_list');
  const hostNames: string[] = [];
  while (!list.atEnd) {
    const nameType = list.u8();
    const name = list.vec16();
    if (nameType < 0 || !name) return vecFail(list, 'ServerName');
    if (nameType === 0) hostNames.push(utf8.decode(name.bytesView(name.remaining)!));
  }
  return done(c, { kind: 'server_name', hostNames });
}

/**
 * RFC 8446 §4.2.1
 * ```
 *   struct {
 *       select (Handshake.msg_type) {
 *           case client_hello: ProtocolVersion versions<2..254>;
 *           case server_hello: ProtocolVersion selected_version;
 *       };
 *   } SupportedVersions;
 * ```
 */
function supportedVersions(c: Cursor, context: ExtensionContext): ParseResult<ExtensionValue> {
  if (context === 'client_hello') {
    const list = c.vec8();
    if (!list) return vecFail(c, 'versions');
    const versions = u16List(list, 'versions');
    if (!versions.ok) return versions;
    return done(c, { kind: 'supported_versions', versions: versions.value });
  }
  const version = c.u16();
  if (version < 0) return malformed('selected_version needs 2 bytes', c.offset);
  return done(c, { kind: 'selected_version', version });
}

/**
 * RFC 7301 §3.1
 * ```
 *   opaque ProtocolName<1..2^8-1>;
 *   struct { ProtocolName protocol_name_list<2..2^16-1> } ProtocolNameList;
 * ```
 */
function alpn(c: Cursor): ParseResult<ExtensionValue> {
  const list = c.vec16();
  if (!list) return vecFail(c, 'protocol_name_list');
  const protocols: string[] = [];
  while (!list.atEnd) {
    const name = list.vec8();
    if (!name) return vecFail(list, 'ProtocolName');
    protocols.push(utf8.decode(name.bytesView(name.remaining)!));
  }
  return done(c, { kind: 'alpn', protocols });
}

/** RFC 8446 §4.2.7 `NamedGroup named_group_list<2..2^16-1>`. */
function supportedGroups(c: Cursor): ParseResult<ExtensionValue> {
  const list = c.vec16();
  if (!list) return vecFail(c, 'named_group_list');
  const groups = u16List(list, 'named_group');
  if (!groups.ok) return groups;
  return done(c, { kind: 'supported_groups', groups: groups.value });
}

/** RFC 8422 §5.1.2 `ECPointFormat ec_point_format_list<1..2^8-1>`. */
function ecPointFormats(c: Cursor): ParseResult<ExtensionValue> {
  const list = c.vec8();
  if (!list) return vecFail(c, 'ec_point_format_list');
  return done(c, { kind: 'ec_point_formats', formats: u8List(list) });
}

/** RFC 8446 §4.2.3 `SignatureScheme supported_signature_algorithms<2..2^16-2>`. */
function signatureSchemes(c: Cursor, kind: 'signature_algorithms' | 'signature_algorithms_cert'): ParseResult<ExtensionValue> {
  const list = c.vec16();
  if (!list) return vecFail(c, 'supported_signature_algorithms');
  const schemes = u16List(list, 'SignatureScheme');
  if (!schemes.ok) return schemes;
  return done(c, { kind, schemes: schemes.value });
}

/**
 * RFC 8446 §4.2.8
 * ```
 *   struct { NamedGroup group; opaque key_exchange<1..2^16-1>; } KeyShareEntry;
 *   struct { KeyShareEntry client_shares<0..2^16-1>; } KeyShareClientHello;
 *   struct { NamedGroup selected_group; } KeyShareHelloRetryRequest;
 *   struct { KeyShareEntry server_share; } KeyShareServerHello;
 * ```
 */
function keyShare(c: Cursor, context: ExtensionContext): ParseResult<ExtensionValue> {
  if (context === 'hello_retry_request') {
    const group = c.u16();
    if (group < 0) return malformed('selected_group needs 2 bytes', c.offset);
    return done(c, { kind: 'key_share_selected_group', group });
  }
  const entries = context === 'client_hello' ? c.vec16() : c;
  if (!entries) return vecFail(c, 'client_shares');
  const groups: number[] = [];
  while (!entries.atEnd) {
    const group = entries.u16();
    const key = entries.vec16();
    if (group < 0 || !key) return vecFail(entries, 'KeyShareEntry');
    groups.push(group);
    if (context !== 'client_hello') break;
  }
  return done(c, { kind: 'key_share', groups });
}

/** RFC 8446 §4.2.9 `PskKeyExchangeMode ke_modes<1..255>`. */
function pskKeyExchangeModes(c: Cursor): ParseResult<ExtensionValue> {
  const list = c.vec8();
  if (!list) return vecFail(c, 'ke_modes');
  return done(c, { kind: 'psk_key_exchange_modes', modes: u8List(list) });
}

/**
 * RFC 8446 §4.2.11
 * ```
 *   struct { opaque identity<1..2^16-1>; uint32 obfuscated_ticket_age; } PskIdentity;
 *   struct { PskIdentity identities<7..2^16-1>; PskBinderEntry binders<33..2^16-1>; } OfferedPsks;
 *   struct { select (Handshake.msg_type) {
 *       case client_hello: OfferedPsks;
 *       case server_hello: uint16 selected_identity; }; } PreSharedKeyExtension;
 * ```
 */
function preSharedKey(c: Cursor, context: ExtensionContext): ParseResult<ExtensionValue> {
  if (context !== 'client_hello') {
    const selectedIdentity = c.u16();
    if (selectedIdentity < 0) return malformed('selected_identity needs 2 bytes', c.offset);
    return done(c, { kind: 'pre_shared_key_selected', selectedIdentity });
  }
  const identities = c.vec16();
  if (!identities) return vecFail(c, 'identities');
  let count = 0;
  while (!identities.atEnd) {
    if (!identities.vec16() || !identities.skip(4)) return vecFail(identities, 'PskIdentity');
    count++;
  }
  if (!c.vec16()) return vecFail(c, 'binders');
  return done(c, { kind: 'pre_shared_key_offered', identities: count });
}

/** RFC 6066 §8: CertificateStatusRequest in a ClientHello, empty in a ServerHello. */
function statusRequest(c: Cursor): ParseResult<ExtensionValue> {
  if (c.atEnd) return parsed({ kind: 'status_request', statusType: null });
  const statusType = c.u8();
  c.skip(c.remaining);
  return parsed({ kind: 'status_request', statusType });
}

/** RFC 5746 §3.2 `opaque renegotiated_connection<0..255>`. */
function renegotiationInfo(c: Cursor): ParseResult<ExtensionValue> {
  const v = c.vec8();
  if (!v) return vecFail(c, 'renegotiated_connection');
  return done(c, { kind: 'renegotiation_info', renegotiatedConnectionLength: v.remaining });
}

function empty(c: Cursor, kind: 'extended_master_secret' | 'encrypt_then_mac'): ParseResult<ExtensionValue> {
  return c.atEnd ? EMPTY_RESULTS[kind] : malformed(`${c.remaining} trailing bytes`, c.offset);
}

/** RFC 8449 §4 `uint16 RecordSizeLimit`. */
function recordSizeLimit(c: Cursor): ParseResult<ExtensionValue> {
  const limit = c.u16();
  if (limit < 0) return malformed('RecordSizeLimit needs 2 bytes', c.offset);
  return done(c, { kind: 'record_size_limit', limit });
}

/** RFC 8879 §3 `CertificateCompressionAlgorithm algorithms<2..2^8-2>`. */
function compressCertificate(c: Cursor): ParseResult<ExtensionValue> {
  const list = c.vec8();
  if (!list) return vecFail(c, 'algorithms');
  const algorithms = u16List(list, 'CertificateCompressionAlgorithm');
  if (!algorithms.ok) return algorithms;
  return done(c, { kind: 'compress_certificate', algorithms: algorithms.value });
}

/**
 * RFC 8446 §4.2.4
 * ```
 *   opaque DistinguishedName<1..2^16-1>;
 *   struct { DistinguishedName authorities<3..2^16-1>; } CertificateAuthoritiesExtension;
 * ```
 */
function certificateAuthorities(c: Cursor): ParseResult<ExtensionValue> {
  const list = c.vec16();
  if (!list) return vecFail(c, 'authorities');
  const authorities: Uint8Array[] = [];
  while (!list.atEnd) {
    const dn = list.vec16();
    if (!dn) return vecFail(list, 'DistinguishedName');
    authorities.push(dn.bytesView(dn.remaining)!.slice());
  }
  return done(c, { kind: 'certificate_authorities', authorities });
}

/**
 * Decodes one extension's extension_data (`body` spans exactly that data). Types not decoded
 * here give `opaque`; a body that does not fit its type is malformed (offset within the data).
 */
export function parseExtension(type: number, body: Cursor, context: ExtensionContext): ParseResult<ExtensionValue> {
  switch (type) {
    case ExtensionType.server_name: return serverName(body);
    case ExtensionType.supported_versions: return supportedVersions(body, context);
    case ExtensionType.application_layer_protocol_negotiation: return alpn(body);
    case ExtensionType.supported_groups: return supportedGroups(body);
    case ExtensionType.ec_point_formats: return ecPointFormats(body);
    case ExtensionType.signature_algorithms: return signatureSchemes(body, 'signature_algorithms');
    case ExtensionType.signature_algorithms_cert: return signatureSchemes(body, 'signature_algorithms_cert');
    case ExtensionType.key_share: return keyShare(body, context);
    case ExtensionType.psk_key_exchange_modes: return pskKeyExchangeModes(body);
    case ExtensionType.pre_shared_key: return preSharedKey(body, context);
    case ExtensionType.status_request: return statusRequest(body);
    case ExtensionType.renegotiation_info: return renegotiationInfo(body);
    case ExtensionType.extended_master_secret: return empty(body, 'extended_master_secret');
    case ExtensionType.encrypt_then_mac: return empty(body, 'encrypt_then_mac');
    case ExtensionType.session_ticket: return parsed({ kind: 'session_ticket', ticketLength: body.remaining });
    case ExtensionType.record_size_limit: return recordSizeLimit(body);
    case ExtensionType.compress_certificate: return compressCertificate(body);
    case ExtensionType.certificate_authorities: return certificateAuthorities(body);
    default: return OPAQUE_RESULT;
  }
}

/**
 * RFC 8446 §4.2
 * ```
 *   struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; } Extension;
 *   Extension extensions<0..2^16-1>;
 * ```
 * `c` is positioned on the 2-byte block length. A block or an extension that runs past its
 * parent is malformed; an extension whose content does not fit its type is kept as `opaque`
 * and listed in `problems`, because one bad extension should not hide the rest of a hello.
 */
export function parseExtensions(c: Cursor, context: ExtensionContext): ParseResult<ExtensionBlock> {
  const blockStart = c.pos;
  if (!c.has(2)) return incomplete(2);
  const block = c.vec16();
  if (!block) return malformed('extensions length runs past the message', 0);
  const extensions: Extension[] = [];
  const problems: ExtensionProblem[] = [];
  while (!block.atEnd) {
    const at = block.pos - blockStart;
    const type = block.u16();
    const data = block.vec16();
    if (type < 0 || !data) return malformed('extension runs past the extensions block', at);
    const length = data.remaining;
    const dataOffset = data.pos - blockStart;
    const value = parseExtension(type, data, context);
    if (value.ok) {
      extensions.push({ type, length, value: value.value });
    } else {
      const reason = value.incomplete ? 'truncated' : value.malformed;
      problems.push({ type, reason, offset: dataOffset + (value.incomplete ? 0 : value.offset) });
      extensions.push({ type, length, value: OPAQUE });
    }
  }
  return parsed({ extensions, problems });
}

/** Finds the first extension of a kind (duplicates are a peer's error; the first one counts). */
export function findExtension<K extends ExtensionValue['kind']>(
  extensions: Extension[],
  kind: K,
): Extract<ExtensionValue, { kind: K }> | null {
  for (const e of extensions) if (e.value.kind === kind) return e.value as Extract<ExtensionValue, { kind: K }>;
  return null;
}
