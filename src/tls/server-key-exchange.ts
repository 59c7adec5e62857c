import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';

/** How a cipher suite's ServerKeyExchange is laid out. */
export interface KeyExchangeForm {
  params: 'ecdhe' | 'dhe';
  /** PSK suites put a psk_identity_hint first (RFC 4279 §3, RFC 5489 §2). */
  pskHint: boolean;
  /** Anonymous and PSK suites send no signature. */
  signed: boolean;
}

// IANA TLS Cipher Suites, grouped by key exchange (only the ones whose ServerKeyExchange we read).
const ECDHE_SIGNED = [
  [0xc006, 0xc00a], [0xc010, 0xc014], [0xc023, 0xc024], [0xc027, 0xc028], [0xc02b, 0xc02c], [0xc02f, 0xc030],
  [0xc048, 0xc049], [0xc04c, 0xc04d], [0xc05c, 0xc05d], [0xc060, 0xc061], [0xc072, 0xc073], [0xc076, 0xc077],
  [0xc086, 0xc087], [0xc08a, 0xc08b], [0xc0ac, 0xc0af], [0xcca8, 0xcca9],
] as const;
const ECDH_ANON = [[0xc015, 0xc019]] as const;
const ECDHE_PSK = [[0xc033, 0xc03b], [0xc070, 0xc071], [0xc09a, 0xc09b], [0xccac, 0xccac], [0xd001, 0xd005]] as const;
const DHE_SIGNED = [
  [0x0011, 0x0016], [0x0032, 0x0033], [0x0038, 0x0039], [0x0040, 0x0040], [0x0044, 0x0045], [0x0066, 0x0067],
  [0x006a, 0x006b], [0x0087, 0x0088], [0x009e, 0x009f], [0x00a2, 0x00a3], [0x00bd, 0x00be], [0x00c3, 0x00c4],
  [0xc042, 0xc045], [0xc052, 0xc053], [0xc056, 0xc057], [0xc07c, 0xc07d], [0xc080, 0xc081], [0xc09e, 0xc09f],
  [0xc0a2, 0xc0a3], [0xccaa, 0xccaa],
] as const;
const DH_ANON = [
  [0x0017, 0x001b], [0x0034, 0x0034], [0x003a, 0x003a], [0x0046, 0x0046], [0x006c, 0x006d], [0x0089, 0x0089],
  [0x00a6, 0x00a7], [0x00bf, 0x00bf], [0x00c5, 0x00c5], [0xc046, 0xc047], [0xc05a, 0xc05b], [0xc084, 0xc085],
] as const;
const DHE_PSK = [
  [0x002d, 0x002d], [0x008e, 0x0091], [0x00aa, 0x00ab], [0x00b2, 0x00b5], [0xc066, 0xc067], [0xc06c, 0xc06d],
  [0xc096, 0xc097], [0xc0a6, 0xc0a7], [0xc0aa, 0xc0ab], [0xccad, 0xccad],
] as const;

function inRanges(code: number, ranges: readonly (readonly [number, number])[]): boolean {
  for (let i = 0; i < ranges.length; i++) if (code >= ranges[i]![0] && code <= ranges[i]![1]) return true;
  return false;
}

/** The forms, shared (frozen): one is looked up for every key exchange message. */
const FORMS = {
  ecdheSigned: Object.freeze({ params: 'ecdhe', pskHint: false, signed: true }),
  ecdhAnon: Object.freeze({ params: 'ecdhe', pskHint: false, signed: false }),
  ecdhePsk: Object.freeze({ params: 'ecdhe', pskHint: true, signed: false }),
  dheSigned: Object.freeze({ params: 'dhe', pskHint: false, signed: true }),
  dhAnon: Object.freeze({ params: 'dhe', pskHint: false, signed: false }),
  dhePsk: Object.freeze({ params: 'dhe', pskHint: true, signed: false }),
} as const satisfies Record<string, KeyExchangeForm>;

/**
 * The ServerKeyExchange layout of a TLS 1.2-or-earlier cipher suite, or null when the suite
 * has none we read (RSA, PSK-only, SRP, GOST, unknown codes).
 */
export function keyExchangeForm(cipherSuite: number): KeyExchangeForm | null {
  if (inRanges(cipherSuite, ECDHE_SIGNED)) return FORMS.ecdheSigned;
  if (inRanges(cipherSuite, ECDH_ANON)) return FORMS.ecdhAnon;
  if (inRanges(cipherSuite, ECDHE_PSK)) return FORMS.ecdhePsk;
  if (inRanges(cipherSuite, DHE_SIGNED)) return FORMS.dheSigned;
  if (inRanges(cipherSuite, DH_ANON)) return FORMS.dhAnon;
  if (inRanges(cipherSuite, DHE_PSK)) return FORMS.dhePsk;
  return null;
}

/** What a ServerKeyExchange shows without keys. */
export interface ServerKeyExchange {
  kind: 'ecdhe' | 'dhe' | 'unknown';
  /** NamedGroup of ECDHE named_curve params. */
  group: number | null;
  /** Bit length of the DH prime p. */
  dhPrimeBits: number | null;
  /** SignatureScheme (TLS 1.2 only). */
  signatureScheme: number | null;
  length: number;
}

/** Options of {@link parseServerKeyExchange}: the layout depends on the negotiated version and suite. */
export interface ServerKeyExchangeOptions {
  /** Negotiated version: from 0x0303 the signature carries a SignatureAndHashAlgorithm. */
  version: number;
  /** Negotiated cipher suite. */
  cipherSuite: number;
}

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

/**
 * RFC 8422 §5.4 / RFC 4492 §5.4
 * ```
 *   struct { ECCurveType curve_type; select (curve_type) { case named_curve: NamedCurve namedcurve; }; } ECParameters;
 *   struct { ECParameters curve_params; ECPoint public; } ServerECDHParams;
 * ```
 */
function ecdheParams(c: Cursor): { group: number } | string {
  const curveType = c.u8();
  if (curveType !== 3) return curveType < 0 ? 'ECParameters truncated' : `curve_type ${curveType} is not named_curve`;
  const group = c.u16();
  if (group < 0 || !c.vec8()) return 'ServerECDHParams runs past the message';
  return { group };
}

/**
 * RFC 5246 §7.4.3
 * ```
 *   struct { opaque dh_p<1..2^16-1>; opaque dh_g<1..2^16-1>; opaque dh_Ys<1..2^16-1>; } ServerDHParams;
 * ```
 */
function dheParams(c: Cursor): { primeBits: number } | string {
  const p = c.vec16();
  if (!p || p.remaining === 0) return 'dh_p runs past the message';
  const primeBits = bitLength(p.bytesView(p.remaining)!);
  if (!c.vec16() || !c.vec16()) return 'dh_g / dh_Ys run past the message';
  return { primeBits };
}

/**
 * The trailing `digitally-signed` struct (RFC 5246 §4.7): in TLS 1.2 a SignatureAndHashAlgorithm
 * then `opaque signature<0..2^16-1>`, before TLS 1.2 only the signature. Returns the scheme,
 * null when there is none, or a reason when the bytes do not fit.
 */
function signature(c: Cursor, version: number): number | null | string {
  let scheme: number | null = null;
  if (version >= 0x0303) {
    scheme = c.u16();
    if (scheme < 0) return 'signature algorithm truncated';
  }
  if (!c.vec16()) return 'signature runs past the message';
  if (!c.atEnd) return `${c.remaining} bytes after the signature`;
  return scheme;
}

/**
 * RFC 5246 §7.4.3 / RFC 8422 §5.4
 * ```
 *   struct {
 *       select (KeyExchangeAlgorithm) {
 *           case dh_anon: ServerDHParams params;
 *           case dhe_dss: case dhe_rsa:
 *               ServerDHParams params;
 *               digitally-signed struct { opaque client_random[32]; opaque server_random[32];
 *                                         ServerDHParams params; } signed_params;
 *           case ec_diffie_hellman: ServerECDHParams params; Signature signed_params;
 *       };
 *   } ServerKeyExchange;
 * ```
 * The layout is chosen from the negotiated suite; for a suite we do not classify, the ECDHE and
 * then the DHE shape are tried, and `unknown` is returned when neither fits the bytes exactly.
 */
export function parseServerKeyExchange(body: Cursor, options: ServerKeyExchangeOptions): ParseResult<ServerKeyExchange> {
  const length = body.remaining;
  const form = keyExchangeForm(options.cipherSuite);
  const forms: KeyExchangeForm[] = form
    ? [form]
    : [{ params: 'ecdhe', pskHint: false, signed: true }, { params: 'dhe', pskHint: false, signed: true }];
  let firstError: { reason: string; offset: number } | null = null;
  for (const f of forms) {
    const c = new Cursor(body.bytes, body.pos, body.end);
    const fail = (reason: string): void => {
      if (!firstError) firstError = { reason, offset: c.pos - body.pos };
    };
    if (f.pskHint && !c.vec16()) {
      fail('psk_identity_hint runs past the message');
      continue;
    }
    const params = f.params === 'ecdhe' ? ecdheParams(c) : dheParams(c);
    if (typeof params === 'string') {
      fail(params);
      continue;
    }
    let scheme: number | null = null;
    if (f.signed) {
      const s = signature(c, options.version);
      if (typeof s === 'string') {
        fail(s);
        continue;
      }
      scheme = s;
    } else if (!c.atEnd) {
      fail(`${c.remaining} bytes after the parameters`);
      continue;
    }
    body.pos = body.end;
    return parsed({
      kind: f.params,
      group: 'group' in params ? params.group : null,
      dhPrimeBits: 'primeBits' in params ? params.primeBits : null,
      signatureScheme: scheme,
      length,
    });
  }
  if (form) {
    const e = firstError as { reason: string; offset: number } | null;
    return malformed(e?.reason ?? 'ServerKeyExchange does not fit its suite', e?.offset ?? 0);
  }
  body.pos = body.end;
  return parsed({ kind: 'unknown', group: null, dhPrimeBits: null, signatureScheme: null, length });
}
