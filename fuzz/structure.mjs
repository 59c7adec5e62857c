/**
 * Walks a seed capture the way the analyzer will, to find where its real length fields are:
 * pcap record headers, pcapng block lengths, IPv4/IPv6/TCP headers, TLS records, handshake
 * messages, hello extensions and certificate DER. A mutation that sets one of these to 0, 1,
 * its maximum or off by one lands on a field the parser trusts, which random bit flips
 * rarely hit.
 *
 * This walker is independent of the library on purpose: it must not share the bugs it hunts.
 * It is lenient (a seed that is already odd is walked as far as it makes sense) and never
 * throws on bytes it does not understand.
 */

/**
 * A length field in the file.
 * @typedef {object} LengthField
 * @property {string} layer   what it is, e.g. 'pcap.caplen', 'ipv4.total-length', 'tls.record-length'
 * @property {number} off     absolute offset of its first byte in the file
 * @property {1|2|3|4|'nibble-hi'|'nibble-lo'} width  bytes, or one half of a byte
 * @property {boolean} le     little-endian (capture headers only)
 * @property {number} value   the value in the seed
 */

/**
 * One packet of the container.
 * @typedef {object} PacketSpan
 * @property {number} start      offset of its record header / block
 * @property {number} end        offset just past the record / block
 * @property {number} dataOff    offset of the packet bytes
 * @property {number} capLen     captured length (as declared, clamped to the file)
 * @property {number} linkType
 * @property {number} capLenOff  offset of the captured-length field
 * @property {number} origLenOff offset of the original-length field (-1: none)
 * @property {number} tsOff      offset of the timestamp (-1: none)
 */

/**
 * The container's layout.
 * @typedef {object} Layout
 * @property {'pcap'|'pcapng'|'unknown'} format
 * @property {boolean} le
 * @property {number} headerEnd   end of the pcap file header, or of the first SHB
 * @property {PacketSpan[]} packets
 * @property {LengthField[]} fields
 * @property {{start:number,end:number,type:number}[]} blocks  pcapng blocks in file order
 */

const PCAPNG_SHB = 0x0a0d0d0a;

/** @param {Uint8Array} b @param {number} off @param {number} width @param {boolean} le */
export function readUint(b, off, width, le) {
  let v = 0;
  for (let i = 0; i < width; i++) {
    const byte = b[le ? off + width - 1 - i : off + i];
    v = v * 256 + (byte ?? 0);
  }
  return v;
}

/** @param {Uint8Array} b @param {number} off @param {number} width @param {boolean} le @param {number} value */
export function writeUint(b, off, width, le, value) {
  let v = value;
  for (let i = width - 1; i >= 0; i--) {
    const at = le ? off + width - 1 - i : off + i;
    if (at < b.length) b[at] = v % 256;
    v = Math.floor(v / 256);
  }
}

/** @param {LengthField} f @returns {number} largest value the field can hold */
export function fieldMax(f) {
  if (f.width === 'nibble-hi' || f.width === 'nibble-lo') return 15;
  return 2 ** (8 * f.width) - 1;
}

/** Writes `value` into field `f` of `b` (in place). @param {Uint8Array} b @param {LengthField} f @param {number} value */
export function setField(b, f, value) {
  if (f.off >= b.length) return;
  if (f.width === 'nibble-hi') b[f.off] = (b[f.off] & 0x0f) | ((value & 15) << 4);
  else if (f.width === 'nibble-lo') b[f.off] = (b[f.off] & 0xf0) | (value & 15);
  else writeUint(b, f.off, f.width, f.le, value);
}

/**
 * Finds the container layout and every length field of a capture.
 * @param {Uint8Array} b
 * @returns {Layout}
 */
export function walkCapture(b) {
  /** @type {Layout} */
  const layout = { format: 'unknown', le: true, headerEnd: 0, packets: [], fields: [], blocks: [] };
  if (b.length < 24) return layout;
  const magicBe = readUint(b, 0, 4, false);
  if (magicBe === PCAPNG_SHB) walkPcapng(b, layout);
  else if ([0xa1b2c3d4, 0xa1b23c4d, 0xd4c3b2a1, 0x4d3cb2a1].includes(magicBe)) walkPcap(b, layout);
  for (const p of layout.packets) walkPacket(b, p, layout.fields);
  return layout;
}

/** @param {Uint8Array} b @param {Layout} layout */
function walkPcap(b, layout) {
  const magicBe = readUint(b, 0, 4, false);
  const le = magicBe === 0xd4c3b2a1 || magicBe === 0x4d3cb2a1;
  layout.format = 'pcap';
  layout.le = le;
  layout.headerEnd = 24;
  layout.fields.push({ layer: 'pcap.snaplen', off: 16, width: 4, le, value: readUint(b, 16, 4, le) });
  const linkType = readUint(b, 20, 4, le) & 0xffff;
  let off = 24;
  while (off + 16 <= b.length) {
    const capLen = readUint(b, off + 8, 4, le);
    const origLen = readUint(b, off + 12, 4, le);
    layout.fields.push({ layer: 'pcap.caplen', off: off + 8, width: 4, le, value: capLen });
    layout.fields.push({ layer: 'pcap.origlen', off: off + 12, width: 4, le, value: origLen });
    const end = Math.min(b.length, off + 16 + capLen);
    layout.packets.push({
      start: off,
      end,
      dataOff: off + 16,
      capLen: end - off - 16,
      linkType,
      capLenOff: off + 8,
      origLenOff: off + 12,
      tsOff: off,
    });
    off = end;
  }
}

/** @param {Uint8Array} b @param {Layout} layout */
function walkPcapng(b, layout) {
  layout.format = 'pcapng';
  /** @type {number[]} link types of the current section's interfaces */
  let interfaces = [];
  let le = true;
  let off = 0;
  while (off + 12 <= b.length) {
    const typeLe = readUint(b, off, 4, true);
    if (typeLe === PCAPNG_SHB) {
      le = readUint(b, off + 8, 4, true) === 0x1a2b3c4d;
      interfaces = [];
      if (layout.headerEnd === 0) layout.le = le;
    }
    const type = readUint(b, off, 4, le);
    const total = readUint(b, off + 4, 4, le);
    layout.fields.push({ layer: 'pcapng.block-total-length', off: off + 4, width: 4, le, value: total });
    if (total < 12 || total % 4 !== 0 || off + total > b.length) break;
    const trailerOff = off + total - 4;
    layout.fields.push({ layer: 'pcapng.block-trailing-length', off: trailerOff, width: 4, le, value: total });
    layout.blocks.push({ start: off, end: off + total, type });
    if (type === PCAPNG_SHB && layout.headerEnd === 0) layout.headerEnd = off + total;
    if (type === 1 && total >= 20) {
      interfaces.push(readUint(b, off + 8, 2, le));
      layout.fields.push({ layer: 'pcapng.idb-snaplen', off: off + 12, width: 4, le, value: readUint(b, off + 12, 4, le) });
    }
    if (type === 6 && total >= 32) {
      const ifId = readUint(b, off + 8, 4, le);
      const capLen = readUint(b, off + 20, 4, le);
      layout.fields.push({ layer: 'pcapng.epb-interface-id', off: off + 8, width: 4, le, value: ifId });
      layout.fields.push({ layer: 'pcapng.epb-caplen', off: off + 20, width: 4, le, value: capLen });
      layout.fields.push({ layer: 'pcapng.epb-origlen', off: off + 24, width: 4, le, value: readUint(b, off + 24, 4, le) });
      const dataOff = off + 28;
      layout.packets.push({
        start: off,
        end: off + total,
        dataOff,
        capLen: Math.max(0, Math.min(capLen, trailerOff - dataOff)),
        linkType: interfaces[ifId] ?? 1,
        capLenOff: off + 20,
        origLenOff: off + 24,
        tsOff: off + 12,
      });
    }
    off += total;
  }
}

/**
 * Finds the network, transport and TLS length fields of one packet.
 * @param {Uint8Array} b @param {PacketSpan} p @param {LengthField[]} out
 */
function walkPacket(b, p, out) {
  const end = p.dataOff + p.capLen;
  const net = linkPayload(b, p.dataOff, end, p.linkType);
  if (!net) return;
  const version = b[net.off] >> 4;
  let tcpOff;
  let ipEnd;
  if (version === 4 && net.off + 20 <= end) {
    const ihl = (b[net.off] & 15) * 4;
    const total = readUint(b, net.off + 2, 2, false);
    out.push({ layer: 'ipv4.ihl', off: net.off, width: 'nibble-lo', le: false, value: ihl / 4 });
    out.push({ layer: 'ipv4.total-length', off: net.off + 2, width: 2, le: false, value: total });
    if (b[net.off + 9] !== 6 || ihl < 20) return;
    tcpOff = net.off + ihl;
    ipEnd = Math.min(end, net.off + total);
  } else if (version === 6 && net.off + 40 <= end) {
    const payload = readUint(b, net.off + 4, 2, false);
    out.push({ layer: 'ipv6.payload-length', off: net.off + 4, width: 2, le: false, value: payload });
    if (b[net.off + 6] !== 6) return;
    tcpOff = net.off + 40;
    ipEnd = Math.min(end, tcpOff + payload);
  } else return;
  if (tcpOff + 20 > ipEnd) return;
  const dataOffset = b[tcpOff + 12] >> 4;
  out.push({ layer: 'tcp.data-offset', off: tcpOff + 12, width: 'nibble-hi', le: false, value: dataOffset });
  const payloadOff = tcpOff + dataOffset * 4;
  if (dataOffset < 5 || payloadOff >= ipEnd) return;
  walkTlsRecords(b, payloadOff, ipEnd, out);
}

/**
 * Where the IP header starts behind the link layer, or null.
 * @param {Uint8Array} b @param {number} off @param {number} end @param {number} linkType
 */
function linkPayload(b, off, end, linkType) {
  let at;
  let ethertype = -1;
  switch (linkType) {
    case 1: {
      at = off + 14;
      ethertype = readUint(b, off + 12, 2, false);
      while ((ethertype === 0x8100 || ethertype === 0x88a8) && at + 4 <= end) {
        ethertype = readUint(b, at + 2, 2, false);
        at += 4;
      }
      break;
    }
    case 113:
      at = off + 16;
      ethertype = readUint(b, off + 14, 2, false);
      break;
    case 276:
      at = off + 20;
      ethertype = readUint(b, off, 2, false);
      break;
    case 0:
    case 108:
      at = off + 4;
      break;
    case 101:
    case 12:
    case 14:
    case 228:
    case 229:
      at = off;
      break;
    default:
      return null;
  }
  if (ethertype !== -1 && ethertype !== 0x0800 && ethertype !== 0x86dd) return null;
  if (at >= end) return null;
  return { off: at };
}

/**
 * TLS records that start at the segment's first payload byte (the common case on loopback,
 * where one segment carries whole records).
 * @param {Uint8Array} b @param {number} off @param {number} end @param {LengthField[]} out
 */
function walkTlsRecords(b, off, end, out) {
  let at = off;
  while (at + 5 <= end) {
    const type = b[at];
    if (type < 20 || type > 24 || b[at + 1] !== 3 || b[at + 2] > 4) return;
    const len = readUint(b, at + 3, 2, false);
    out.push({ layer: 'tls.record-length', off: at + 3, width: 2, le: false, value: len });
    const bodyEnd = Math.min(end, at + 5 + len);
    if (type === 22) walkHandshakes(b, at + 5, bodyEnd, out);
    at += 5 + len;
  }
}

/** @param {Uint8Array} b @param {number} off @param {number} end @param {LengthField[]} out */
function walkHandshakes(b, off, end, out) {
  let at = off;
  while (at + 4 <= end) {
    const type = b[at];
    const len = readUint(b, at + 1, 3, false);
    out.push({ layer: `tls.handshake-length(${type})`, off: at + 1, width: 3, le: false, value: len });
    const bodyEnd = Math.min(end, at + 4 + len);
    if (type === 1 || type === 2) walkHello(b, at + 4, bodyEnd, type === 1, out);
    if (type === 11) walkCertificateList(b, at + 4, bodyEnd, out);
    at += 4 + len;
  }
}

/** @param {Uint8Array} b @param {number} off @param {number} end @param {boolean} client @param {LengthField[]} out */
function walkHello(b, off, end, client, out) {
  let at = off + 2 + 32;
  if (at + 1 > end) return;
  out.push({ layer: 'tls.hello-session-id-length', off: at, width: 1, le: false, value: b[at] });
  at += 1 + b[at];
  if (client) {
    if (at + 2 > end) return;
    const suites = readUint(b, at, 2, false);
    out.push({ layer: 'tls.cipher-suites-length', off: at, width: 2, le: false, value: suites });
    at += 2 + suites;
    if (at + 1 > end) return;
    out.push({ layer: 'tls.compression-methods-length', off: at, width: 1, le: false, value: b[at] });
    at += 1 + b[at];
  } else at += 3;
  if (at + 2 > end) return;
  const extLen = readUint(b, at, 2, false);
  out.push({ layer: 'tls.extensions-length', off: at, width: 2, le: false, value: extLen });
  at += 2;
  const extEnd = Math.min(end, at + extLen);
  while (at + 4 <= extEnd) {
    const type = readUint(b, at, 2, false);
    const len = readUint(b, at + 2, 2, false);
    out.push({ layer: `tls.extension-length(${type})`, off: at + 2, width: 2, le: false, value: len });
    // Extensions whose body starts with an inner vector length: server_name, supported_groups,
    // signature_algorithms, ALPN, supported_versions (client), key_share (client).
    if ([0, 10, 13, 16, 51].includes(type) && at + 6 <= extEnd && len >= 2)
      out.push({ layer: `tls.extension-inner-length(${type})`, off: at + 4, width: 2, le: false, value: readUint(b, at + 4, 2, false) });
    if (type === 43 && client && at + 5 <= extEnd)
      out.push({ layer: 'tls.supported-versions-length', off: at + 4, width: 1, le: false, value: b[at + 4] });
    at += 4 + len;
  }
}

/** TLS 1.2 Certificate: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. */
function walkCertificateList(b, off, end, out) {
  if (off + 3 > end) return;
  // A TLS 1.3 Certificate begins with a one-byte request context (usually 0): tell them apart
  // by which reading makes the list length fit the message.
  let at = off;
  const tls12List = readUint(b, at, 3, false);
  if (tls12List + 3 !== end - off && b[at] === 0 && readUint(b, at + 1, 3, false) + 4 === end - off) {
    out.push({ layer: 'tls.certificate-request-context-length', off: at, width: 1, le: false, value: 0 });
    at += 1;
  }
  const listLen = readUint(b, at, 3, false);
  out.push({ layer: 'tls.certificate-list-length', off: at, width: 3, le: false, value: listLen });
  at += 3;
  const listEnd = Math.min(end, at + listLen);
  while (at + 3 <= listEnd) {
    const len = readUint(b, at, 3, false);
    out.push({ layer: 'tls.certificate-length', off: at, width: 3, le: false, value: len });
    walkDer(b, at + 3, Math.min(listEnd, at + 3 + len), out, 0);
    at += 3 + len;
  }
}

/**
 * Every TLV length of a DER value, nested ones included.
 * @param {Uint8Array} b @param {number} off @param {number} end @param {LengthField[]} out @param {number} depth
 */
function walkDer(b, off, end, out, depth) {
  let at = off;
  while (at + 2 <= end && depth < 32) {
    const tag = b[at];
    if ((tag & 0x1f) === 0x1f) return;
    const first = b[at + 1];
    let len;
    let contentOff;
    if (first < 0x80) {
      out.push({ layer: 'der.length', off: at + 1, width: 1, le: false, value: first });
      len = first;
      contentOff = at + 2;
    } else {
      const n = first & 0x7f;
      if (n === 0 || n > 3 || at + 2 + n > end) return;
      len = readUint(b, at + 2, n, false);
      out.push({ layer: 'der.length', off: at + 2, width: /** @type {1|2|3} */ (n), le: false, value: len });
      contentOff = at + 2 + n;
    }
    if (tag & 0x20) walkDer(b, contentOff, Math.min(end, contentOff + len), out, depth + 1);
    at = contentOff + len;
  }
}
