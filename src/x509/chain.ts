import { CertificateCache, hostnameFacts, type ParsedCertificate } from './certificate-facts.js';
import type { CertificateFacts } from './types.js';
import { matchHostname } from './hostname.js';
import { checkSignature, type SignatureOutcome } from './signature-check.js';
import type { TrustStore } from './trust-store.js';
import { signatureAlgorithmInfo } from './algorithms.js';

/** What makes a chain fail for a client or server that validates it. */
export type ChainProblemKind =
  | 'empty'
  | 'unparseable'
  | 'expired'
  | 'not-yet-valid'
  | 'hostname-mismatch'
  | 'chain-incomplete'
  | 'chain-invalid'
  | 'wrong-order'
  | 'bad-signature'
  | 'untrusted'
  | 'self-signed';

/** One reason the chain fails. `certIndex` is the position in the chain as sent (0 = leaf), null for a trust-store anchor or the chain as a whole. */
export interface ChainProblem {
  kind: ChainProblemKind;
  certIndex: number | null;
  detail: string;
}

/** Something worth telling that does not by itself make validation fail everywhere. */
export interface ChainFinding {
  kind:
    | 'weak-rsa-key'
    | 'weak-signature-hash'
    | 'ca-flag-missing'
    | 'leaf-is-ca'
    | 'key-usage'
    | 'eku-missing-server-auth'
    | 'eku-missing-client-auth'
    | 'validity-too-long'
    | 'signature-not-verified'
    | 'unrelated-certificate'
    | 'duplicate-certificate'
    | 'unreadable-extension'
    | string;
  certIndex: number;
  detail: string;
}

/** The judgement of one chain at one moment. */
export interface ChainVerdict {
  /** Facts of the certificates that parsed, in sent order (see `sentIndexes`). */
  certs: CertificateFacts[];
  /** `sentIndexes[k]` is the position in the chain sent of `certs[k]` (they differ only when some did not parse). */
  sentIndexes: number[];
  /** The certification path built from the leaf, as positions in the chain sent (the anchor from the store is not in it). */
  path: number[];
  problems: ChainProblem[];
  findings: ChainFinding[];
  /** Subject of the trust anchor reached, or null. */
  anchor: string | null;
  /** Host checked, if any. */
  host: string | null;
}

/** How to judge a chain. */
export interface AnalyzeChainOptions {
  /** The moment to judge validity at: the capture's packet time, never the wall clock. */
  at: Date;
  /** The name the client meant to reach (SNI or --host); null or absent skips the name check. */
  host?: string | null;
  trustStore: TrustStore;
  /** 'server': a server's chain judged by a client; 'client': a client certificate judged by a server. */
  purpose: 'server' | 'client';
  /** Share one cache across calls: captures repeat the same chains. */
  cache?: CertificateCache;
}

// CA/Browser Forum Baseline Requirements §6.3.2 (ballot SC31): 398 days for leaves issued since then.
const MAX_LEAF_DAYS = 398;
const MAX_LEAF_DAYS_SINCE = Date.UTC(2020, 8, 1);
const DAY_MS = 86_400_000;

interface Link {
  issuer: ParsedCertificate;
  /** Position in the chain sent, or null for a trust-store anchor. */
  sentIndex: number | null;
  outcome: SignatureOutcome;
}

/**
 * Judges a certificate chain as a TLS peer sends it (DER, wire order, leaf first) the way a
 * validating client (purpose 'server') or server (purpose 'client') would, at `options.at`.
 * Never throws: garbage is an 'unparseable' problem.
 *
 * The path is built from the leaf: each certificate's issuer is looked for first among the trust
 * anchors (as OpenSSL's default "trusted first" does, so that a cross-signed intermediate sent
 * along does not hide a root the client has), then among the certificates sent; among those with
 * the issuer's name, the one whose subject key identifier equals the authority key identifier is
 * tried first, and only one whose key verifies the signature is taken.
 */
export async function analyzeChain(chain: Uint8Array[], options: AnalyzeChainOptions): Promise<ChainVerdict> {
  const cache = options.cache ?? new CertificateCache(Math.max(16, chain.length));
  const found = lookUp(chain, options.host, options.purpose, options.trustStore, cache);
  if ('verdict' in found) return found.verdict;
  if ('shape' in found) return verdictAt(found.shape, options.at);
  const shape = await chainShape(found.parsed, found.host, options, cache);
  if (found.key !== null) cache.rememberChainShape(options.trustStore, found.key, shape);
  return verdictAt(shape, options.at);
}

/**
 * analyzeChain's answer at `at` (ms since the epoch, as `Date.getTime()` gives) when `cache`
 * already holds the chain's judgement (the usual case: a capture repeats its chains), without a
 * promise or a Date; undefined when the chain must be judged (call analyzeChain). Unlike
 * analyzeChain's, the verdict is read only: its lists are shared with other calls and frozen,
 * and while no certificate is out of its validity window every call for the chain gets the same
 * frozen object.
 * @internal
 */
export function cachedChainVerdict(
  chain: readonly Uint8Array[],
  at: number,
  host: string | null | undefined,
  purpose: AnalyzeChainOptions['purpose'],
  trustStore: TrustStore,
  cache: CertificateCache,
): Readonly<ChainVerdict> | undefined {
  const found = lookUp(chain, host, purpose, trustStore, cache);
  if ('verdict' in found) return found.verdict;
  return 'shape' in found ? sharedVerdictAt(found.shape, at) : undefined;
}

type LookUp = { verdict: ChainVerdict } | { shape: ChainShape } | { parsed: (ParsedCertificate | string)[]; host: string | null; key: string | null };

function lookUp(chain: readonly Uint8Array[], asked: string | null | undefined, purpose: AnalyzeChainOptions['purpose'], trustStore: TrustStore, cache: CertificateCache): LookUp {
  const host = asked && asked.trim() !== '' ? asked.trim() : null;
  if (chain.length === 0) {
    return { verdict: { certs: [], sentIndexes: [], path: [], problems: [{ kind: 'empty', certIndex: null, detail: 'no certificate was sent' }], findings: [], anchor: null, host } };
  }
  // Everything but validity depends only on the certificates, the host, the purpose and the
  // store: judged once per such key, the validity checks redone at each `at` (exact, no window).
  // Null when a certificate does not parse.
  const parsed: (ParsedCertificate | string)[] = [];
  let key: string | null = `${purpose}\n${host ?? ''}\n`;
  for (let i = 0; i < chain.length; i++) {
    const entry = cache.entry(chain[i]!);
    parsed.push(entry);
    if (typeof entry === 'string') key = null;
    else if (key !== null) key += i === 0 ? entry.facts.sha256 : `,${entry.facts.sha256}`;
  }
  const shape = key === null ? undefined : cache.chainShapes(trustStore).get(key);
  return shape ? { shape } : { parsed, host, key };
}

/**
 * A chain's judgement without the validity checks: `problems` lacks the expired/not-yet-valid
 * ones, which go at `validityAt`, one check per `judged` certificate.
 * @internal
 */
export interface ChainShape {
  verdict: ChainVerdict;
  judged: { entry: ParsedCertificate; sentIndex: number | null }[];
  validityAt: number;
  /** What {@link cachedChainVerdict} shares between the connections that show this chain, made on first use. */
  shared?: SharedShape;
}

/** The parts of a chain's verdict that do not depend on the moment, made once per shape. */
interface SharedShape {
  /** The verdict at any moment when every judged certificate is within its window (frozen). */
  inWindow: Readonly<ChainVerdict>;
  /** That span (ms): from the latest notBefore to the earliest notAfter (empty when reversed). */
  validFrom: number;
  validUntil: number;
  /** Per judged certificate, its expired / not-yet-valid text up to the moment, which ends it. */
  expiredText: string[];
  notYetText: string[];
}

/** The verdict at one moment: a fresh copy of the shape with that moment's validity problems. */
function verdictAt(shape: ChainShape, when: Date): ChainVerdict {
  const base = shape.verdict;
  return {
    certs: base.certs.slice(),
    sentIndexes: base.sentIndexes.slice(),
    path: base.path.slice(),
    problems: problemsAt(shape, when.getTime()),
    findings: base.findings.slice(),
    anchor: base.anchor,
    host: base.host,
  };
}

/**
 * The shape's problems at `at` (ms since the epoch): those that do not depend on the moment, with
 * an expired / not-yet-valid problem in their place for each judged certificate out of its window
 * then. Texts only for those: most chains of a capture are in theirs.
 */
function problemsAt(shape: ChainShape, at: number): ChainProblem[] {
  const shared = sharedShape(shape);
  const base = shape.verdict;
  const problems = base.problems.slice(0, shape.validityAt);
  let moment: string | null = null;
  for (let k = 0; k < shape.judged.length; k++) {
    const { entry, sentIndex } = shape.judged[k]!;
    if (at > entry.notAfter.getTime()) problems.push({ kind: 'expired', certIndex: sentIndex, detail: shared.expiredText[k]! + (moment ??= new Date(at).toISOString()) });
    else if (at < entry.notBefore.getTime()) problems.push({ kind: 'not-yet-valid', certIndex: sentIndex, detail: shared.notYetText[k]! + (moment ??= new Date(at).toISOString()) });
  }
  for (let i = shape.validityAt; i < base.problems.length; i++) problems.push(base.problems[i]!);
  return problems;
}

/**
 * verdictAt for the engine, sharing what does not depend on the moment: inside the span where
 * no judged certificate is out of its window the verdict is the same frozen object for every
 * moment; outside it only `problems` is new (its validity texts name the moment), the other
 * lists are the shared frozen ones. Equal, field by field, to verdictAt's.
 */
function sharedVerdictAt(shape: ChainShape, at: number): Readonly<ChainVerdict> {
  const shared = sharedShape(shape);
  // The same comparisons as problemsAt's: in the window unless at > notAfter or at < notBefore.
  if (at >= shared.validFrom && at <= shared.validUntil) return shared.inWindow;
  const v = shared.inWindow;
  return { certs: v.certs, sentIndexes: v.sentIndexes, path: v.path, problems: problemsAt(shape, at), findings: v.findings, anchor: v.anchor, host: v.host };
}

/** The shape's {@link SharedShape}, made on first use. */
function sharedShape(shape: ChainShape): SharedShape {
  return (shape.shared ??= sharedShapeOf(shape));
}

function sharedShapeOf(shape: ChainShape): SharedShape {
  const base = shape.verdict;
  let validFrom = -Infinity;
  let validUntil = Infinity;
  const expiredText: string[] = [];
  const notYetText: string[] = [];
  for (const { entry, sentIndex } of shape.judged) {
    validFrom = Math.max(validFrom, entry.notBefore.getTime());
    validUntil = Math.min(validUntil, entry.notAfter.getTime());
    expiredText.push(`${judgedName(entry, sentIndex)} expired at ${entry.facts.notAfter}, before `);
    notYetText.push(`${judgedName(entry, sentIndex)} is valid only from ${entry.facts.notBefore}, after `);
  }
  const inWindow: ChainVerdict = {
    certs: Object.freeze(base.certs.slice()) as CertificateFacts[],
    sentIndexes: Object.freeze(base.sentIndexes.slice()) as number[],
    path: Object.freeze(base.path.slice()) as number[],
    problems: Object.freeze(base.problems.slice()) as ChainProblem[],
    findings: Object.freeze(base.findings.slice()) as ChainFinding[],
    anchor: base.anchor,
    host: base.host,
  };
  return { inWindow: Object.freeze(inWindow), validFrom, validUntil, expiredText, notYetText };
}

function judgedName(entry: ParsedCertificate, sentIndex: number | null): string {
  return sentIndex === null ? `the trust anchor ${entry.facts.subject}` : `certificate #${sentIndex} (${entry.facts.subject})`;
}

async function chainShape(parsed: (ParsedCertificate | string)[], host: string | null, options: AnalyzeChainOptions, cache: CertificateCache): Promise<ChainShape> {
  const verdict: ChainVerdict = { certs: [], sentIndexes: [], path: [], problems: [], findings: [], anchor: null, host };
  const entries: (ParsedCertificate | null)[] = parsed.map((entry, index) => {
    if (typeof entry === 'string') {
      verdict.problems.push({ kind: 'unparseable', certIndex: index, detail: `certificate #${index} does not parse: ${entry}` });
      return null;
    }
    verdict.certs.push(entry.facts);
    verdict.sentIndexes.push(index);
    return entry;
  });
  const leaf = entries[0];
  if (!leaf) return { verdict, judged: [], validityAt: verdict.problems.length };

  const verify = (child: ParsedCertificate, issuer: ParsedCertificate): Promise<SignatureOutcome> =>
    cache.verification(child, issuer, () => checkSignature(child, issuer));

  // --- build the path -------------------------------------------------------------------------
  const path: number[] = [0];
  const used = new Set<number>([0]);
  let current = leaf;
  let currentIndex = 0;
  let anchor: { entry: ParsedCertificate; sentIndex: number | null } | null = null;
  let end: 'anchor' | 'self-signed' | 'bad-signature' | 'missing-issuer' = 'missing-issuer';
  let rejectedIssuer: Link | null = null;
  const unverified: { child: number; issuer: string; partial: boolean }[] = [];

  for (let guard = 0; guard <= parsed.length; guard++) {
    if (options.trustStore.has(current.facts.sha256)) {
      anchor = { entry: current, sentIndex: currentIndex };
      end = 'anchor';
      break;
    }
    const links: Link[] = [];
    for (const trusted of preferKeyId(options.trustStore.withSubject(current.issuerKey), current)) {
      if (trusted.facts.sha256 === current.facts.sha256) continue;
      links.push({ issuer: trusted, sentIndex: null, outcome: await verify(current, trusted) });
    }
    const sent = entries
      .map((entry, index) => ({ entry, index }))
      .filter((c): c is { entry: ParsedCertificate; index: number } =>
        c.entry !== null && !used.has(c.index) && c.entry.subjectKey === current.issuerKey && c.entry.facts.sha256 !== current.facts.sha256,
      );
    for (const candidate of preferKeyId(sent.map((c) => c.entry), current)) {
      const index = sent.find((c) => c.entry === candidate)!.index;
      links.push({ issuer: candidate, sentIndex: index, outcome: await verify(current, candidate) });
    }
    const chosen = links.find((l) => l.outcome === 'valid') ?? links.find((l) => l.outcome === 'unsupported');
    if (!chosen) {
      if (current.facts.selfIssued) {
        const own = await verify(current, current);
        if (own !== 'invalid') {
          if (own === 'unsupported') unverified.push({ child: currentIndex, issuer: 'itself', partial: current.certificate === null });
          end = 'self-signed';
          break;
        }
      }
      rejectedIssuer = links[0] ?? null;
      end = rejectedIssuer ? 'bad-signature' : 'missing-issuer';
      break;
    }
    if (chosen.outcome === 'unsupported') {
      unverified.push({ child: currentIndex, issuer: chosen.issuer.facts.subject, partial: current.certificate === null || chosen.issuer.certificate === null });
    }
    if (chosen.sentIndex === null) {
      // The root was also sent: it is part of the path as sent, not an unrelated extra.
      const sentCopy = entries.findIndex((e, i) => e !== null && !used.has(i) && e.facts.sha256 === chosen.issuer.facts.sha256);
      if (sentCopy >= 0) {
        path.push(sentCopy);
        used.add(sentCopy);
      }
      anchor = { entry: chosen.issuer, sentIndex: sentCopy >= 0 ? sentCopy : null };
      end = 'anchor';
      break;
    }
    path.push(chosen.sentIndex);
    used.add(chosen.sentIndex);
    current = chosen.issuer;
    currentIndex = chosen.sentIndex;
  }
  verdict.path = path;
  verdict.anchor = anchor ? anchor.entry.facts.subject : null;

  // --- how the path ended ---------------------------------------------------------------------
  const unused = entries
    .map((entry, index) => ({ entry, index }))
    .filter((c): c is { entry: ParsedCertificate; index: number } => c.entry !== null && !used.has(c.index));
  const last = `certificate #${currentIndex} (${current.facts.subject})`;
  if (end === 'self-signed') {
    if (path.length === 1) {
      verdict.problems.push({ kind: 'self-signed', certIndex: 0, detail: `the leaf ${leaf.facts.subject} is self-signed` });
      verdict.problems.push({ kind: 'untrusted', certIndex: 0, detail: 'the self-signed leaf is not in the trust store' });
    } else {
      verdict.problems.push({
        kind: 'untrusted',
        certIndex: currentIndex,
        detail: `the chain ends at the self-signed root ${current.facts.subject}, which is not in the trust store`,
      });
    }
  } else if (end === 'bad-signature' && rejectedIssuer) {
    const where = rejectedIssuer.sentIndex === null ? 'the trusted root' : `certificate #${rejectedIssuer.sentIndex}`;
    verdict.problems.push({
      kind: 'bad-signature',
      certIndex: currentIndex,
      detail:
        `${last} names ${current.facts.issuer} as issuer, and ${where} has that name, but its key does not verify the signature` +
        keyIdNote(current, rejectedIssuer.issuer),
    });
  } else if (end === 'missing-issuer') {
    const missing = `issuer ${current.facts.issuer}${current.facts.authorityKeyId ? ` (key id ${current.facts.authorityKeyId})` : ''}`;
    if (unused.length > 0) {
      verdict.problems.push({
        kind: 'chain-invalid',
        certIndex: unused[0]!.index,
        detail:
          `the certificates sent do not link: ${last} was issued by ${current.facts.issuer}, but ` +
          unused.map((u) => `#${u.index} is ${u.entry.facts.subject}`).join(', ') +
          `; the ${missing} is neither sent nor trusted`,
      });
    } else {
      verdict.problems.push({
        kind: 'chain-incomplete',
        certIndex: currentIndex,
        detail: `the ${missing} of ${last} is neither in the chain sent nor in the trust store: an intermediate is missing or the root is not trusted`,
      });
    }
  }

  const sentPath = path;
  if (sentPath.some((index, k) => index !== k)) {
    verdict.problems.push({
      kind: 'wrong-order',
      certIndex: null,
      detail:
        `the certificates link in the order ${sentPath.join(', ')}, not in the order sent; low severity: ` +
        'RFC 8446 §4.4.2 lets TLS 1.3 clients accept any order and most TLS 1.2 clients (OpenSSL, browsers) reorder too',
    });
  }
  if (end !== 'missing-issuer') {
    const seen = new Set<string>();
    for (const index of path) seen.add(entries[index]!.facts.sha256);
    for (const { entry, index } of unused) {
      const duplicate = seen.has(entry.facts.sha256);
      seen.add(entry.facts.sha256);
      verdict.findings.push(
        duplicate
          ? { kind: 'duplicate-certificate', certIndex: index, detail: `certificate #${index} (${entry.facts.subject}) is sent more than once` }
          : { kind: 'unrelated-certificate', certIndex: index, detail: `certificate #${index} (${entry.facts.subject}) is not part of the path and is ignored by clients` },
      );
    }
  }

  // --- validity at the capture's time: checked by verdictAt, here only what to check -----------
  const judged: { entry: ParsedCertificate; sentIndex: number | null }[] = path.map((i) => ({ entry: entries[i]!, sentIndex: i }));
  if (anchor && anchor.sentIndex === null) judged.push(anchor);
  const validityAt = verdict.problems.length;

  if (host !== null) {
    const match = matchHostname(host, hostnameFacts(leaf));
    if (!match.matches) verdict.problems.push({ kind: 'hostname-mismatch', certIndex: 0, detail: match.reason });
  }

  for (const { child, issuer, partial } of unverified) {
    verdict.findings.push({
      kind: 'signature-not-verified',
      certIndex: child,
      detail:
        `the ${entries[child]!.facts.signatureAlgorithm} signature of certificate #${child} by ${issuer} was not verified: ` +
        (partial ? 'a certificate of the pair is only partly readable' : 'WebCrypto has no such algorithm'),
    });
  }
  verdict.findings.push(...pathFindings(path.map((i) => entries[i]!), path, anchor?.sentIndex ?? null, options.purpose));
  return { verdict, judged, validityAt };
}

/** Candidates whose subject key identifier is the child's authority key identifier come first. */
function preferKeyId(candidates: readonly ParsedCertificate[], child: ParsedCertificate): ParsedCertificate[] {
  const aki = child.facts.authorityKeyId;
  if (!aki) return [...candidates];
  return [...candidates].sort((a, b) => Number(b.facts.subjectKeyId === aki) - Number(a.facts.subjectKeyId === aki));
}

function keyIdNote(child: ParsedCertificate, issuer: ParsedCertificate): string {
  const aki = child.facts.authorityKeyId;
  const ski = issuer.facts.subjectKeyId;
  return aki && ski && aki !== ski ? ` (authority key id ${aki} differs from that issuer's subject key id ${ski}: signed by another key of the same name)` : '';
}

/** Findings on the certificates of the path (sent ones only: anchors from the store are the user's choice). */
function pathFindings(
  certs: ParsedCertificate[],
  indexes: number[],
  anchorSentIndex: number | null,
  purpose: 'server' | 'client',
): ChainFinding[] {
  const findings: ChainFinding[] = [];
  const purposeName = purpose === 'server' ? 'serverAuth' : 'clientAuth';
  certs.forEach((entry, k) => {
    const facts = entry.facts;
    const index = indexes[k]!;
    const isLeaf = k === 0;
    const isAnchor = index === anchorSentIndex;
    const isSelfSigned = facts.selfIssued;
    const label = `certificate #${index} (${facts.subject})`;

    if (facts.keyType === 'RSA' && facts.keyBits !== null && facts.keyBits < 2048) {
      findings.push({ kind: 'weak-rsa-key', certIndex: index, detail: `${label} has a ${facts.keyBits}-bit RSA key; clients require 2048 bits or more` });
    }
    const hash = signatureAlgorithmInfo(entry.structure.signatureAlgorithmOid).hash;
    if ((hash === 'SHA-1' || hash === 'MD5' || hash === 'MD2') && !(isSelfSigned && (isAnchor || k === certs.length - 1))) {
      findings.push({ kind: 'weak-signature-hash', certIndex: index, detail: `${label} is signed with ${facts.signatureAlgorithm}; ${hash} signatures are refused by current clients` });
    }
    for (const oid of facts.unreadableExtensions ?? []) {
      findings.push({ kind: 'unreadable-extension', certIndex: index, detail: `${label} has an extension ${oid} that does not decode` });
    }
    const ekuRestricts = facts.extendedKeyUsage.length > 0 && !facts.extendedKeyUsage.includes(purposeName) && !facts.extendedKeyUsage.includes('anyExtendedKeyUsage');
    if (ekuRestricts && !(isAnchor && isSelfSigned)) {
      findings.push({
        kind: purpose === 'server' ? 'eku-missing-server-auth' : 'eku-missing-client-auth',
        certIndex: index,
        detail: `${label} allows only ${facts.extendedKeyUsage.join(', ')}, not ${purposeName}`,
      });
    }
    if (isLeaf) {
      if (facts.isCA === true && certs.length > 1) {
        findings.push({ kind: 'leaf-is-ca', certIndex: index, detail: `the leaf ${facts.subject} has basicConstraints CA:TRUE` });
      }
      const needed = purpose === 'server' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];
      if (facts.keyUsage.length > 0 && !needed.some((u) => facts.keyUsage.includes(u))) {
        findings.push({ kind: 'key-usage', certIndex: index, detail: `the leaf's keyUsage (${facts.keyUsage.join(', ')}) has none of ${needed.join(', ')}` });
      }
      const days = (entry.notAfter.getTime() - entry.notBefore.getTime()) / DAY_MS;
      if (purpose === 'server' && facts.isCA !== true && entry.notBefore.getTime() >= MAX_LEAF_DAYS_SINCE && days > MAX_LEAF_DAYS) {
        findings.push({
          kind: 'validity-too-long',
          certIndex: index,
          detail: `the leaf is valid for ${Math.round(days)} days; browsers refuse publicly trusted leaves issued since 2020-09-01 valid over ${MAX_LEAF_DAYS} days`,
        });
      }
      return;
    }
    // An issuer (intermediate or sent root).
    if (facts.isCA !== true && !(isAnchor && isSelfSigned && facts.isCA === null)) {
      findings.push({
        kind: 'ca-flag-missing',
        certIndex: index,
        detail: `${label} signs certificate #${indexes[k - 1]} but ${facts.isCA === false ? 'has basicConstraints CA:FALSE' : 'has no basicConstraints CA:TRUE'}`,
      });
    }
    if (facts.keyUsage.length > 0 && !facts.keyUsage.includes('keyCertSign')) {
      findings.push({ kind: 'key-usage', certIndex: index, detail: `${label} signs certificates but its keyUsage (${facts.keyUsage.join(', ')}) lacks keyCertSign` });
    }
  });
  return findings;
}
