/**
 * Builds the lookup maps behind the `...Name` functions once, at module load, so a lookup is one
 * `Map.get` (the report names every suite and extension of every hello: thousands per capture).
 */
import { GREASE_VALUES, greaseName } from './grease.js';

/** A generated `as const` table: code -> name. */
export type CodeTable = Readonly<Record<number, string>>;

/**
 * Merges tables into one map; an earlier table wins for a code present in several (IANA first).
 * With `grease`, the RFC 8701 values are named first, so no table can give them another name.
 */
export function buildNameMap(tables: readonly CodeTable[], options: { grease: boolean }): ReadonlyMap<number, string> {
  const map = new Map<number, string>();
  if (options.grease) for (const g of GREASE_VALUES) map.set(g, greaseName(g));
  for (const table of tables) {
    for (const [key, name] of Object.entries(table)) {
      const code = Number(key);
      if (!map.has(code)) map.set(code, name);
    }
  }
  return map;
}
