import { ipv4ToString } from '../../src/net/tcp-segment.js';

/** The dotted text computed directly, to check the cached one against. */
const dotted = (a: number): string => [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join('.');

describe('ipv4ToString', () => {
  it('writes addresses on both sides of 2^31 as dotted text', () => {
    expect(ipv4ToString(0)).toBe('0.0.0.0');
    expect(ipv4ToString(0x7f000001)).toBe('127.0.0.1');
    expect(ipv4ToString(0xc0a80a01)).toBe('192.168.10.1');
    expect(ipv4ToString(0xffffffff)).toBe('255.255.255.255');
    // Callers may hand the address as a signed 32-bit integer.
    expect(ipv4ToString(0xc0a80a01 | 0)).toBe('192.168.10.1');
  });

  it('gives each address its own text when addresses share a cache slot', () => {
    // Far more addresses than the cache has slots: every slot is reused many times.
    const addresses = Array.from({ length: 20000 }, (_, i) => (0x0a000000 + i * 7919) >>> 0);
    for (const a of addresses) expect(ipv4ToString(a)).toBe(dotted(a));
    for (const a of addresses.reverse()) expect(ipv4ToString(a)).toBe(dotted(a));
  });
});
