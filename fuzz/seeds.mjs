/**
 * The seed captures: real captures of the project (samples, test fixtures) and of the peer
 * corpus, read once, gunzipped when compressed, in a fixed order so a seed number means the
 * same run on any machine that has the same files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';

const CAPTURE_NAME = /\.(pcap|pcapng|cap)(\.gz)?$/i;

/** Every capture file under `dir` (recursively), or [] when it does not exist. */
function capturesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...capturesUnder(full));
    else if (CAPTURE_NAME.test(entry.name)) out.push(full);
  }
  return out;
}

/**
 * The default seed directories of a checkout at `root`.
 * @param {string} root
 */
export function defaultSeedDirs(root) {
  return [
    path.join(root, 'samples'),
    path.join(root, 'test/fixtures'),
    path.resolve(root, '../shared/corpus'),
  ];
}

/**
 * Loads seed captures.
 * @param {string[]} dirsOrFiles
 * @param {{ maxBytes?: number, exclude?: RegExp }} [opts]
 * @returns {{ seeds: { file: string, bytes: Uint8Array }[], digest: string }}
 */
export function loadSeeds(dirsOrFiles, opts = {}) {
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  const files = [];
  for (const d of dirsOrFiles) {
    if (fs.existsSync(d) && fs.statSync(d).isFile()) files.push(d);
    else files.push(...capturesUnder(d));
  }
  // Known crashes are replayed by their own test; fuzzing from them finds the same bug again.
  const chosen = [...new Set(files)].filter((f) => !(opts.exclude ?? /fuzz-regressions/).test(f)).sort();
  const seeds = [];
  const hash = createHash('sha256');
  for (const file of chosen) {
    let bytes = new Uint8Array(fs.readFileSync(file));
    if (bytes.length > maxBytes) continue;
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      try {
        bytes = new Uint8Array(gunzipSync(bytes));
      } catch {
        continue;
      }
      if (bytes.length > maxBytes) continue;
    }
    seeds.push({ file, bytes });
    hash.update(bytes);
  }
  return { seeds, digest: hash.digest('hex').slice(0, 12) };
}
