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

  test('consecutive timestamps, in and out of order, give the same text as each alone', () => {
    // isoTime keeps the text of the last second: a repeat, a step back and a jump must not reuse it wrongly.
    const expected = (sec: number, nsec: number): string =>
      `${new Date(sec * 1000).toISOString().slice(0, 19)}.${nsec % 1000 === 0 ? String(nsec / 1000).padStart(6, '0') : String(nsec).padStart(9, '0')}Z`;
    const seconds = [1579293816, 1579293816, 1579293817, 1579293816, 0, 0, 86399, 86400, -1, 1579293816];
    const nanos = [0, 559976000, 559976123, 999999999, 1000, 5];
    for (const sec of seconds) for (const nsec of nanos) expect(isoTime(sec, nsec)).toBe(expected(sec, nsec));
  });
});
