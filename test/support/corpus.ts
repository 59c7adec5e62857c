/** Where the peer corpus lives (../shared/corpus from the repo root) and which captures it lists. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CORPUS_DIR = path.resolve(__dirname, '../../../shared/corpus');
export const corpusPresent = fs.existsSync(path.join(CORPUS_DIR, 'CAPINFOS.tsv'));

/** One row of CAPINFOS.tsv. */
export interface CaptureInfo {
  file: string;
  fileType: string;
  packets: number;
  encapsulation: string;
}

/** Every capture CAPINFOS.tsv lists (paths relative to the corpus). */
export function corpusCaptures(): CaptureInfo[] {
  if (!corpusPresent) return [];
  const lines = fs.readFileSync(path.join(CORPUS_DIR, 'CAPINFOS.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const c = l.split('\t');
    return { file: c[0]!, fileType: c[1]!, encapsulation: c[2]!, packets: Number(c[6]) };
  });
}

/** `describe`, or `describe.skip` with a message when the corpus is not on this machine. */
export function describeCorpus(name: string, fn: () => void): void {
  if (corpusPresent) describe(name, fn);
  else describe.skip(`${name} (skipped: corpus not found at ${CORPUS_DIR})`, fn);
}
