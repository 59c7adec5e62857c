/**
 * Every capture of the peer corpus (/work/shared/corpus, listed in CAPINFOS.tsv) is read without
 * a CaptureError, with capinfos' packet count, link types and first/last times, and tshark's
 * per-packet encapsulation counts. Skipped when the corpus is absent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCapture } from '../../src/capture/read-capture.js';

const corpus = path.resolve(__dirname, '../../../shared/corpus');
const table = path.join(corpus, 'CAPINFOS.tsv');
const present = fs.existsSync(table);
if (!present) console.warn(`capture corpus not found at ${corpus}: corpus tests skipped`);

/**
 * capinfos and tshark name link layers by Wireshark's own encapsulation (wtap) numbers and short
 * names, not pcap LINKTYPE values: the LINKTYPE values each stands for.
 */
const WTAP_ENCAP: Record<string, { wtap: number; linkTypes: number[] }> = {
  ether: { wtap: 1, linkTypes: [1] },
  null: { wtap: 15, linkTypes: [0] },
  rawip: { wtap: 7, linkTypes: [101, 12, 14] },
  'linux-sll': { wtap: 25, linkTypes: [113] },
  'ieee-802-11-radiotap': { wtap: 23, linkTypes: [127] },
};

function wtapName(linkType: number): string {
  for (const [name, e] of Object.entries(WTAP_ENCAP)) if (e.linkTypes.includes(linkType)) return name;
  return `linktype-${linkType}`;
}

interface Row {
  file: string;
  fileType: string;
  packets: number;
  start: string;
  end: string;
  encapsulations: string[];
  perPacket: Record<string, number>;
}

function rows(): Row[] {
  const [header, ...lines] = fs.readFileSync(table, 'utf8').trimEnd().split('\n');
  const col = header!.split('\t');
  const at = (name: string) => col.indexOf(name);
  return lines.map((line) => {
    const f = line.split('\t');
    const encaps = f[at('Interface encapsulations (capinfos)')]!.split('; ').map((e) => /\(\d+ - ([^)]+)\)$/.exec(e)![1]!);
    const perPacket: Record<string, number> = {};
    for (const pair of f[at('frame.encap_type values (tshark, value:count)')]!.split(' ')) {
      const [wtap, count] = pair.split(':');
      perPacket[wtap!] = Number(count);
    }
    return {
      file: f[at('File name')]!,
      fileType: f[at('File type')]!,
      packets: Number(f[at('Number of packets')]),
      start: f[at('Start time')]!,
      end: f[at('End time')]!,
      encapsulations: [...new Set(encaps)].sort(),
      perPacket,
    };
  });
}

/** A timestamp as capinfos prints it (UTC, as many fraction digits as it shows). */
function capinfosTime(sec: number, nsec: number, digits: number): string {
  const iso = new Date(sec * 1000).toISOString().replace('T', ' ').slice(0, 19);
  return `${iso}.${String(nsec).padStart(9, '0').slice(0, digits)}`;
}

/** Captures cut inside their last packet, as capinfos' warnings say. */
const CUT_SHORT = new Set(['wireshark-wiki/ssl.dump.pcap']);

(present ? describe : describe.skip)('the peer corpus', () => {
  const all = present ? rows() : [];

  it('lists over 200 captures', () => {
    expect(all.length).toBeGreaterThan(200);
  });

  it.each(all.map((r) => [r.file, r] as const))('%s', async (_name, row) => {
    const warnings: Array<{ frame: number | null; text: string }> = [];
    const perPacket: Record<string, number> = {};
    let min: [number, number] | null = null;
    let max: [number, number] | null = null;
    // Packets earlier than the one before them (Wireshark's negative frame.time_delta; for the
    // corpus these counts and frames were checked against tshark: discord.pcap 6 from frame 10,
    // geforcenow.pcapng 4 from frame 7, rsasnakeoil2.pcap 1 at frame 54).
    let previous: [number, number] | null = null;
    const backwards: number[] = [];
    const summary = await readCapture(
      path.join(corpus, row.file),
      {
        onPacket: (p) => {
          const wtap = String(WTAP_ENCAP[wtapName(p.linkType)]?.wtap ?? `linktype-${p.linkType}`);
          perPacket[wtap] = (perPacket[wtap] ?? 0) + 1;
          const t: [number, number] = [p.tsSec, p.tsNsec];
          if (!min || t[0] < min[0] || (t[0] === min[0] && t[1] < min[1])) min = t;
          if (!max || t[0] > max[0] || (t[0] === max[0] && t[1] > max[1])) max = t;
          if (previous && (t[0] < previous[0] || (t[0] === previous[0] && t[1] < previous[1]))) backwards.push(p.frame);
          previous = t;
        },
      },
      { warn: (frame, text) => warnings.push({ frame, text }) },
    );
    expect(summary.format).toBe(row.fileType);
    expect(summary.packets).toBe(row.packets);
    expect([...new Set(summary.linkTypes.map(wtapName))].sort()).toEqual(row.encapsulations);
    expect(perPacket).toEqual(row.perPacket);
    const expected: Array<{ frame: number | null; text: unknown }> = [];
    if (CUT_SHORT.has(row.file)) {
      expected.push({ frame: row.packets + 1, text: expect.stringMatching(/^capture cut short in packet \d+: \d+ of its \d+ captured bytes present, \d+ missing$/) });
    }
    if (backwards.length > 0) {
      const more = backwards.length - 1;
      expected.push({
        frame: backwards[0]!,
        text: expect.stringMatching(
          new RegExp(`^timestamps go backwards: packet ${backwards[0]} is [\\d.]+ s( \\([\\d.]+ h\\))? earlier than packet ${backwards[0]! - 1}` +
            (more > 0 ? `; ${more} more packets? (is|are) earlier than the one before` : '; packets are kept')),
        ),
      });
    }
    expect(warnings).toEqual(expected);
    if (row.packets > 0) {
      // capinfos prints as many fraction digits as each time needs (6 or 9).
      const digits = (t: string) => t.split('.')[1]!.length;
      expect(capinfosTime(min![0], min![1], digits(row.start))).toBe(row.start);
      expect(capinfosTime(max![0], max![1], digits(row.end))).toBe(row.end);
    }
  });
});
