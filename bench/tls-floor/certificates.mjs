// Certificates interned by their DER bytes (bucketed by length, compared byte for byte), each
// given an id and a cached text that stands for the report's per-certificate fields, written
// once per distinct DER. The consumers keep ids; the line writers write the texts; --dump asks
// for each one's SHA-256.
import { createHash } from 'node:crypto';

const certBuckets = new Map();
/** Each distinct certificate's cached text, by id. */
export const certTexts = [];
export function internCertificate(bytes, start, end) {
  const len = end - start;
  let bucket = certBuckets.get(len);
  if (bucket === undefined) { bucket = []; certBuckets.set(len, bucket); }
  const view = Buffer.from(bytes.buffer, bytes.byteOffset + start, len);
  for (let i = 0; i < bucket.length; i++) if (Buffer.compare(bucket[i].der, view) === 0) return bucket[i].id;
  const id = certTexts.length;
  bucket.push({ der: Buffer.from(view), id });
  // Stands for the report's per-certificate fields, written once per distinct DER.
  certTexts.push(JSON.stringify({ id, length: len, text: 'x'.repeat(560) }));
  return id;
}

/** SHA-256 of an interned certificate, by its id (for --dump only: the bench's certificates are few). */
const certSha = [];
export function certificateSha(id) {
  if (certSha[id] === undefined) {
    for (const bucket of certBuckets.values()) for (const e of bucket) certSha[e.id] ??= createHash('sha256').update(e.der).digest('hex');
  }
  return certSha[id];
}
