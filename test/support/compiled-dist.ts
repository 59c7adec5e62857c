/**
 * Tests that run compiled code (worker threads, bench scripts importing ../dist) must run the
 * same version as the sources. dist/ (built by `npm ci` through the prepare script, or
 * `npm run build`) counts as current when every compiled module is at least as new as its source.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/** Sources under `srcDir` whose compiled module in `distDir` is missing or older, relative to ROOT. */
export function staleModules(srcDir = path.join(ROOT, 'src'), distDir = path.join(ROOT, 'dist')): string[] {
  const stale: string[] = [];
  for (const entry of fs.readdirSync(srcDir, { withFileTypes: true })) {
    const src = path.join(srcDir, entry.name);
    if (entry.isDirectory()) stale.push(...staleModules(src, path.join(distDir, entry.name)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      const js = path.join(distDir, entry.name.replace(/\.ts$/, '.js'));
      if (!fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(src).mtimeMs) stale.push(path.relative(ROOT, src));
    }
  }
  return stale;
}
