import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';
import { keyExchangeForm } from './server-key-exchange.js';

/** A ClientKeyExchange, as far as it can be read without keys. */
export interface ClientKeyExchange {
  /** 'ecdhe' / 'dhe': the client's public value; 'opaque': RSA-encrypted secret or an unclassified suite. */
  kind: 'ecdhe' | 'dhe' | 'opaque';
  /** Length of the public value (ECDHE point, DH Yc), or null for 'opaque'. */
  publicValueLength: number | null;
  length: number;
}

/**
 * RFC 5246 §7.4.7 / RFC 8422 §5.7
 * ```
 *   struct {
 *       select (KeyExchangeAlgorithm) {
 *           case rsa: EncryptedPreMasterSecret;
 *           case dhe_dss: case dhe_rsa: case dh_anon: ClientDiffieHellmanPublic;   // opaque dh_Yc<1..2^16-1>
 *           case ec_diffie_hellman: ClientECDiffieHellmanPublic;                  // opaque point<1..2^8-1>
 *       } exchange_keys;
 *   } ClientKeyExchange;
 * ```
 * The layout depends on the negotiated suite (PSK variants add a psk_identity first).
 */
export function parseClientKeyExchange(body: Cursor, options: { cipherSuite: number }): ParseResult<ClientKeyExchange> {
  const length = body.remaining;
  const form = keyExchangeForm(options.cipherSuite);
  if (!form) {
    body.skip(body.remaining);
    return parsed({ kind: 'opaque', publicValueLength: null, length });
  }
  if (form.pskHint && !body.vec16()) return malformed('psk_identity runs past the message', 0);
  const at = body.offset;
  const value = form.params === 'ecdhe' ? body.vec8() : body.vec16();
  if (!value || value.remaining === 0) return malformed('public value runs past the message', at);
  if (!body.atEnd) return malformed(`${body.remaining} bytes after the public value`, body.offset);
  return parsed({ kind: form.params, publicValueLength: value.remaining, length });
}
