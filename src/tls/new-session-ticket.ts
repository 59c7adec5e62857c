import { Cursor, malformed, parsed, type ParseResult } from '../util/cursor.js';
import { parseExtensions } from './extensions.js';

/** A NewSessionTicket (TLS 1.2 RFC 5077 form or TLS 1.3 form). */
export interface NewSessionTicket {
  lifetimeSeconds: number;
  ticketLength: number;
  /** TLS 1.3 extension types (early_data ...). */
  extensions: number[];
}

/**
 * RFC 5077 §3.3 (TLS 1.2)
 * ```
 *   struct { uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>; } NewSessionTicket;
 * ```
 * RFC 8446 §4.6.1 (TLS 1.3)
 * ```
 *   struct {
 *       uint32 ticket_lifetime; uint32 ticket_age_add; opaque ticket_nonce<0..255>;
 *       opaque ticket<1..2^16-1>; Extension extensions<0..2^16-2>;
 *   } NewSessionTicket;
 * ```
 */
export function parseNewSessionTicket(body: Cursor, options: { tls13: boolean }): ParseResult<NewSessionTicket> {
  const lifetimeSeconds = body.u32();
  if (lifetimeSeconds < 0) return malformed('NewSessionTicket shorter than its lifetime', 0);
  if (options.tls13) {
    if (!body.skip(4)) return malformed('NewSessionTicket shorter than ticket_age_add', body.offset);
    if (!body.vec8()) return malformed('ticket_nonce runs past the message', body.offset);
  }
  const ticket = body.vec16();
  if (!ticket) return malformed('ticket runs past the message', body.offset);
  let extensions: number[] = [];
  if (options.tls13) {
    const at = body.offset;
    const block = parseExtensions(body, 'new_session_ticket');
    if (!block.ok) return malformed(block.incomplete ? 'extensions truncated' : block.malformed, at);
    extensions = block.value.extensions.map((e) => e.type);
  }
  if (!body.atEnd) return malformed(`${body.remaining} bytes after the ticket`, body.offset);
  return parsed({ lifetimeSeconds, ticketLength: ticket.remaining, extensions });
}
