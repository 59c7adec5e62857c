/** The committed *.data.ts tables must be what scripts/make-registry.mjs makes from scripts/data/. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const repo = path.resolve(__dirname, '../../..');

describe('generated registry tables', () => {
  it('are up to date with scripts/data (node scripts/make-registry.mjs --check)', () => {
    const out = execFileSync(process.execPath, [path.join(repo, 'scripts/make-registry.mjs'), '--check'], { encoding: 'utf8' });
    expect(out).toMatch(/^checked 8 files\n$/);
  });
});
