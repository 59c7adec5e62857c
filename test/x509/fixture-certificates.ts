import * as fs from 'node:fs';
import * as path from 'node:path';
import { pemCertificates } from '../../src/x509/trust-store.js';

/** Folder of the certificates made by scripts/make-x509-fixtures.sh. */
export const FIXTURES = path.resolve(__dirname, '../fixtures/x509');

/** The DER of fixture `<name>.pem`. */
export function der(name: string): Uint8Array {
  const [first] = pemCertificates(fs.readFileSync(path.join(FIXTURES, `${name}.pem`), 'utf8'));
  if (!first) throw new Error(`fixture ${name}.pem has no certificate`);
  return first;
}

export function pem(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, `${name}.pem`), 'utf8');
}
