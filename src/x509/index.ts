/** Certificate analysis: facts, host name matching, trust stores and chain verdicts. */
export type { CertificateFacts } from './types.js';
export { certificateFacts, CertificateCache, type FactsResult } from './certificate-facts.js';
export { matchHostname, type HostnameMatch } from './hostname.js';
export { TrustStore, pemCertificates, type RejectedAnchor } from './trust-store.js';
export {
  analyzeChain,
  type AnalyzeChainOptions,
  type ChainFinding,
  type ChainProblem,
  type ChainProblemKind,
  type ChainVerdict,
} from './chain.js';
