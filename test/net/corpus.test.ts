import fs from 'node:fs';
import path from 'node:path';
import { readCapture } from '../../src/capture/read-capture.js';
import { PacketDecoder } from '../../src/net/packet-decoder.js';
import { ipv4ToString, newTcpSegment } from '../../src/net/tcp-segment.js';

/**
 * Decodes every packet of every capture of the peer corpus and checks each TCP frame that
 * tshark's oracle (FILE.tshark.tsv: frames holding TLS) lists: the decoder must give a TCP
 * segment on that frame with the same addresses and ports.
 */
const corpus = path.resolve(__dirname, '../../../shared/corpus');
const present = fs.existsSync(path.join(corpus, 'CAPINFOS.tsv'));
if (!present) console.warn(`corpus not found at ${corpus}: corpus.test.ts skipped`);
const d = present ? describe : describe.skip;

function captures(): string[] {
  return fs.readFileSync(path.join(corpus, 'CAPINFOS.tsv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split('\t')[0]!);
}

interface Decoded {
  packets: number;
  frames: Map<number, string>;
  /** Frames that gave a TCP header quoted by an ICMP error. */
  quoted: number[];
  stats: PacketDecoder['stats'];
  warnings: string[];
}

async function decodeCapture(file: string): Promise<Decoded> {
  const warnings: string[] = [];
  const decoder = new PacketDecoder({ warn: (frame, text) => warnings.push(`${frame ?? '-'}: ${text}`) });
  const out = newTcpSegment();
  const frames = new Map<number, string>();
  const quoted: number[] = [];
  let packets = 0;
  await readCapture(file, {
    onPacket(packet) {
      packets++;
      if (decoder.decode(packet, out)) {
        const src = out.ipVersion === 4 ? ipv4ToString(out.src4) : out.src6;
        const dst = out.ipVersion === 4 ? ipv4ToString(out.dst4) : out.dst6;
        frames.set(out.frame, `${src} ${out.srcPort} ${dst} ${out.dstPort}`);
        if (out.quoted) quoted.push(out.frame);
      }
    },
  });
  decoder.finish();
  return { packets, frames, quoted, stats: decoder.stats, warnings };
}

/**
 * Where tshark's TCP fields do not come from a TCP segment of the frame, with the reason.
 * Anything else that differs fails the test.
 */
const EXPECTED_DIFFERENCES: Record<string, string> = {
  // Frame 1 is a 4-byte record: too short for an Ethernet header (tshark: [Malformed Packet]).
  'ndpi/gnutella.pcap: malformed': 'a 4-byte Ethernet frame',
};

/** The last value of a tshark field aggregated with '|' (the innermost layer of a tunnel). */
const last = (field: string | undefined) => (field ?? '').split('|').pop()!;

d('peer corpus', () => {
  it('decodes every capture; every TCP frame of the tshark oracle matches', async () => {
    const mismatches: string[] = [];
    const quotedFrames: Record<string, number[]> = {};
    const summary = { captures: 0, packets: 0, tcp: 0, checked: 0, malformed: 0, truncated: 0, unknownLinkTypes: new Map<number, number>() };
    for (const name of captures()) {
      const file = path.join(corpus, name);
      const { packets, frames, quoted, stats, warnings } = await decodeCapture(file);
      if (quoted.length > 0) quotedFrames[name] = quoted;
      if (quoted.length !== stats.icmpQuotingTcp) mismatches.push(`${name}: ${quoted.length} quoted headers, stats say ${stats.icmpQuotingTcp}`);
      summary.captures++;
      summary.packets += packets;
      summary.tcp += stats.tcp;
      summary.malformed += stats.malformed;
      summary.truncated += stats.truncated;
      for (const [t, n] of stats.unknownLinkTypes) summary.unknownLinkTypes.set(t, (summary.unknownLinkTypes.get(t) ?? 0) + n);
      // Every packet lands in exactly one count (reassembled datagrams are counted by protocol
      // on top of their fragments; the fragments themselves are not otherwise counted).
      let unknown = 0;
      for (const n of stats.unknownLinkTypes.values()) unknown += n;
      const accounted = stats.tcp + stats.udp + stats.icmp + stats.otherIp + stats.nonIp + stats.malformed + stats.truncated + unknown
        + stats.fragments - stats.reassembledDatagrams;
      if (accounted !== packets) mismatches.push(`${name}: ${packets} packets but ${accounted} accounted for (${JSON.stringify({ ...stats, unknownLinkTypes: [...stats.unknownLinkTypes] })})`);
      if (stats.malformed > 0 && !(`${name}: malformed` in EXPECTED_DIFFERENCES)) mismatches.push(`${name}: malformed: ${warnings.slice(0, 3).join(' / ')}`);

      const oracle = path.join(corpus, `${name}.tshark.tsv`);
      if (!fs.existsSync(oracle)) continue;
      for (const line of fs.readFileSync(oracle, 'utf8').trim().split('\n').slice(1)) {
        const c = line.split('\t');
        if (!c[4]) continue; // not TCP (DTLS, QUIC)
        summary.checked++;
        const expected = `${last(c[2]) || last(c[3])} ${last(c[4])} ${last(c[5]) || last(c[6])} ${last(c[7])}`;
        const got = frames.get(Number(c[0]));
        if (got !== expected && !(`${name} frame ${c[0]}` in EXPECTED_DIFFERENCES)) mismatches.push(`${name} frame ${c[0]}: tshark ${expected}, decoder ${got ?? 'no TCP segment'}`);
      }
    }
    console.log(`corpus: ${JSON.stringify({ ...summary, unknownLinkTypes: [...summary.unknownLinkTypes] })}`);
    expect(mismatches).toEqual([]);
    // ICMP errors quoting TCP: tshark fills tcp.* from the quoted header, and so does the decoder
    // (tuples of those in the oracle were compared above). Frames and counts are tshark's
    // `-Y "(icmp || icmpv6) && tcp"` on every capture of the corpus.
    expect(Object.fromEntries(Object.entries(quotedFrames).map(([k, v]) => [k, v.length]))).toEqual({
      'ja4/latest.pcapng': 5, 'ja4/ssh2.pcapng': 32, 'ndpi/alexa-app.pcapng': 2, 'ndpi/gnutella.pcap': 4, 'ndpi/instagram.pcap': 5,
    });
    expect(quotedFrames['ja4/latest.pcapng']).toEqual([32, 33, 34, 35, 36]);
    expect(quotedFrames['ja4/ssh2.pcapng']).toEqual([
      19, 21, 25, 197, 220, 222, 224, 226, 678, 679, 734, 764, 767, 784, 793, 795, 804, 816, 818, 820, 979, 981, 992, 1197, 1198, 1244, 1266, 1267, 1312, 1388, 1389, 1391,
    ]);
    expect(summary.captures).toBeGreaterThan(200);
  }, 300000);
});
