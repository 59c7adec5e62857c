import { Cursor, incomplete, malformed, parsed, type ParseResult } from '../util/cursor.js';
import { HandshakeType, HANDSHAKE_HEADER_LENGTH, parseHandshakeHeader } from './handshake-header.js';
import { parseClientHello, type ClientHello } from './client-hello.js';
import { parseServerHello, type ServerHello } from './server-hello.js';
import { parseCertificate, type Certificate } from './certificate.js';
import type { CertificateInterner } from './certificate-interner.js';
import type { ListInterner } from './list-interner.js';
import type { ByteKeeper, HelloBytes } from './hello-bytes.js';
import { parseCertificateRequest, type CertificateRequest } from './certificate-request.js';
import { parseServerKeyExchange, type ServerKeyExchange } from './server-key-exchange.js';
import { parseServerHelloDone } from './server-hello-done.js';
import { parseClientKeyExchange, type ClientKeyExchange } from './client-key-exchange.js';
import { parseCertificateVerify, type CertificateVerify } from './certificate-verify.js';
import { parseFinished, type Finished } from './finished.js';
import { parseNewSessionTicket, type NewSessionTicket } from './new-session-ticket.js';
import { parseCertificateStatus, type CertificateStatus } from './certificate-status.js';
import { parseHelloRequest } from './hello-request.js';
import { parseEncryptedExtensions, type EncryptedExtensions } from './encrypted-extensions.js';
import { parseKeyUpdate, type KeyUpdate } from './key-update.js';

/** What the negotiation so far tells about the shape of later messages. */
export interface HandshakeContext {
  /** Negotiated version (ServerHello, supported_versions first), or null before the ServerHello. */
  version: number | null;
  cipherSuite: number | null;
  /** TLS 1.3 (0x0304 or a draft) negotiated. */
  tls13: boolean;
  /** Certificates kept per Certificate message. */
  maxCertificates?: number;
  /**
   * The body's bytes belong to this message alone and may be kept (a message the assembler
   * copied together): decoded byte strings may then be views into them instead of copies.
   */
  bodyOwned?: boolean;
  /** Shares certificates equal to ones already seen (see {@link CertificateInterner}). */
  certificates?: CertificateInterner | undefined;
  /** Gives a ClientHello's number lists as the run's shared ones (see {@link ListInterner}). */
  lists?: ListInterner | undefined;
  /** Makes the hellos' randoms and session ids (see {@link HelloBytes}); without it each is an array of its own. */
  helloBytes?: ByteKeeper | undefined;
}

/** A decoded handshake message, told apart by `kind`; `other` for types read by length only. */
export type HandshakeMessage =
  | { kind: 'hello_request'; type: 0; length: number }
  | { kind: 'client_hello'; type: 1; length: number; value: ClientHello }
  | { kind: 'server_hello'; type: 2; length: number; value: ServerHello }
  | { kind: 'new_session_ticket'; type: 4; length: number; value: NewSessionTicket }
  | { kind: 'encrypted_extensions'; type: 8; length: number; value: EncryptedExtensions }
  | { kind: 'certificate'; type: 11; length: number; value: Certificate }
  | { kind: 'server_key_exchange'; type: 12; length: number; value: ServerKeyExchange }
  | { kind: 'certificate_request'; type: 13; length: number; value: CertificateRequest }
  | { kind: 'server_hello_done'; type: 14; length: number }
  | { kind: 'certificate_verify'; type: 15; length: number; value: CertificateVerify }
  | { kind: 'client_key_exchange'; type: 16; length: number; value: ClientKeyExchange }
  | { kind: 'finished'; type: 20; length: number; value: Finished }
  | { kind: 'certificate_status'; type: 22; length: number; value: CertificateStatus }
  | { kind: 'key_update'; type: 24; length: number; value: KeyUpdate }
  | { kind: 'other'; type: number; length: number };

/**
 * The message of a body parse: built only on success, so a parse is one result object and its
 * value (a closure per call to build it showed in the allocation profile).
 */
function ok<M extends HandshakeMessage>(message: M): ParseResult<HandshakeMessage> {
  return parsed(message);
}

/**
 * Decodes a handshake body of the given type. `body` spans exactly the body; a structure
 * running past it is malformed. Shapes that depend on the version or suite (Certificate,
 * CertificateRequest, ServerKeyExchange, ClientKeyExchange, CertificateVerify,
 * NewSessionTicket) read them from `ctx`; without a negotiated suite ServerKeyExchange falls
 * back to trying the ECDHE and DHE layouts.
 */
export function parseHandshakeBody(type: number, body: Cursor, ctx: HandshakeContext): ParseResult<HandshakeMessage> {
  const length = body.remaining;
  const version = ctx.version ?? 0x0303;
  const suite = ctx.cipherSuite ?? -1;
  switch (type) {
    case HandshakeType.hello_request: {
      const r = parseHelloRequest(body);
      return r.ok ? ok({ kind: 'hello_request', type: 0, length }) : r;
    }
    case HandshakeType.client_hello: {
      const r = parseClientHello(body, ctx.lists, ctx.helloBytes);
      return r.ok ? ok({ kind: 'client_hello', type: 1, length, value: r.value }) : r;
    }
    case HandshakeType.server_hello: {
      const r = parseServerHello(body, ctx.helloBytes);
      return r.ok ? ok({ kind: 'server_hello', type: 2, length, value: r.value }) : r;
    }
    case HandshakeType.new_session_ticket: {
      const r = parseNewSessionTicket(body, { tls13: ctx.tls13 });
      return r.ok ? ok({ kind: 'new_session_ticket', type: 4, length, value: r.value }) : r;
    }
    case HandshakeType.encrypted_extensions: {
      const r = parseEncryptedExtensions(body);
      return r.ok ? ok({ kind: 'encrypted_extensions', type: 8, length, value: r.value }) : r;
    }
    case HandshakeType.certificate: {
      const r = parseCertificate(body, { tls13: ctx.tls13, maxCertificates: ctx.maxCertificates, keepViews: ctx.bodyOwned === true, interner: ctx.certificates });
      return r.ok ? ok({ kind: 'certificate', type: 11, length, value: r.value }) : r;
    }
    case HandshakeType.server_key_exchange: {
      const r = parseServerKeyExchange(body, { version, cipherSuite: suite });
      return r.ok ? ok({ kind: 'server_key_exchange', type: 12, length, value: r.value }) : r;
    }
    case HandshakeType.certificate_request: {
      const r = parseCertificateRequest(body, { version, tls13: ctx.tls13 });
      return r.ok ? ok({ kind: 'certificate_request', type: 13, length, value: r.value }) : r;
    }
    case HandshakeType.server_hello_done: {
      const r = parseServerHelloDone(body);
      return r.ok ? ok({ kind: 'server_hello_done', type: 14, length }) : r;
    }
    case HandshakeType.certificate_verify: {
      const r = parseCertificateVerify(body, { version });
      return r.ok ? ok({ kind: 'certificate_verify', type: 15, length, value: r.value }) : r;
    }
    case HandshakeType.client_key_exchange: {
      const r = parseClientKeyExchange(body, { cipherSuite: suite });
      return r.ok ? ok({ kind: 'client_key_exchange', type: 16, length, value: r.value }) : r;
    }
    case HandshakeType.finished: {
      const r = parseFinished(body);
      return r.ok ? ok({ kind: 'finished', type: 20, length, value: r.value }) : r;
    }
    case HandshakeType.certificate_status: {
      const r = parseCertificateStatus(body);
      return r.ok ? ok({ kind: 'certificate_status', type: 22, length, value: r.value }) : r;
    }
    case HandshakeType.key_update: {
      const r = parseKeyUpdate(body);
      return r.ok ? ok({ kind: 'key_update', type: 24, length, value: r.value }) : r;
    }
    default:
      body.skip(body.remaining);
      return parsed({ kind: 'other', type, length });
  }
}

/**
 * Reads one whole handshake message (header and body). Incomplete (with the total length
 * needed) until the whole body is there: the decoder's reassembly is driven by this.
 */
export function parseHandshake(c: Cursor, ctx: HandshakeContext): ParseResult<HandshakeMessage> {
  const start = c.pos;
  const header = parseHandshakeHeader(c);
  if (!header.ok) return header;
  const body = c.sub(header.value.length);
  if (!body) {
    c.pos = start;
    return incomplete(HANDSHAKE_HEADER_LENGTH + header.value.length);
  }
  const r = parseHandshakeBody(header.value.msgType, body, ctx);
  if (!r.ok) {
    c.pos = start;
    return r.incomplete ? malformed('message truncated', HANDSHAKE_HEADER_LENGTH) : malformed(r.malformed, HANDSHAKE_HEADER_LENGTH + r.offset);
  }
  return r;
}
