/**
 * Builds the model's hello objects from decoded hellos with one literal each. A spread or rest
 * copy of these 30-field objects leaves them in V8's dictionary mode, where each copy cost
 * 6-14 µs and every later read is a hash lookup: the top cost of the TLS stage on a capture of
 * short connections (docs/decisions.md).
 */
import type { ClientHelloModel, ServerHelloModel } from './model.js';
import type { Direction } from '../tcp/stream-types.js';
import type { ClientHello } from './client-hello.js';
import type { ServerHello } from './server-hello.js';
import type { ListInterner } from './list-interner.js';

/**
 * The model of a ClientHello seen in `direction` at `frame` (capture time `tsSec`.`tsNsec`),
 * without the decoder's extension list. Where it was seen comes as fields: a Seen object per
 * hello only to be copied from showed in the allocation profile. Its lists are the hello's: the
 * run's shared ones when it was parsed with a ListInterner (see parseClientHello).
 */
export function clientHelloModel(direction: Direction, frame: number, tsSec: number, tsNsec: number, recordVersion: number, sslv2Format: boolean, v: ClientHello): ClientHelloModel {
  return {
    direction,
    frame,
    tsSec,
    tsNsec,
    recordVersion,
    sslv2Format,
    version: v.version,
    random: v.random,
    sessionId: v.sessionId,
    cipherSuites: v.cipherSuites,
    compressionMethods: v.compressionMethods,
    extensions: v.extensions,
    sni: v.sni,
    supportedVersions: v.supportedVersions,
    alpn: v.alpn,
    supportedGroups: v.supportedGroups,
    ecPointFormats: v.ecPointFormats,
    signatureAlgorithms: v.signatureAlgorithms,
    signatureAlgorithmsCert: v.signatureAlgorithmsCert,
    keyShareGroups: v.keyShareGroups,
    pskKeyExchangeModes: v.pskKeyExchangeModes,
    preSharedKey: v.preSharedKey,
    statusRequest: v.statusRequest,
    renegotiationInfo: v.renegotiationInfo,
    extendedMasterSecret: v.extendedMasterSecret,
    encryptThenMac: v.encryptThenMac,
    sessionTicket: v.sessionTicket,
    sessionTicketLength: v.sessionTicketLength,
    recordSizeLimit: v.recordSizeLimit,
    compressCertificate: v.compressCertificate,
    length: v.length,
  };
}

/** The model of a ServerHello (or HelloRetryRequest), seen as {@link clientHelloModel} says; `lists` shares its extension list. */
export function serverHelloModel(direction: Direction, frame: number, tsSec: number, tsNsec: number, recordVersion: number, v: ServerHello, lists?: ListInterner): ServerHelloModel {
  if (lists) {
    const h = serverHelloModel(direction, frame, tsSec, tsNsec, recordVersion, v);
    h.extensions = lists.numbers(h.extensions);
    return h;
  }
  return {
    direction,
    frame,
    tsSec,
    tsNsec,
    recordVersion,
    version: v.version,
    selectedVersion: v.selectedVersion,
    random: v.random,
    sessionId: v.sessionId,
    cipherSuite: v.cipherSuite,
    compressionMethod: v.compressionMethod,
    extensions: v.extensions,
    helloRetryRequest: v.helloRetryRequest,
    alpn: v.alpn,
    keyShareGroup: v.keyShareGroup,
    pskSelected: v.pskSelected,
    extendedMasterSecret: v.extendedMasterSecret,
    renegotiationInfo: v.renegotiationInfo,
    sessionTicket: v.sessionTicket,
    length: v.length,
  };
}
