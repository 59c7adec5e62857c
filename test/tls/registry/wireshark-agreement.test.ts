/**
 * Cross-check against the value strings of the local Wireshark (`tshark -G values`): every code
 * tshark names, we name too; where both name a code differently, the difference is one of the
 * disagreements listed in docs/decisions.md (IANA wins), and nothing else.
 */
import { execFileSync } from 'node:child_process';
import {
  alertDescriptionName,
  cipherSuiteName,
  contentTypeName,
  extensionName,
  groupName,
  handshakeTypeName,
  hex16,
  isGrease,
  signatureSchemeName,
  versionName,
} from '../../../src/tls/registry/index.js';

function tsharkValues(): string[] | null {
  try {
    return execFileSync('tshark', ['-G', 'values'], { maxBuffer: 512 * 1024 * 1024, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n');
  } catch {
    return null;
  }
}

const rows = tsharkValues();
const d = rows ? describe : describe.skip;
if (!rows) console.warn('tshark not installed: skipping the Wireshark value-string cross-check');

// The exact disagreement lists below are those of the Wireshark the tables were checked against
// (scripts/data/wireshark-values.tsv). Another version may name more or fewer code points, so with
// it only the coverage half ("every code tshark names, we name too") is asserted.
const REFERENCE_VERSION = '4.0.17';
function tsharkVersion(): string | null {
  try {
    return /\d+\.\d+\.\d+/.exec(execFileSync('tshark', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))?.[0] ?? null;
  } catch {
    return null;
  }
}
const exact = rows !== null && tsharkVersion() === REFERENCE_VERSION;
if (rows && !exact) console.warn(`tshark is not ${REFERENCE_VERSION}: checking coverage only, not the documented name differences`);

/** Asserts the documented differences with the reference Wireshark; with another version, nothing. */
function expectDifferences(actual: string[], documented: string[]): void {
  if (exact) expect(actual).toEqual(documented);
}

/** [code, name] of one field's value string, in tshark's order; GREASE and internal markers dropped. */
function field(name: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const line of rows ?? []) {
    const [kind, f, value, ...rest] = line.split('\t');
    if (kind !== 'V' || f !== name) continue;
    const label = rest[rest.length - 1]!;
    if (label.startsWith('[')) continue;
    out.push([Number(value), label]);
  }
  return out;
}

function differences(entries: Array<[number, string]>, ours: (code: number) => string | null): string[] {
  return entries
    .filter(([code]) => !isGrease(code))
    .filter(([code, name]) => ours(code) !== name)
    .map(([code, name]) => `${hex16(code)} ${name} -> ${ours(code)}`);
}

d('agreement with the local Wireshark value strings', () => {
  it('names every cipher suite tshark names, with the same name except the documented cases', () => {
    const entries = field('tls.handshake.ciphersuite');
    expect(entries.length).toBeGreaterThan(400);
    for (const [code] of entries) expect(cipherSuiteName(code)).not.toBe(hex16(code));
    expectDifferences(differences(entries, cipherSuiteName), [
      '0xcc13 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 -> TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD',
      '0xcc14 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 -> TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256_OLD',
      '0xcc15 TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 -> TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD',
    ]);
  });

  it('names every extension type tshark names', () => {
    const entries = field('tls.handshake.extension.type');
    expect(entries.length).toBeGreaterThan(50);
    for (const [code] of entries) expect(extensionName(code)).not.toBe(hex16(code));
    expectDifferences(differences(entries, extensionName), [
      '0x0022 delegated_credentials -> delegated_credential',
      '0x0028 Reserved (key_share) -> key_share (TLS 1.3 drafts)',
      '0x002e Reserved (ticket_early_data_info) -> ticket_early_data_info (TLS 1.3 drafts)',
    ]);
  });

  it('names every supported group tshark names', () => {
    const entries = field('tls.handshake.extensions_supported_group');
    expect(entries.length).toBeGreaterThan(100);
    for (const [code] of entries) expect(groupName(code)).not.toBe(hex16(code));
    // Wireshark 4.0 still has liboqs's experimental Frodo code points where IANA now has ML-KEM.
    expectDifferences(differences(entries, groupName), [
      '0x0200 frodo640aes -> MLKEM512',
      '0x0201 frodo640shake -> MLKEM768',
      '0x0202 frodo976aes -> MLKEM1024',
    ]);
  });

  it('names every signature scheme tshark names, with the same names', () => {
    const entries = field('tls.handshake.sig_hash_alg');
    expect(entries.length).toBeGreaterThan(40);
    for (const [code] of entries) expect(signatureSchemeName(code)).not.toBe(hex16(code));
    expectDifferences(differences(entries, signatureSchemeName), []);
  });

  it('names every alert description tshark names', () => {
    const entries = field('tls.alert_message.desc');
    expect(entries.length).toBeGreaterThanOrEqual(30);
    // Wireshark labels alerts in title case ("Handshake Failure"); the registry's names are snake_case.
    const squash = (s: string | null): string => (s ?? '').toLowerCase().replace(/[^a-z]/g, '');
    for (const [code] of entries) expect([code, alertDescriptionName(code)]).not.toEqual([code, null]);
    const mismatched = entries.filter(([code, name]) => squash(alertDescriptionName(code)) !== squash(name));
    expectDifferences(mismatched.map(([code, name]) => `${code} ${name} -> ${alertDescriptionName(code)}`), []);
  });

  it('names every TLS handshake type tshark names (its SSLv2 message types aside)', () => {
    const all = field('tls.handshake.type');
    // tshark prints the SSLv2 value string (0..8) first, then the TLS one starting again at 0.
    const tlsStart = all.findIndex(([code], i) => i > 0 && code === 0);
    const entries = all.slice(tlsStart);
    expect(entries.length).toBeGreaterThan(15);
    const squash = (s: string): string => s.toLowerCase().replace(/[^a-z]/g, '');
    for (const [code] of entries) expect(handshakeTypeName(code)).not.toMatch(/^0x/);
    const mismatched = entries.filter(([code, name]) => squash(handshakeTypeName(code)) !== squash(name));
    // IANA: certificate_url (RFC 6066 §5); 67 is NPN's NextProtocol message (draft-agl-tls-nextprotoneg).
    expectDifferences(mismatched.map(([code, name]) => `${code} ${name} -> ${handshakeTypeName(code)}`), [
      '21 Client Certificate URL -> certificate_url',
      '67 Encrypted Extensions -> next_protocol',
    ]);
  });

  it('names every content type and version tshark names', () => {
    for (const [code] of field('tls.record.content_type')) expect(contentTypeName(code)).not.toMatch(/^0x/);
    const versions = field('tls.record.version');
    expect(versions.length).toBeGreaterThan(20);
    for (const [code] of versions) expect(versionName(code)).not.toBe(hex16(code));
    const mismatched = versions.filter(([code, name]) => !isGrease(code) && versionName(code) !== name);
    expectDifferences(mismatched.map(([code, name]) => `${hex16(code)} ${name} -> ${versionName(code)}`), [
      '0x0100 DTLS 1.0 (OpenSSL pre 0.9.8f) -> DTLS 1.0 (OpenSSL pre-RFC)',
    ]);
  });
});
