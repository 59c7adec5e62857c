/**
 * Replays every reproducer the fuzzer wrote to test/fixtures/fuzz-regressions/: each must now
 * be analyzed (or refused as not a capture) within the fuzzer's bound, with a report that
 * passes the schema. A failing file here is a crash the fuzzer found and nobody fixed yet;
 * its <hash>.json says how it was found and what the stack was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeInChild, compiledLibrary, ROOT } from './compiled-library.js';

const DIR = path.join(ROOT, 'test/fixtures/fuzz-regressions');
const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => f.endsWith('.pcap')).sort() : [];

/** The fuzzer's bound: 2 s plus 1 s per MB. */
const boundMs = (bytes: number): number => 2000 + Math.ceil((1000 * bytes) / (1024 * 1024));

describe('fuzz regressions', () => {
  test('every reproducer has the note the fuzzer wrote beside it', () => {
    for (const f of files) {
      const note = JSON.parse(fs.readFileSync(path.join(DIR, f.replace(/\.pcap$/, '.json')), 'utf8')) as { status: string; what: string };
      expect(note.status).toMatch(/^(error|bad-report|hang|memory|worker-died)$/);
      expect(note.what.length).toBeGreaterThan(0);
    }
  });

  const d = files.length > 0 ? describe : describe.skip;
  d('replayed through the compiled library', () => {
    let lib: string;
    beforeAll(() => {
      lib = compiledLibrary('fuzz-regressions');
    }, 120_000);

    test.each(files)('%s is analyzed or refused, within the bound, without crashing', (f) => {
      const file = path.join(DIR, f);
      const bound = boundMs(fs.statSync(file).size);
      const r = analyzeInChild(lib, file, [], bound * 3, 512);
      expect({ status: r.status, error: r.name, message: r.message?.slice(0, 300), stack: r.stack?.split('\n').slice(0, 5).join('\n') }).toEqual(
        expect.objectContaining({ status: expect.stringMatching(/^(ok|rejected)$/) }),
      );
      expect(r.ms).toBeLessThan(bound);
      // analyze-once reports peak RSS of the whole child; the fuzzer's bound is 256 MB of growth.
      expect(r.peakRssMb ?? 0).toBeLessThan(512);
    }, 60_000);
  });
});
