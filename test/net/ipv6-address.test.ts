import { formatIpv6, Ipv6AddressCache } from '../../src/net/ipv6-address.js';

function address(text: string): Uint8Array {
  // Expands "a:b::c" into 16 bytes (test inputs only; no IPv4 tail).
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
  return Uint8Array.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 255]));
}

describe('formatIpv6 (RFC 5952)', () => {
  it.each([
    ['0:0:0:0:0:0:0:1', '::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['2001:db8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'], // first of two equal runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['2001:db8:0:0:1:0:0:0', '2001:db8:0:0:1::'], // the longest run wins
    ['fe80:0:0:0:abcd:ef01:2345:6789', 'fe80::abcd:ef01:2345:6789'],
    ['FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['1:0:0:0:0:0:0:0', '1::'],
  ])('%s -> %s', (input, expected) => {
    expect(formatIpv6(address(input), 0)).toBe(expected);
  });

  it('writes IPv4-mapped addresses with a dotted tail', () => {
    const bytes = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 33]);
    expect(formatIpv6(bytes, 0)).toBe('::ffff:192.0.2.33');
  });

  it('reads at an offset', () => {
    const bytes = new Uint8Array(20);
    bytes.set(address('2001:db8::5'), 4);
    expect(formatIpv6(bytes, 4)).toBe('2001:db8::5');
  });
});

describe('Ipv6AddressCache', () => {
  it('returns the same text for the same address and the right text after a slot collision', () => {
    const cache = new Ipv6AddressCache();
    const a = address('2001:db8::1');
    const b = address('2001:db9::1'); // same last bytes: same slot
    const first = cache.text(a, 0);
    expect(cache.text(a, 0)).toBe(first);
    expect(cache.text(b, 0)).toBe('2001:db9::1');
    expect(cache.text(a, 0)).toBe('2001:db8::1');
  });

  it('does not depend on the buffer it was filled from', () => {
    const cache = new Ipv6AddressCache();
    const a = address('2001:db8::7');
    expect(cache.text(a, 0)).toBe('2001:db8::7');
    a[0] = 0x30;
    expect(cache.text(a, 0)).toBe('3001:db8::7');
  });
});
