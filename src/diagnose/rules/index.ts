/**
 * The rules, most specific first. The order is the tie-break of the ranking: at equal
 * confidence, a rule earlier in this list wins (a certificate fact explains more than
 * "the connection was reset"). Adding a rule is adding one file and one line here.
 */
import type { Rule } from '../types.js';
import { notTlsRule } from './not-tls.js';
import { clientCertificateRejectedRule } from './client-certificate-rejected.js';
import { clientCertificateMissingRule } from './client-certificate-missing.js';
import { certificateChainIncompleteRule } from './certificate-chain-incomplete.js';
import { certificateUntrustedRule } from './certificate-untrusted.js';
import { certificateChainInvalidRule } from './certificate-chain-invalid.js';
import { certificateExpiredRule } from './certificate-expired.js';
import { certificateNotYetValidRule } from './certificate-not-yet-valid.js';
import { certificateHostnameMismatchRule } from './certificate-hostname-mismatch.js';
import { sniRequiredRule } from './sni-required.js';
import { protocolVersionMismatchRule } from './protocol-version-mismatch.js';
import { cipherSuiteMismatchRule } from './cipher-suite-mismatch.js';
import { noneRule } from './none.js';
import { incompleteCaptureRule } from './incomplete-capture.js';
import { connectionResetRule } from './connection-reset.js';
import { unknownRule } from './unknown.js';

export const RULES: readonly Rule[] = [
  notTlsRule,
  clientCertificateRejectedRule,
  clientCertificateMissingRule,
  certificateChainIncompleteRule,
  certificateUntrustedRule,
  certificateChainInvalidRule,
  certificateExpiredRule,
  certificateNotYetValidRule,
  certificateHostnameMismatchRule,
  sniRequiredRule,
  protocolVersionMismatchRule,
  cipherSuiteMismatchRule,
  noneRule,
  incompleteCaptureRule,
  connectionResetRule,
  unknownRule,
];

/** Causes that say "we cannot tell" rather than guess: at low confidence they outrank a guess. */
export const FALLBACK_CAUSES: ReadonlySet<string> = new Set(['unknown', 'connection-reset', 'incomplete-capture']);
