import type { webcrypto } from 'node:crypto';
import { nodeCrypto } from './peculiar.js';
import type { ParsedCertificate } from './certificate-facts.js';
import { NAMED_CURVES, PUBLIC_KEY_ALGORITHMS, signatureAlgorithmInfo } from './algorithms.js';

/** valid / invalid: the issuer's key did or did not make the signature; unsupported: cannot tell. */
export type SignatureOutcome = 'valid' | 'invalid' | 'unsupported';

/**
 * Checks `child`'s signature with `issuer`'s public key through WebCrypto. Algorithms WebCrypto
 * lacks (MD5, MD2, DSA, Ed448, curves other than P-256/384/521) give 'unsupported', never
 * 'invalid': @peculiar/x509's verify() answers false when it cannot import the key, which would
 * read as a forged signature. A signature algorithm of another key family than the issuer's key
 * (ECDSA signature, RSA issuer) cannot have been made by that key: 'invalid'.
 */
export async function checkSignature(child: ParsedCertificate, issuer: ParsedCertificate): Promise<SignatureOutcome> {
  const signature = signatureAlgorithmInfo(child.structure.signatureAlgorithmOid);
  const key = PUBLIC_KEY_ALGORITHMS[issuer.structure.publicKeyAlgorithmOid];
  if (signature.family === 'unknown' || !key) return 'unsupported';
  if (!key.family.includes(signature.family)) return 'invalid';
  if (signature.family === 'DSA' || signature.family === 'Ed448') return 'unsupported';
  if (signature.hash === 'MD5' || signature.hash === 'MD2') return 'unsupported';
  if (signature.family === 'EC') {
    const curve = issuer.structure.publicKeyCurveOid;
    if (!curve || !NAMED_CURVES[curve]?.webCrypto) return 'unsupported';
  }
  // Certificates @peculiar/x509 refused have facts from the DER reader only: nothing to verify with.
  const childCertificate = child.certificate;
  const issuerCertificate = issuer.certificate;
  if (!childCertificate || !issuerCertificate) return 'unsupported';
  let publicKey: webcrypto.CryptoKey;
  try {
    const algorithm = { ...issuerCertificate.publicKey.algorithm, ...childCertificate.signatureAlgorithm };
    publicKey = await issuerCertificate.publicKey.export(algorithm, ['verify'], nodeCrypto);
  } catch {
    return 'unsupported';
  }
  try {
    const ok = await childCertificate.verify({ publicKey, signatureOnly: true }, nodeCrypto);
    return ok ? 'valid' : 'invalid';
  } catch {
    // The key imported, so the algorithm is supported: a signature WebCrypto cannot even decode
    // (an ECDSA value that is not a DER SEQUENCE of two INTEGERs) is a broken signature.
    return 'invalid';
  }
}
