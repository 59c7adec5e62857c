import { isoTime } from '../../src/report/time.js';

describe('isoTime', () => {
  test.each([
    [0, 0, '1970-01-01T00:00:00.000000Z'],
    [1579293816, 559976000, '2020-01-17T20:43:36.559976Z'],
    [1579293816, 559976123, '2020-01-17T20:43:36.559976123Z'],
    [951782400, 0, '2000-02-29T00:00:00.000000Z'],
    [-1, 0, '1969-12-31T23:59:59.000000Z'],
  ])('%d s %d ns -> %s', (sec, nsec, text) => {
    expect(isoTime(sec, nsec)).toBe(text);
  });

  test('agrees with Date over a spread of times', () => {
    for (let sec = -2e9; sec < 4e9; sec += 7777777) {
      expect(isoTime(sec, 0).slice(0, 19)).toBe(new Date(sec * 1000).toISOString().slice(0, 19));
    }
  });

  test('a timestamp beyond Date\'s range prints as an expanded year instead of throwing', () => {
    // 0xffffffff_ffffffff microseconds: what a corrupt pcapng timestamp gives.
    const sec = Math.floor(18446744073709551615 / 1e6);
    expect(isoTime(sec, 0)).toMatch(/^\+\d{6}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });
});
