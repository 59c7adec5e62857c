import type { CertificateFacts } from './types.js';
import { parseIpAddress } from './subject-alt-name.js';

/** Whether a certificate names a host, which of its names did, and why in one sentence. */
export interface HostnameMatch {
  matches: boolean;
  matchedName: string | null;
  reason: string;
}

/**
 * Server identity check of RFC 9525 (which obsoletes RFC 6125), as browsers apply it:
 * - an IP address host is compared only with iPAddress SANs (never dNSName, never CN);
 * - a DNS host is compared with the dNSName SANs; the subject CN is used only when the
 *   certificate has no dNSName SAN at all (RFC 9525 drops CN; OpenSSL, curl and Go <1.15 still
 *   fall back on it, and the diagnosis must explain what those clients did);
 * - comparison is case-insensitive, a trailing dot on either side is ignored, A-labels
 *   ('xn--') are compared as they are;
 * - '*' matches exactly one whole left-most label: '*.example.com' matches 'a.example.com', not
 *   'a.b.example.com' nor 'example.com'. Partial-label wildcards ('f*.example.com',
 *   'xn--*.example.com'), which RFC 6125 allowed clients to accept, are refused as Chrome, Firefox,
 *   Go and OpenSSL (since 1.1.0 for the client default) refuse them; so is a wildcard over fewer
 *   than two labels ('*.com').
 */
export function matchHostname(host: string, cert: CertificateFacts): HostnameMatch {
  const wanted = host.trim();
  if (wanted === '') return { matches: false, matchedName: null, reason: 'no host name to check' };

  const ip = parseIpAddress(wanted);
  if (ip) {
    for (const san of cert.sanIp) {
      const candidate = parseIpAddress(san);
      if (candidate && equalBytes(candidate, ip)) {
        return { matches: true, matchedName: san, reason: `IP address ${wanted} is in the certificate's SAN (${san})` };
      }
    }
    const listed = cert.sanIp.length > 0 ? `its IP SANs are ${cert.sanIp.join(', ')}` : 'it has no IP address SAN';
    return {
      matches: false,
      matchedName: null,
      reason: `IP address ${wanted} is not in the certificate: ${listed} (DNS names and CN are never compared with an IP address)`,
    };
  }

  const name = normalize(wanted);
  if (cert.sanDns.length > 0) {
    for (const san of cert.sanDns) {
      if (dnsPatternMatches(san, name)) {
        return { matches: true, matchedName: san, reason: `${name} matches the SAN dNSName ${san}` };
      }
    }
    return {
      matches: false,
      matchedName: null,
      reason: `${name} matches none of the certificate's SAN dNSNames: ${cert.sanDns.join(', ')}`,
    };
  }
  const cn = cert.subjectCommonName;
  if (cn !== null && dnsPatternMatches(cn, name)) {
    return {
      matches: true,
      matchedName: cn,
      reason: `${name} matches the subject CN ${cn}; the certificate has no SAN dNSName, which RFC 9525 and browsers (Chrome since 58) require`,
    };
  }
  return {
    matches: false,
    matchedName: null,
    reason:
      cn === null
        ? `the certificate has neither a SAN dNSName nor a subject CN to match ${name}`
        : `${name} does not match the subject CN ${cn} (the certificate has no SAN dNSName)`,
  };
}

function normalize(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** One presented identifier against a normalized DNS host name. */
function dnsPatternMatches(presented: string, host: string): boolean {
  const pattern = normalize(presented.trim());
  if (pattern === '' || host === '') return false;
  if (!pattern.includes('*')) return pattern === host;
  const patternLabels = pattern.split('.');
  const hostLabels = host.split('.');
  // The wildcard must be the whole left-most label, and alone in the pattern.
  if (patternLabels[0] !== '*' || patternLabels.slice(1).some((l) => l.includes('*'))) return false;
  if (patternLabels.length < 3) return false;
  if (patternLabels.length !== hostLabels.length) return false;
  if (hostLabels[0] === '') return false;
  return patternLabels.slice(1).join('.') === hostLabels.slice(1).join('.');
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
