// The hello parsers of stage `required`: ClientHello (every extension issue 3 names, GREASE
// values marked), the SSLv2-compatible CLIENT-HELLO, and ServerHello or HelloRetryRequest, with
// every length checked: a malformed hello gives null (the consumer counts it), an extension that
// does not fit its type is counted in `badExtensions` and left undecoded, never an exception or
// a read past the message.
import { HELLO_RETRY_REQUEST_RANDOM } from '../../dist/tls/server-hello.js';
import { copy32, copyBytes, isGrease, text, u16, u16s, u8s, vec8Filling, vec16Filling } from './byte-readers.mjs';

// GREASE (RFC 8701) marks: which lists of a ClientHello hold a GREASE value.
export const G_SUITES = 1, G_EXTENSIONS = 2, G_GROUPS = 4, G_VERSIONS = 8, G_SIGNATURES = 16, G_KEY_SHARES = 32;

const NO_BYTES = new Uint8Array(0);

/** RFC 6066 ServerNameList filling [p, end): the first host_name, null when none, undefined when malformed. */
function hostName(b, p, end) {
  if (p === end) return null;
  const list = vec16Filling(b, p, end);
  if (list < 0) return undefined;
  let host = null;
  for (let q = list; q < end;) {
    if (end - q < 3) return undefined;
    const n = u16(b, q + 1);
    if (q + 3 + n > end) return undefined;
    if (b[q] === 0 && host === null) host = text(b, q + 3, q + 3 + n);
    q += 3 + n;
  }
  return host;
}

/** RFC 7301 ProtocolNameList filling [p, end), or null when malformed. */
function protocolNames(b, p, end) {
  const list = vec16Filling(b, p, end);
  if (list < 0) return null;
  const names = [];
  for (let q = list; q < end;) {
    const n = b[q];
    if (q + 1 + n > end) return null;
    names.push(text(b, q + 1, q + 1 + n));
    q += 1 + n;
  }
  return names;
}

/**
 * A ClientHello (TLS, or SSLv2-compatible). Lists are null while absent (the report shows []);
 * the first well-formed extension of a type counts, as in the analyzer.
 */
class RequiredClientHello {
  constructor(version, random) {
    this.frame = -1;
    this.recordVersion = 0;
    this.sslv2Format = false;
    this.version = version;
    this.random = random;
    this.sessionId = NO_BYTES;
    this.cipherSuites = null;
    this.compressionMethods = null;
    this.extensions = null;
    this.sniSeen = false;
    this.sni = null;
    this.supportedVersions = null;
    this.alpn = null;
    this.supportedGroups = null;
    this.ecPointFormats = null;
    this.signatureAlgorithms = null;
    this.signatureAlgorithmsCert = null;
    this.keyShareGroups = null;
    this.pskKeyExchangeModes = null;
    this.preSharedKey = false;
    this.statusRequest = false;
    this.renegotiationInfo = false;
    this.extendedMasterSecret = false;
    this.encryptThenMac = false;
    this.sessionTicket = false;
    this.sessionTicketLength = 0;
    this.recordSizeLimit = -1;
    this.compressCertificate = null;
    /** G_* bits: lists that hold a GREASE value. */
    this.grease = 0;
    /** Extensions whose content does not fit their type (left undecoded). */
    this.badExtensions = 0;
  }
}

/** Reads one ClientHello extension's data [p, end); false when it does not fit its type. */
function clientExtension(h, type, b, p, end) {
  switch (type) {
    case 0: { // server_name
      const host = hostName(b, p, end);
      if (host === undefined) return false;
      if (!h.sniSeen) { h.sniSeen = true; h.sni = host; }
      return true;
    }
    case 10: case 13: case 50: { // supported_groups, signature_algorithms, signature_algorithms_cert
      const list = vec16Filling(b, p, end);
      if (list < 0 || (end - list) % 2 !== 0) return false;
      if (type === 10) h.supportedGroups ??= u16s(h, G_GROUPS, b, list, end);
      else if (type === 13) h.signatureAlgorithms ??= u16s(h, G_SIGNATURES, b, list, end);
      else h.signatureAlgorithmsCert ??= u16s(h, 0, b, list, end);
      return true;
    }
    case 43: case 27: { // supported_versions, compress_certificate
      const list = vec8Filling(b, p, end);
      if (list < 0 || (end - list) % 2 !== 0) return false;
      if (type === 43) h.supportedVersions ??= u16s(h, G_VERSIONS, b, list, end);
      else h.compressCertificate ??= u16s(h, 0, b, list, end);
      return true;
    }
    case 11: case 45: { // ec_point_formats, psk_key_exchange_modes
      const list = vec8Filling(b, p, end);
      if (list < 0) return false;
      if (type === 11) h.ecPointFormats ??= u8s(b, list, end);
      else h.pskKeyExchangeModes ??= u8s(b, list, end);
      return true;
    }
    case 51: { // key_share: client_shares of (group, key_exchange)
      const list = vec16Filling(b, p, end);
      if (list < 0) return false;
      const groups = [];
      for (let q = list; q < end;) {
        if (end - q < 4 || q + 4 + u16(b, q + 2) > end) return false;
        const group = u16(b, q);
        if (isGrease(group)) h.grease |= G_KEY_SHARES;
        groups.push(group);
        q += 4 + u16(b, q + 2);
      }
      h.keyShareGroups ??= groups;
      return true;
    }
    case 16: { // ALPN
      const names = protocolNames(b, p, end);
      if (names === null) return false;
      h.alpn ??= names;
      return true;
    }
    case 41: { // pre_shared_key: identities (identity, obfuscated age), then binders
      if (end - p < 2) return false;
      const identitiesEnd = p + 2 + u16(b, p);
      if (identitiesEnd > end) return false;
      for (let q = p + 2; q < identitiesEnd;) {
        if (identitiesEnd - q < 2) return false;
        q += 2 + u16(b, q) + 4;
        if (q > identitiesEnd) return false;
      }
      if (vec16Filling(b, identitiesEnd, end) < 0) return false;
      h.preSharedKey = true;
      return true;
    }
    case 5: h.statusRequest = true; return true;
    case 65281: // renegotiation_info
      if (vec8Filling(b, p, end) < 0) return false;
      h.renegotiationInfo = true;
      return true;
    case 23: if (p !== end) return false; h.extendedMasterSecret = true; return true;
    case 22: if (p !== end) return false; h.encryptThenMac = true; return true;
    case 35: // session_ticket: its length is the ticket's
      if (!h.sessionTicket) { h.sessionTicket = true; h.sessionTicketLength = end - p; }
      return true;
    case 28: // record_size_limit
      if (end - p !== 2) return false;
      if (h.recordSizeLimit < 0) h.recordSizeLimit = u16(b, p);
      return true;
    default: return true;
  }
}

/** ClientHello body [p, end), or null when it is malformed (a length running past its parent). */
export function parseRequiredClientHello(b, p, end) {
  if (end - p < 34) return null;
  const h = new RequiredClientHello(u16(b, p), copy32(b, p + 2));
  p += 34;
  if (end - p < 1 || b[p] > 32 || end - p - 1 < b[p]) return null;
  if (b[p] > 0) h.sessionId = copyBytes(b, p + 1, p + 1 + b[p]);
  p += 1 + b[p];
  if (end - p < 2) return null;
  const suites = u16(b, p);
  if (suites % 2 !== 0 || end - p - 2 < suites) return null;
  h.cipherSuites = u16s(h, G_SUITES, b, p + 2, p + 2 + suites);
  p += 2 + suites;
  if (end - p < 1 || end - p - 1 < b[p]) return null;
  h.compressionMethods = u8s(b, p + 1, p + 1 + b[p]);
  p += 1 + b[p];
  if (p === end) return h;
  if (end - p < 2 || p + 2 + u16(b, p) !== end) return null;
  const types = [];
  for (let q = p + 2; q < end;) {
    if (end - q < 4 || q + 4 + u16(b, q + 2) > end) return null;
    const type = u16(b, q);
    const s = q + 4;
    q = s + u16(b, q + 2);
    if (isGrease(type)) h.grease |= G_EXTENSIONS;
    types.push(type);
    if (!clientExtension(h, type, b, s, q)) h.badExtensions++;
  }
  h.extensions = types;
  return h;
}

/** SSLv2-compatible CLIENT-HELLO (RFC 5246 E.2): record body [p, end). */
export function parseSslv2ClientHello(b, p, end) {
  if (end - p < 9 || b[p] !== 1) return null;
  const specs = u16(b, p + 3);
  const sessionId = u16(b, p + 5);
  const challenge = u16(b, p + 7);
  if (specs === 0 || specs % 3 !== 0 || sessionId > 32 || challenge < 16 || challenge > 32) return null;
  const at = p + 9;
  if (end - at < specs + sessionId + challenge) return null;
  const h = new RequiredClientHello(u16(b, p + 1), copyBytes(b, at + specs + sessionId, at + specs + sessionId + challenge));
  h.sslv2Format = true;
  h.recordVersion = 0x0002;
  const suites = [];
  for (let q = at; q < at + specs; q += 3) suites.push((b[q] << 16) | (b[q + 1] << 8) | b[q + 2]);
  h.cipherSuites = suites;
  if (sessionId > 0) h.sessionId = copyBytes(b, at + specs, at + specs + sessionId);
  return h;
}

/** A ServerHello or HelloRetryRequest. The session id is compared with the ClientHello's, not kept. */
class RequiredServerHello {
  constructor(version, helloRetryRequest) {
    this.frame = -1;
    this.recordVersion = 0;
    this.version = version;
    this.versionSeen = false;
    /** supported_versions' selected version when present, else `version`. */
    this.selectedVersion = version;
    this.helloRetryRequest = helloRetryRequest;
    this.sessionIdLength = 0;
    /** Its session id is the ClientHello's (non-empty). */
    this.sessionIdEchoed = false;
    this.cipherSuite = 0;
    this.compressionMethod = 0;
    this.extensions = null;
    this.alpnSeen = false;
    this.alpn = null;
    this.keyShareSeen = false;
    this.keyShareGroup = -1;
    this.selectedGroupSeen = false;
    this.pskSelected = false;
    this.extendedMasterSecret = false;
    this.renegotiationInfo = false;
    this.sessionTicket = false;
    this.badExtensions = 0;
  }
}

function serverExtension(h, type, b, p, end) {
  switch (type) {
    case 43: // supported_versions: the selected one
      if (end - p !== 2) return false;
      if (!h.versionSeen) { h.versionSeen = true; h.selectedVersion = u16(b, p); }
      return true;
    case 51: // key_share: HRR the group wanted, ServerHello the group of its share
      if (h.helloRetryRequest) {
        if (end - p !== 2) return false;
        if (!h.selectedGroupSeen) { h.selectedGroupSeen = true; h.keyShareGroup = u16(b, p); }
        return true;
      }
      if (p !== end && (end - p < 4 || p + 4 + u16(b, p + 2) !== end)) return false;
      if (!h.keyShareSeen) { h.keyShareSeen = true; h.keyShareGroup = p === end ? -1 : u16(b, p); }
      return true;
    case 41: if (end - p !== 2) return false; h.pskSelected = true; return true;
    case 16: {
      const names = protocolNames(b, p, end);
      if (names === null) return false;
      if (!h.alpnSeen) { h.alpnSeen = true; h.alpn = names.length > 0 ? names[0] : null; }
      return true;
    }
    case 23: if (p !== end) return false; h.extendedMasterSecret = true; return true;
    case 65281: if (vec8Filling(b, p, end) < 0) return false; h.renegotiationInfo = true; return true;
    case 35: h.sessionTicket = true; return true;
    case 0: return hostName(b, p, end) !== undefined;
    case 11: return vec8Filling(b, p, end) >= 0;
    default: return true;
  }
}

function isHelloRetryRandom(b, p) {
  for (let i = 0; i < 32; i++) if (b[p + i] !== HELLO_RETRY_REQUEST_RANDOM[i]) return false;
  return true;
}

/** ServerHello body [p, end), or null when malformed. `ch`: the ClientHello, for the session id echo. */
export function parseRequiredServerHello(b, p, end, ch) {
  if (end - p < 34) return null;
  const version = u16(b, p);
  const h = new RequiredServerHello(version, isHelloRetryRandom(b, p + 2));
  p += 34;
  // TLS 1.3 drafts up to 21 had no session id and no compression method.
  const draft = version === 0x0304 || (version >= 0x7f00 && version <= 0x7f15);
  if (!draft) {
    const n = end - p >= 1 ? b[p] : 0;
    if (end - p < 1 || n > 32 || end - p - 1 < n) return null;
    h.sessionIdLength = n;
    if (n > 0 && ch !== null && ch.sessionId.length === n) {
      let same = true;
      for (let i = 0; same && i < n; i++) if (b[p + 1 + i] !== ch.sessionId[i]) same = false;
      h.sessionIdEchoed = same;
    }
    p += 1 + n;
  }
  if (end - p < 2) return null;
  h.cipherSuite = u16(b, p);
  p += 2;
  if (!draft) {
    if (end - p < 1) return null;
    h.compressionMethod = b[p++];
  }
  if (p === end) return h;
  if (end - p < 2 || p + 2 + u16(b, p) !== end) return null;
  const types = [];
  for (let q = p + 2; q < end;) {
    if (end - q < 4 || q + 4 + u16(b, q + 2) > end) return null;
    const type = u16(b, q);
    const s = q + 4;
    q = s + u16(b, q + 2);
    types.push(type);
    if (!serverExtension(h, type, b, s, q)) h.badExtensions++;
  }
  h.extensions = types;
  return h;
}
