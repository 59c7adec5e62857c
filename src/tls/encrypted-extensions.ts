import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';
import { findExtension, parseExtensions, type Extension } from './extensions.js';

/** An EncryptedExtensions message (only readable after decryption). */
export interface EncryptedExtensions {
  extensionList: Extension[];
  /** The negotiated ALPN protocol, if any. */
  alpn: string | null;
}

/**
 * RFC 8446 §4.3.1
 * ```
 *   struct { Extension extensions<0..2^16-1>; } EncryptedExtensions;
 * ```
 */
export function parseEncryptedExtensions(body: Cursor): ParseResult<EncryptedExtensions> {
  const block = parseExtensions(body, 'encrypted_extensions');
  if (!block.ok) return block.incomplete ? malformed('EncryptedExtensions truncated', 0) : block;
  if (!body.atEnd) return malformed(`${body.remaining} bytes after the extensions`, body.offset);
  const alpn = findExtension(block.value.extensions, 'alpn');
  return parsed({ extensionList: block.value.extensions, alpn: alpn && alpn.protocols.length > 0 ? alpn.protocols[0]! : null });
}
