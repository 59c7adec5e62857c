/**
 * Turns the TLS layer's connection model and its diagnosis into the report's connection object:
 * wire values stay numbers, names are looked up once here for the fields that carry names.
 */
import type { ClientHelloModel, ServerHelloModel, TlsConnectionModel } from '../tls/model.js';
import type { Direction } from '../tcp/stream-types.js';
import type { CertificateCache, CertificateFacts } from '../x509/index.js';
import type { Diagnosis } from '../diagnose/types.js';
import {
  alertDescriptionName,
  alertLevelName,
  cipherSuiteName,
  cipherSuiteOpenSslName,
  handshakeTypeName,
  reportVersion,
} from '../tls/registry/index.js';
import type { ConnectionReport } from './schema.js';
import { flat } from './flat.js';
import { isoTime } from './time.js';
import type { WarningSink } from './warning.js';

const sideOf = (d: Direction): 'client' | 'server' => (d === 0 ? 'client' : 'server');

function clientHelloReport(h: ClientHelloModel): NonNullable<ConnectionReport['clientHello']> {
  return {
    frame: h.frame,
    recordVersion: h.recordVersion,
    version: h.version,
    supportedVersions: h.supportedVersions,
    cipherSuites: h.cipherSuites,
    extensions: h.extensions,
    sni: h.sni,
    alpn: h.alpn,
    sslv2Format: h.sslv2Format,
    compressionMethods: h.compressionMethods,
    supportedGroups: h.supportedGroups,
    signatureAlgorithms: h.signatureAlgorithms,
    keyShareGroups: h.keyShareGroups,
    sessionIdLength: h.sessionId.length,
    sessionTicket: h.sessionTicket,
    preSharedKey: h.preSharedKey,
  };
}

function serverHelloReport(h: ServerHelloModel): NonNullable<ConnectionReport['serverHello']> {
  return {
    frame: h.frame,
    recordVersion: h.recordVersion,
    version: h.version,
    selectedVersion: h.selectedVersion,
    cipherSuite: h.cipherSuite,
    extensions: h.extensions,
    helloRetryRequest: h.helloRetryRequest,
    alpn: h.alpn,
    keyShareGroup: h.keyShareGroup,
    compressionMethod: h.compressionMethod,
  };
}

/**
 * Builds one connection of the report.
 * @param warn receives a warning for each certificate that cannot be read (left out of
 *   `certificates`) or was read only in part (listed, with its `problem`), with the frame of
 *   its Certificate message.
 */
export function connectionReport(
  model: TlsConnectionModel,
  diagnosis: Diagnosis,
  cache: CertificateCache,
  warn?: WarningSink,
): ConnectionReport {
  const tcp = model.tcp;
  const certificates: ConnectionReport['certificates'] = [];
  for (const msg of model.certificates) {
    msg.chain.forEach((der, index) => {
      const facts = cache.facts(der);
      const which = `connection ${tcp.id}: ${sideOf(msg.direction)} certificate ${index} (${der.length} bytes) of the Certificate message in frame ${msg.frame}`;
      if (!facts.ok) {
        warn?.(msg.frame, `${which} cannot be read: ${facts.error}; it is left out of the report's certificates`);
        return;
      }
      const f = facts.value;
      if (f.problem !== undefined) warn?.(msg.frame, `${which} (${f.subject}) was read only in part: ${f.problem}`);
      certificates.push({ frame: msg.frame, sentBy: sideOf(msg.direction), index, ...certificateFields(f) });
    });
  }
  const suite = model.cipherSuite;
  const start = isoTime(tcp.firstTsSec, tcp.firstTsNsec);
  return {
    id: tcp.id,
    client: { ip: tcp.clientIp, port: tcp.clientPort },
    server: { ip: tcp.serverIp, port: tcp.serverPort },
    roleSource: tcp.roleSource,
    firstFrame: tcp.firstFrame,
    lastFrame: tcp.lastFrame,
    start,
    end: tcp.lastTsSec === tcp.firstTsSec && tcp.lastTsNsec === tcp.firstTsNsec ? start : isoTime(tcp.lastTsSec, tcp.lastTsNsec),
    // The diagnosis may judge a completed handshake failed (the client dropped it at once).
    outcome: diagnosis.outcome,
    version: model.version === null ? null : reportVersion(model.version),
    cipherSuite: suite === null ? null : { code: suite, name: cipherSuiteName(suite), openssl: cipherSuiteOpenSslName(suite) },
    sni: model.clientHello?.sni ?? null,
    clientHello: model.clientHello ? clientHelloReport(model.clientHello) : null,
    serverHello: model.serverHello ? serverHelloReport(model.serverHello) : null,
    helloRetryRequest: model.helloRetryRequest ? serverHelloReport(model.helloRetryRequest) : null,
    certificates,
    alerts: model.alerts.map((a) => ({
      frame: a.frame,
      sentBy: sideOf(a.direction),
      level: a.level === null ? null : alertLevelName(a.level),
      description: a.description === null ? null : alertDescriptionName(a.description),
      code: a.description,
      encrypted: a.encrypted,
    })),
    messages: model.messages.map((m) => ({
      frame: m.frame,
      sentBy: sideOf(m.direction),
      type: m.type,
      name: m.type < 0 ? 'encrypted handshake' : handshakeTypeName(m.type),
    })),
    recordVersions: { client: model.recordVersions[0], server: model.recordVersions[1] },
    closes: tcp.closes.map((c) => ({ frame: c.frame, by: sideOf(c.direction), kind: c.kind, time: isoTime(c.tsSec, c.tsNsec) })),
    handshakeComplete: model.handshakeComplete,
    resumption: model.resumption,
    notTls: model.notTls
      ? {
          lookedLike: model.notTls.lookedLike,
          sentBy: sideOf(model.notTls.direction),
          frame: model.notTls.frame,
          reply: model.notTls.reply
            ? { lookedLike: model.notTls.reply.lookedLike, sentBy: sideOf(model.notTls.reply.direction), frame: model.notTls.reply.frame }
            : null,
        }
      : null,
    plaintextPreamble: model.plaintextPreamble
      ? {
          lookedLike: model.plaintextPreamble.lookedLike,
          clientBytes: model.plaintextPreamble.clientBytes,
          serverBytes: model.plaintextPreamble.serverBytes,
          tlsStartFrame: model.plaintextPreamble.tlsStartFrame,
        }
      : null,
    diagnosis: {
      cause: diagnosis.cause,
      abortedBy: diagnosis.abortedBy,
      confidence: diagnosis.confidence,
      summary: flat(diagnosis.summary),
      evidence: diagnosis.evidence.map((e) => ({ frame: e.frame, text: flat(e.text) })),
      remediation: diagnosis.remediation.map((r) => ({ side: r.side, text: flat(r.text) })),
      alternatives: diagnosis.alternatives.map((a) => ({ cause: a.cause, confidence: a.confidence, why: flat(a.why) })),
    },
  };
}

/**
 * A certificate entry's fields after its index, in the report's order: from the certificate's
 * facts alone (connection-line.ts keeps their text per facts object).
 */
export function certificateFields(f: CertificateFacts): Omit<ConnectionReport['certificates'][number], 'frame' | 'sentBy' | 'index'> {
  return {
    subject: f.subject,
    issuer: f.issuer,
    san: [...f.sanDns, ...f.sanIp],
    notBefore: f.notBefore,
    notAfter: f.notAfter,
    sha256: f.sha256,
    serialNumber: f.serialNumber,
    keyType: f.keyType,
    keyBits: f.keyBits,
    signatureAlgorithm: f.signatureAlgorithm,
    isCA: f.isCA,
    ...(f.problem !== undefined ? { problem: f.problem } : {}),
    ...(f.sanTruncated ? { sanTruncated: true } : {}),
    ...(f.sanTotal !== undefined ? { sanTotal: f.sanTotal } : {}),
  };
}
