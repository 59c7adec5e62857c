/**
 * Reads tshark's dissection of a corpus capture (FILE.tshark.tsv, see corpus ORACLE.md) into
 * per-TCP-stream facts to compare with our report.
 */
import * as fs from 'node:fs';

export interface OracleAlert { frame: number; fromClient: boolean; level: number; description: number }

/** What tshark says about one tcp.stream. */
export interface OracleStream {
  stream: number;
  client: string | null;
  sni: string | null;
  /** (frame, fromClient, type) of every clear handshake message, in order. */
  messages: { frame: number; fromClient: boolean; type: number }[];
  recordVersions: { client: Set<number>; server: Set<number> };
  chVersion: number | null;
  shVersion: number | null;
  chSupportedVersions: number[];
  shSupportedVersion: number | null;
  offeredSuites: number[];
  chosenSuite: number | null;
  chAlpn: string[];
  shAlpn: string | null;
  alerts: OracleAlert[];
  /** UTF8String and PrintableString attribute values of every certificate name, in order. */
  certStrings: string[];
  sanDns: string[];
}

const hex = (s: string): number => parseInt(s, 16);
const list = (s: string | undefined): string[] => (s ? s.split('|').filter((x) => x !== '') : []);

/** Parses one oracle file. Rows without tcp.stream (QUIC, DTLS) are ignored. */
export function readOracle(file: string): Map<number, OracleStream> {
  const rows = fs.readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
  const streams = new Map<number, OracleStream>();
  for (const row of rows) {
    const c = row.split('\t');
    if (!c[1]) continue;
    const frame = Number(c[0]);
    const id = Number(c[1]);
    const src = `${c[2] || c[3]}|${c[4]}`;
    let s = streams.get(id);
    if (!s) {
      s = {
        stream: id, client: null, sni: null, messages: [], recordVersions: { client: new Set(), server: new Set() },
        chVersion: null, shVersion: null, chSupportedVersions: [], shSupportedVersion: null, offeredSuites: [],
        chosenSuite: null, chAlpn: [], shAlpn: null, alerts: [], certStrings: [], sanDns: [],
      };
      streams.set(id, s);
    }
    const types = list(c[9]).map(Number);
    // SSLv2 records (version 0x0002) number their messages differently: 4 is SERVER-HELLO and 2
    // is CLIENT-MASTER-KEY (draft-hickman-netscape-ssl-00), so a v2 row with type 2 is no ServerHello.
    const recordVersionsOfRow = list(c[8]);
    const sslv2Row = recordVersionsOfRow.length > 0 && recordVersionsOfRow.every((v) => v === '0x0002');
    const isServerHello = types.includes(sslv2Row ? 4 : 2);
    if (s.client === null) {
      if (types.includes(1)) s.client = src;
      else if (isServerHello) s.client = `${c[5] || c[6]}|${c[7]}`;
    }
    // Rows before the direction is known (e.g. a capture starting mid-handshake) count as server.
    const fromClient = s.client === src;
    for (const v of list(c[8])) (fromClient ? s.recordVersions.client : s.recordVersions.server).add(hex(v));
    for (const t of types) s.messages.push({ frame, fromClient, type: t });
    const versions = list(c[10]).map(hex);
    const supported = list(c[11]).map(hex);
    const suites = list(c[13]).map(hex);
    const alpn = list(c[14]);
    if (types.includes(1) && s.chVersion === null) {
      s.chVersion = versions[0] ?? null;
      s.chSupportedVersions = supported;
      s.offeredSuites = suites;
      s.chAlpn = alpn;
      s.sni = list(c[12])[0] ?? null;
    } else if (isServerHello && s.shVersion === null) {
      s.shVersion = versions[0] ?? null;
      s.shSupportedVersion = supported[0] ?? null;
      s.chosenSuite = suites[0] ?? null;
      s.shAlpn = alpn[0] ?? null;
    }
    const levels = list(c[15]).map(Number);
    const descs = list(c[16]).map(Number);
    descs.forEach((d, i) => s!.alerts.push({ frame, fromClient, level: levels[i] ?? -1, description: d }));
    s.certStrings.push(...list(c[17]), ...list(c[18]));
    s.sanDns.push(...list(c[19]));
  }
  return streams;
}
