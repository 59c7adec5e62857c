import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';
import type { ClientHelloModel } from './model.js';
import { findExtension, parseExtensions, type Extension, type ExtensionProblem } from './extensions.js';

/** A decoded ClientHello: the model's fields that come from the message itself. */
export interface ClientHello
  extends Omit<ClientHelloModel, 'direction' | 'frame' | 'tsSec' | 'tsNsec' | 'recordVersion' | 'sslv2Format'> {
  /** Every extension with its decoded value, in wire order. */
  extensionList: Extension[];
  /** Extensions whose content did not fit their type (kept as opaque). */
  extensionProblems: ExtensionProblem[];
}

/**
 * RFC 8446 §4.1.2 (RFC 5246 §7.4.1.2 for TLS 1.2 and earlier, where extensions are optional)
 * ```
 *   struct {
 *       ProtocolVersion legacy_version = 0x0303;    // TLS v1.2
 *       Random random;
 *       opaque legacy_session_id<0..32>;
 *       CipherSuite cipher_suites<2..2^16-2>;
 *       opaque legacy_compression_methods<1..2^8-1>;
 *       Extension extensions<8..2^16-1>;
 *   } ClientHello;
 * ```
 * `body` spans exactly the message body (after the 4-byte handshake header).
 */
export function parseClientHello(body: Cursor): ParseResult<ClientHello> {
  const base = body.pos;
  const length = body.remaining;
  const at = (): number => body.pos - base;
  const version = body.u16();
  if (version < 0) return malformed('ClientHello shorter than its version', at());
  const random = body.bytesView(32);
  if (!random) return malformed('ClientHello shorter than its random', at());
  const sessionId = body.vec8();
  if (!sessionId) return malformed('legacy_session_id runs past the message', at());
  if (sessionId.remaining > 32) return malformed(`legacy_session_id of ${sessionId.remaining} bytes exceeds 32`, at() - sessionId.remaining - 1);
  const suites = body.vec16();
  if (!suites) return malformed('cipher_suites runs past the message', at());
  if (suites.remaining % 2 !== 0) return malformed(`cipher_suites length ${suites.remaining} is odd`, at() - suites.remaining - 2);
  const cipherSuites: number[] = [];
  while (!suites.atEnd) cipherSuites.push(suites.u16());
  const compression = body.vec8();
  if (!compression) return malformed('legacy_compression_methods runs past the message', at());
  const compressionMethods: number[] = [];
  while (!compression.atEnd) compressionMethods.push(compression.u8());

  let extensionList: Extension[] = [];
  let extensionProblems: ExtensionProblem[] = [];
  if (!body.atEnd) {
    const extStart = at();
    if (body.remaining < 2) return malformed('one stray byte after compression methods', extStart);
    const block = parseExtensions(body, 'client_hello');
    if (!block.ok) return block.incomplete ? malformed('extensions truncated', extStart) : malformed(block.malformed, extStart + block.offset);
    extensionList = block.value.extensions;
    extensionProblems = block.value.problems.map((p) => ({ ...p, offset: p.offset + extStart }));
    if (!body.atEnd) return malformed(`${body.remaining} bytes after the extensions`, at());
  }

  const sni = findExtension(extensionList, 'server_name');
  const ticket = findExtension(extensionList, 'session_ticket');
  const recordSizeLimit = findExtension(extensionList, 'record_size_limit');
  return parsed({
    version,
    random: random.slice(),
    sessionId: sessionId.bytesView(sessionId.remaining)!.slice(),
    cipherSuites,
    compressionMethods,
    extensions: extensionList.map((e) => e.type),
    sni: sni && sni.hostNames.length > 0 ? sni.hostNames[0]! : null,
    supportedVersions: findExtension(extensionList, 'supported_versions')?.versions ?? [],
    alpn: findExtension(extensionList, 'alpn')?.protocols ?? [],
    supportedGroups: findExtension(extensionList, 'supported_groups')?.groups ?? [],
    ecPointFormats: findExtension(extensionList, 'ec_point_formats')?.formats ?? [],
    signatureAlgorithms: findExtension(extensionList, 'signature_algorithms')?.schemes ?? [],
    signatureAlgorithmsCert: findExtension(extensionList, 'signature_algorithms_cert')?.schemes ?? [],
    keyShareGroups: findExtension(extensionList, 'key_share')?.groups ?? [],
    pskKeyExchangeModes: findExtension(extensionList, 'psk_key_exchange_modes')?.modes ?? [],
    preSharedKey: findExtension(extensionList, 'pre_shared_key_offered') !== null,
    statusRequest: findExtension(extensionList, 'status_request') !== null,
    renegotiationInfo: findExtension(extensionList, 'renegotiation_info') !== null,
    extendedMasterSecret: findExtension(extensionList, 'extended_master_secret') !== null,
    encryptThenMac: findExtension(extensionList, 'encrypt_then_mac') !== null,
    sessionTicket: ticket !== null,
    sessionTicketLength: ticket?.ticketLength ?? 0,
    recordSizeLimit: recordSizeLimit?.limit ?? null,
    compressCertificate: findExtension(extensionList, 'compress_certificate')?.algorithms ?? [],
    length,
    extensionList,
    extensionProblems,
  });
}
