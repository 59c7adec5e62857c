/**
 * The decoder takes a shortcut for the common frame (IPv4 without options, not a fragment, TCP,
 * behind Ethernet, Linux cooked SLL/SLL2 or raw IP). These tests pin that the shortcut changes
 * nothing: every frame, sound or broken near the shortcut's limits, decodes exactly as the
 * same IP packet behind an 802.1Q VLAN tag, which only the general path handles.
 */
import { mulberry32 } from '../../scripts/mangle-capture.js';
import { LinkType } from '../../src/net/link-layer.js';
import { bytes, ethernet, ipv4, packet, tcp } from './frame-builder.js';
import { harness } from './decoder-harness.js';
import type { CapturedPacket } from '../../src/capture/packet.js';

const ETHERTYPE_IPV4 = 0x0800;

/** Link header in front of an IPv4 packet, for each link type the shortcut knows. */
const LINKS: Array<{ name: string; linkType: number; header: () => number[] }> = [
  { name: 'Ethernet', linkType: LinkType.ETHERNET, header: () => Array.from(ethernet(ETHERTYPE_IPV4, new Uint8Array(0))) },
  // struct sll_header: pkttype, hatype, halen, addr[8], protocol
  { name: 'Linux SLL', linkType: LinkType.LINUX_SLL, header: () => [0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 0x0a, 0, 0, 0x08, 0x00] },
  // struct sll2_header: protocol, reserved, if_index, hatype, pkttype, halen, addr[8]
  { name: 'Linux SLL2', linkType: LinkType.LINUX_SLL2, header: () => [0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 4, 6, 2, 0, 0, 0, 0, 0x0a, 0, 0] },
  { name: 'raw IP', linkType: LinkType.RAW, header: () => [] },
  { name: 'IPv4 link type', linkType: LinkType.IPV4, header: () => [] },
];

/** A random IPv4 packet, sound most of the time, with one or more fields near a limit otherwise. */
function randomIpPacket(rnd: () => number, rawIp: boolean): Uint8Array {
  const pick = <T>(...values: T[]): T => values[Math.floor(rnd() * values.length)]!;
  const sometimes = (p: number): boolean => rnd() < p;
  const payload = Array.from({ length: pick(0, 0, 1, 7, 40, 300) }, (_, i) => (i * 13 + 5) & 0xff);
  const optionWords = sometimes(0.15) ? pick(1, 3) : 0;
  const segment = tcp({
    srcPort: Math.floor(rnd() * 65536),
    dstPort: pick(443, 8443, 0),
    seq: Math.floor(rnd() * 2 ** 32),
    ack: Math.floor(rnd() * 2 ** 32),
    flags: Math.floor(rnd() * 256),
    window: Math.floor(rnd() * 65536),
    options: new Array<number>(optionWords * 4).fill(1),
    ...(sometimes(0.1) ? { dataOffset: Math.floor(rnd() * 16) } : {}),
    payload,
  });
  const ipOptions = sometimes(0.08) ? [1, 1, 1, 0] : [];
  const natural = 20 + ipOptions.length + segment.length;
  const totalLength = sometimes(0.2) ? pick(0, 19, 20, 39, 40, 41, natural - 1, natural + 1, natural + 6, 65535) : natural;
  return ipv4(segment, {
    src: [pick(10, 192, 255), Math.floor(rnd() * 256), 0, Math.floor(rnd() * 256)],
    dst: [pick(10, 172, 224), 16, 0, 1],
    protocol: sometimes(0.06) ? pick(17, 1, 4, 41, 50) : 6,
    version: !rawIp && sometimes(0.04) ? pick(6, 5, 0) : 4,
    ...(sometimes(0.04) ? { ihl: pick(0, 4, 15) } : {}),
    totalLength,
    moreFragments: sometimes(0.05),
    dontFragment: sometimes(0.5),
    fragmentOffset: sometimes(0.05) ? pick(8, 1480) : 0,
    options: ipOptions,
  });
}

/** The captured part of a frame and its original length: whole, cut by a snaplen, padded, or lying. */
function capture(rnd: () => number, frame: Uint8Array, linkHeader: number): { data: Uint8Array; originalLength: number } {
  const r = rnd();
  if (r < 0.6) return { data: frame, originalLength: frame.length };
  if (r < 0.8) {
    // Snaplen cut somewhere in the IP packet.
    const cut = linkHeader + 1 + Math.floor(rnd() * (frame.length - linkHeader));
    return { data: frame.slice(0, cut), originalLength: frame.length };
  }
  if (r < 0.9) {
    // Ethernet padding / trailer bytes after the IP packet.
    const padded = bytes(frame, new Array<number>(1 + Math.floor(rnd() * 20)).fill(0));
    return { data: padded, originalLength: padded.length };
  }
  // An original length below the captured length (a broken writer).
  return { data: frame, originalLength: Math.floor(rnd() * frame.length) };
}

/** The same captured IP bytes behind Ethernet with one VLAN tag (18 bytes instead of `linkHeader`). */
function reference(data: Uint8Array, originalLength: number, linkHeader: number, frame: number, tsSec: number): CapturedPacket {
  const tagged = ethernet(ETHERTYPE_IPV4, data.subarray(linkHeader), [[0x8100, 7]]);
  return packet(LinkType.ETHERNET, tagged, { originalLength: originalLength + 18 - linkHeader, frame, tsSec });
}

describe.each(LINKS)('the plain IPv4/TCP shortcut behind $name', ({ linkType, header }) => {
  it('decodes 3000 random frames exactly as the general path does (segments, stats, warnings)', () => {
    const rnd = mulberry32(linkType * 7919 + 17);
    const fast = harness();
    const general = harness();
    const got: unknown[] = [];
    const want: unknown[] = [];
    /** What the decoder said about one frame, with the payload offset taken from the IP header's start. */
    const outcome = (h: ReturnType<typeof harness>, decoded: boolean, ipStart: number): unknown =>
      decoded ? { ...h.out, data: h.payload(), payloadOffset: h.out.payloadOffset - ipStart } : { frame: h.out.frame, decoded };
    for (let frame = 1; frame <= 3000; frame++) {
      const linkHeader = header();
      const ip = randomIpPacket(rnd, linkType === LinkType.RAW);
      const { data, originalLength } = capture(rnd, bytes(linkHeader, ip), linkHeader.length);
      const p = packet(linkType, data, { originalLength, frame, tsSec: 1700000000 + frame });
      got.push(outcome(fast, fast.decode(p), linkHeader.length));
      want.push(outcome(general, general.decode(reference(data, originalLength, linkHeader.length, frame, p.tsSec)), 18));
    }
    fast.decoder.finish();
    general.decoder.finish();
    expect(got).toEqual(want);
    expect(fast.decoder.stats).toEqual(general.decoder.stats);
    expect(fast.warnings).toEqual(general.warnings);
    // Both sound and broken frames were exercised.
    expect(fast.decoder.stats.tcp).toBeGreaterThan(1500);
    expect(fast.decoder.stats.malformed + fast.decoder.stats.truncated).toBeGreaterThan(150);
  });
});
