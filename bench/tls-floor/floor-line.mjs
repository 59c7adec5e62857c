// The line --lines writes per connection at the stages up to `full`: its TCP facts, both hellos,
// alerts, the handshake messages, closes, the cached text of each certificate and a fixed text
// standing for the diagnosis: the floor of an ndjson report, with no diagnosis worked out.
import { certTexts } from './certificates.mjs';
import { writeStdoutLine } from './batched-stdout.mjs';

const MESSAGE_NAMES = { 1: 'client_hello', 2: 'server_hello', 4: 'new_session_ticket', 8: 'encrypted_extensions', 11: 'certificate', 12: 'server_key_exchange', 13: 'certificate_request', 14: 'server_hello_done', 15: 'certificate_verify', 16: 'client_key_exchange', 20: 'finished' };
// Stands for what the floor does not work out: the diagnosis (385 bytes a line on average in
// the real report of the 1 GB bench capture) and the named fields (cipher suite and version
// names, record versions, outcome...). Sized so that the lines average the real report's
// 2,923 bytes on that capture, as if all of it were text cached per cause or per value.
const DIAGNOSIS = JSON.stringify({ cause: 'none', text: 'd'.repeat(1077) });

function messageList(flat) {
  if (flat === null) return null;
  const out = [];
  for (let i = 0; i < flat.length; i += 2) {
    const type = flat[i + 1] & 255;
    out.push({ frame: flat[i], sentBy: flat[i + 1] >> 8 === 0 ? 'client' : 'server', type, name: MESSAGE_NAMES[type] ?? 'unknown' });
  }
  return out;
}

// One literal each, not a spread (a spread copy of a many-field object is slow in V8).
function clientHelloFields(h) {
  return {
    version: h.version, sessionIdLength: h.sessionIdLength, cipherSuites: h.cipherSuites, compression: h.compression,
    extensions: h.extensions, sni: h.sni, supportedVersions: h.supportedVersions, alpn: h.alpn, groups: h.groups,
    signatureAlgorithms: h.signatureAlgorithms, keyShareGroups: h.keyShareGroups,
  };
}

function serverHelloFields(h) {
  return { version: h.version, cipherSuite: h.cipherSuite, compression: h.compression, extensions: h.extensions, selectedVersion: h.selectedVersion };
}

/** --lines at the stages up to `full`: the line of connection `c` (a FloorConsumer). */
export function writeFloorLine(c, info) {
  let line = JSON.stringify({
    id: info.id, client: { ip: info.clientIp, port: info.clientPort }, server: { ip: info.serverIp, port: info.serverPort },
    roleSource: info.roleSource, firstFrame: info.firstFrame, lastFrame: info.lastFrame,
    start: new Date(info.firstTsSec * 1000).toISOString(), end: new Date(info.lastTsSec * 1000).toISOString(),
    clientHello: c.clientHello === null ? null : clientHelloFields(c.clientHello),
    serverHello: c.serverHello === null ? null : serverHelloFields(c.serverHello),
    alerts: c.alerts, messages: messageList(c.messages), closes: info.closes,
  });
  if (c.certificates !== null) {
    line = line.slice(0, -1) + ',"certificates":[';
    for (let i = 0; i < c.certificates.length; i++) line += (i ? ',' : '') + certTexts[c.certificates[i]];
    line += ']}';
  }
  line = line.slice(0, -1) + ',"diagnosis":' + DIAGNOSIS + '}';
  writeStdoutLine(line);
}
