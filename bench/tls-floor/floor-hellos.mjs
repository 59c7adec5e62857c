// The hello parsers of the stages up to `full`: ClientHello (version, random, session id length,
// suites, compression, extension codes, SNI, supported_versions, ALPN, groups, signature
// algorithms, key_share groups) and ServerHello (version, suite, compression, extension codes,
// selected version). No lengths checked (stage `required` has its own parsers that check every
// one): the least parsing there is.
import { copy32, latin1, u16list } from './byte-readers.mjs';

export function parseClientHello(b, p, end) {
  const h = {
    version: (b[p] << 8) | b[p + 1], random: copy32(b, p + 2), sessionIdLength: 0,
    cipherSuites: null, compression: null, extensions: [], sni: null, supportedVersions: null,
    alpn: null, groups: null, signatureAlgorithms: null, keyShareGroups: null,
  };
  p += 34;
  h.sessionIdLength = b[p]; p += 1 + b[p];
  const cs = (b[p] << 8) | b[p + 1]; p += 2;
  h.cipherSuites = u16list(b, p, p + cs); p += cs;
  const cm = b[p]; p += 1;
  h.compression = Array.from(b.subarray(p, p + cm)); p += cm;
  if (p + 2 > end) return h;
  const extEnd = Math.min(end, p + 2 + ((b[p] << 8) | b[p + 1])); p += 2;
  while (p + 4 <= extEnd) {
    const type = (b[p] << 8) | b[p + 1];
    const len = (b[p + 2] << 8) | b[p + 3];
    const s = p + 4;
    const e = Math.min(extEnd, s + len);
    h.extensions.push(type);
    switch (type) {
      case 0: { // server_name: list length, type, name length, name
        if (e - s >= 5 && b[s + 2] === 0) {
          const n = (b[s + 3] << 8) | b[s + 4];
          h.sni = latin1(b, s + 5, s + 5 + Math.min(n, e - s - 5));
        }
        break;
      }
      case 43: h.supportedVersions = u16list(b, s + 1, Math.min(e, s + 1 + b[s])); break;
      case 16: {
        const names = [];
        for (let q = s + 2; q < e; q += 1 + b[q]) names.push(latin1(b, q + 1, q + 1 + b[q]));
        h.alpn = names;
        break;
      }
      case 10: h.groups = u16list(b, s + 2, e); break;
      case 13: h.signatureAlgorithms = u16list(b, s + 2, e); break;
      case 51: {
        const groups = [];
        for (let q = s + 2; q + 4 <= e; q += 4 + ((b[q + 2] << 8) | b[q + 3])) groups.push((b[q] << 8) | b[q + 1]);
        h.keyShareGroups = groups;
        break;
      }
      default: break;
    }
    p = s + len;
  }
  return h;
}

export function parseServerHello(b, p, end) {
  const h = { version: (b[p] << 8) | b[p + 1], random: copy32(b, p + 2), cipherSuite: 0, compression: 0, extensions: [], selectedVersion: 0 };
  p += 34;
  p += 1 + b[p];
  h.cipherSuite = (b[p] << 8) | b[p + 1];
  h.compression = b[p + 2];
  p += 3;
  if (p + 2 > end) return h;
  const extEnd = Math.min(end, p + 2 + ((b[p] << 8) | b[p + 1])); p += 2;
  while (p + 4 <= extEnd) {
    const type = (b[p] << 8) | b[p + 1];
    const len = (b[p + 2] << 8) | b[p + 3];
    h.extensions.push(type);
    if (type === 43 && len === 2) h.selectedVersion = (b[p + 4] << 8) | b[p + 5];
    p += 4 + len;
  }
  return h;
}
