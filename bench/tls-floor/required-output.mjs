// The lines of stage `required`: --dump writes every field the stage decodes, in wire values, for
// bench/tls-floor-check.mjs to compare with the analyzer (not for timing); --lines writes the
// report's line (its shape and the fields the stage has) with a fixed text standing for the
// diagnosis and the names, as the floor's lines do (floor-line.mjs). Each takes a
// RequiredConsumer at the end of its connection.
import { certTexts, certificateSha } from './certificates.mjs';
import { writeStdoutLine } from './batched-stdout.mjs';
import { G_SUITES, G_EXTENSIONS, G_GROUPS, G_VERSIONS, G_SIGNATURES, G_KEY_SHARES } from './required-hellos.mjs';
import { KX_NAMES } from './required-messages.mjs';
import { KINDS, RESUMPTIONS, messageSenderOf, messageTypeOf } from './required-consumer.mjs';

// As the floor's DIAGNOSIS, at stage `required`, whose lines carry more of the real fields (record
// versions, encrypted alerts, completion, resumption, what a non-TLS stream looked like): sized
// so that its lines too average the real report's 2,923 bytes on the 1 GB bench capture.
const REQUIRED_FILLER = JSON.stringify({ cause: 'none', text: 'd'.repeat(564) });

const numbers = (list) => (list === null ? [] : list);
const sideName = (d) => (d === 0 ? 'client' : 'server');
const orNull = (n) => (n < 0 ? null : n);
const INFERRED = [null, 'content-type', 'size-and-position'];
const GREASE_LISTS = [[G_SUITES, 'cipherSuites'], [G_EXTENSIONS, 'extensions'], [G_GROUPS, 'supportedGroups'], [G_VERSIONS, 'supportedVersions'], [G_SIGNATURES, 'signatureAlgorithms'], [G_KEY_SHARES, 'keyShareGroups']];

function requiredMessages(flat) {
  const out = [];
  if (flat !== null) for (let k = 0; k < flat.length; k += 2) out.push({ frame: flat[k], sentBy: sideName(messageSenderOf(flat[k + 1])), type: messageTypeOf(flat[k + 1]) });
  return out;
}

function requiredAlerts(alerts) {
  const out = [];
  if (alerts !== null) {
    for (const a of alerts) {
      out.push({ frame: a.frame, sentBy: sideName(a.direction), level: a.level < 0 ? null : a.level, description: a.description < 0 ? null : a.description, encrypted: a.inferredFrom !== 0, inferredFrom: INFERRED[a.inferredFrom], recordLength: a.recordLength });
    }
  }
  return out;
}

/** Everything the stage decoded of a ClientHello. */
function clientHelloDump(h) {
  if (h === null) return null;
  return {
    frame: h.frame, recordVersion: h.recordVersion, sslv2Format: h.sslv2Format, version: h.version,
    random: Buffer.from(h.random).toString('hex'), sessionIdLength: h.sessionId.length,
    cipherSuites: numbers(h.cipherSuites), compressionMethods: numbers(h.compressionMethods), extensions: numbers(h.extensions),
    sni: h.sni, supportedVersions: numbers(h.supportedVersions), alpn: numbers(h.alpn), supportedGroups: numbers(h.supportedGroups),
    ecPointFormats: numbers(h.ecPointFormats), signatureAlgorithms: numbers(h.signatureAlgorithms),
    signatureAlgorithmsCert: numbers(h.signatureAlgorithmsCert), keyShareGroups: numbers(h.keyShareGroups),
    pskKeyExchangeModes: numbers(h.pskKeyExchangeModes), preSharedKey: h.preSharedKey, statusRequest: h.statusRequest,
    renegotiationInfo: h.renegotiationInfo, extendedMasterSecret: h.extendedMasterSecret, encryptThenMac: h.encryptThenMac,
    sessionTicket: h.sessionTicket, sessionTicketLength: h.sessionTicketLength,
    recordSizeLimit: h.recordSizeLimit < 0 ? null : h.recordSizeLimit, compressCertificate: numbers(h.compressCertificate),
    grease: GREASE_LISTS.filter(([bit]) => (h.grease & bit) !== 0).map(([, name]) => name), badExtensions: h.badExtensions,
  };
}

function serverHelloDump(h) {
  if (h === null) return null;
  return {
    frame: h.frame, recordVersion: h.recordVersion, version: h.version, selectedVersion: h.selectedVersion,
    helloRetryRequest: h.helloRetryRequest, sessionIdLength: h.sessionIdLength, sessionIdEchoed: h.sessionIdEchoed,
    cipherSuite: h.cipherSuite, compressionMethod: h.compressionMethod, extensions: numbers(h.extensions),
    alpn: h.alpn, keyShareGroup: h.keyShareGroup < 0 ? null : h.keyShareGroup, pskSelected: h.pskSelected,
    extendedMasterSecret: h.extendedMasterSecret, renegotiationInfo: h.renegotiationInfo, sessionTicket: h.sessionTicket,
    badExtensions: h.badExtensions,
  };
}

function sideDump(s) {
  return {
    recordVersions: numbers(s.versions), changeCipherSpec: s.ccs,
    encrypted: {
      handshake: s.encryptedHandshake, applicationData: s.applicationData, alerts: s.encryptedAlerts,
      firstApplicationDataFrame: s.firstApplicationDataFrame < 0 ? null : s.firstApplicationDataFrame, applicationDataBytes: s.applicationDataBytes,
    },
  };
}

/** --dump: one JSON line of every field the stage decoded. */
export function writeDump(c, info) {
  const ske = c.serverKeyExchange;
  const cr = c.certificateRequest;
  writeStdoutLine(JSON.stringify({
    id: info.id, kind: KINDS[c.kind],
    notTls: c.notTls === null ? null : { lookedLike: c.notTls.lookedLike, sentBy: sideName(c.notTls.direction), frame: c.notTls.frame },
    version: orNull(c.version), cipherSuite: orNull(c.cipherSuite), tls13: c.tls13,
    clientHello: clientHelloDump(c.clientHello), secondClientHello: clientHelloDump(c.secondClientHello),
    serverHello: serverHelloDump(c.serverHello), helloRetryRequest: serverHelloDump(c.helloRetryRequest),
    certificates: (c.certificates ?? []).map((m) => ({ frame: m.frame, sentBy: sideName(m.direction), tls13: m.tls13, sha256: m.ids.map(certificateSha), omitted: m.omitted })),
    serverKeyExchange: ske === null ? null : { frame: ske.frame, kind: KX_NAMES[ske.kind], group: orNull(ske.group), dhPrimeBits: orNull(ske.dhPrimeBits), signatureScheme: orNull(ske.signatureScheme) },
    certificateRequest: cr === null ? null : { frame: cr.frame, certificateTypes: numbers(cr.certificateTypes), signatureAlgorithms: numbers(cr.signatureAlgorithms), authorities: cr.authorities },
    clientKeyExchange: c.clientKeyExchange < 0 ? null : { kind: KX_NAMES[c.clientKeyExchange], publicValueLength: orNull(c.clientPublicLength) },
    certificateVerifyScheme: orNull(c.certificateVerifyScheme), finishedLength: orNull(c.finishedLength),
    newSessionTicket: c.ticketLength < 0 ? null : { lifetime: c.ticketLifetime, ticketLength: c.ticketLength },
    certificateStatusType: orNull(c.certificateStatusType),
    messages: requiredMessages(c.messages), alerts: requiredAlerts(c.alerts),
    client: sideDump(c.sides[0]), server: sideDump(c.sides[1]),
    handshakeComplete: c.handshakeComplete, completedFrame: orNull(c.completedFrame),
    resumption: RESUMPTIONS[c.resumption], renegotiation: c.renegotiation, malformed: c.malformed,
  }));
}

/**
 * --lines at stage `required`: the report's line (its shape and the fields the stage has, in
 * wire values) with a fixed text standing for the diagnosis and the names, as `full` writes.
 */
export function writeRequiredLine(c, info) {
  const ch = c.clientHello;
  const sh = c.serverHello;
  const hrr = c.helloRetryRequest;
  const nt = c.notTls;
  let line = JSON.stringify({
    id: info.id, client: { ip: info.clientIp, port: info.clientPort }, server: { ip: info.serverIp, port: info.serverPort },
    roleSource: info.roleSource, firstFrame: info.firstFrame, lastFrame: info.lastFrame,
    start: new Date(info.firstTsSec * 1000).toISOString(), end: new Date(info.lastTsSec * 1000).toISOString(),
    version: orNull(c.version), cipherSuite: orNull(c.cipherSuite), sni: ch === null ? null : ch.sni,
    clientHello: ch === null ? null : {
      frame: ch.frame, recordVersion: ch.recordVersion, version: ch.version, supportedVersions: numbers(ch.supportedVersions),
      cipherSuites: ch.cipherSuites, extensions: numbers(ch.extensions), sni: ch.sni, alpn: numbers(ch.alpn), sslv2Format: ch.sslv2Format,
      compressionMethods: numbers(ch.compressionMethods), supportedGroups: numbers(ch.supportedGroups),
      signatureAlgorithms: numbers(ch.signatureAlgorithms), keyShareGroups: numbers(ch.keyShareGroups),
      sessionIdLength: ch.sessionId.length, sessionTicket: ch.sessionTicket, preSharedKey: ch.preSharedKey,
    },
    serverHello: sh === null ? null : serverHelloLine(sh), helloRetryRequest: hrr === null ? null : serverHelloLine(hrr),
    alerts: c.alerts === null ? [] : c.alerts.map((a) => ({ frame: a.frame, sentBy: sideName(a.direction), level: orNull(a.level), description: orNull(a.description), encrypted: a.inferredFrom !== 0 })),
    messages: requiredMessages(c.messages),
    recordVersions: { client: numbers(c.sides[0].versions), server: numbers(c.sides[1].versions) },
    closes: info.closes, handshakeComplete: c.handshakeComplete, resumption: RESUMPTIONS[c.resumption],
    notTls: nt === null ? null : { lookedLike: nt.lookedLike, sentBy: sideName(nt.direction), frame: nt.frame },
  });
  line = line.slice(0, -1) + ',"certificates":[';
  let first = true;
  for (const m of c.certificates ?? []) for (const id of m.ids) { line += (first ? '' : ',') + certTexts[id]; first = false; }
  line += '],"diagnosis":' + REQUIRED_FILLER + '}';
  writeStdoutLine(line);
}

function serverHelloLine(h) {
  return {
    frame: h.frame, recordVersion: h.recordVersion, version: h.version, selectedVersion: h.selectedVersion, cipherSuite: h.cipherSuite,
    extensions: numbers(h.extensions), helloRetryRequest: h.helloRetryRequest, alpn: h.alpn,
    keyShareGroup: orNull(h.keyShareGroup), compressionMethod: h.compressionMethod,
  };
}

