import { GREASE_VALUES, cipherSuiteName, extensionName, groupName, hex16, isGrease, signatureSchemeName, versionName } from '../../../src/tls/registry/index.js';

const ALL_GREASE = [
  0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a,
  0x8a8a, 0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada, 0xeaea, 0xfafa,
];

describe('GREASE (RFC 8701 §2)', () => {
  it('recognises exactly the sixteen 0x?A?A values with equal bytes', () => {
    expect(GREASE_VALUES).toEqual(ALL_GREASE);
    for (const g of ALL_GREASE) expect(isGrease(g)).toBe(true);
    let count = 0;
    for (let c = 0; c <= 0xffff; c++) if (isGrease(c)) count++;
    expect(count).toBe(16);
  });

  it('rejects the neighbours of GREASE values', () => {
    for (const c of [0x0a0b, 0x0b0a, 0x0a09, 0x1a0a, 0x0a1a, 0x1b1b, 0xaaab, 0xfafb, 0xfbfa, 0x0aa0, 0xa0a0, 0x000a, 0x0a00, 0x0000, 0xffff]) {
      expect([c, isGrease(c)]).toEqual([c, false]);
    }
  });

  it('rejects values that are not uint16', () => {
    for (const c of [-0x0a0a, 0x10a0a, 0x1a1a0, 2570.5, Number.NaN]) expect(isGrease(c)).toBe(false);
  });

  it('names GREASE the same way in every 16-bit registry', () => {
    for (const g of ALL_GREASE) {
      const name = `GREASE (${hex16(g)})`;
      expect([cipherSuiteName(g), extensionName(g), groupName(g), signatureSchemeName(g), versionName(g)]).toEqual([name, name, name, name, name]);
    }
    expect(versionName(0x3a3a)).toBe('GREASE (0x3a3a)');
  });
});

describe('hex16', () => {
  it('prints 0x and four lowercase digits', () => {
    expect(hex16(0x0a0a)).toBe('0x0a0a');
    expect(hex16(0)).toBe('0x0000');
    expect(hex16(0x1)).toBe('0x0001');
    expect(hex16(0xc02f)).toBe('0xc02f');
    expect(hex16(0xffff)).toBe('0xffff');
  });

  it('does not disguise a value outside uint16 as a code point', () => {
    expect(hex16(-1)).toBe('invalid (-1)');
    expect(hex16(0x10000)).toBe('invalid (65536)');
    expect(hex16(1.5)).toBe('invalid (1.5)');
  });
});
