import { flat } from './flat.js';

/**
 * ISO-8601 UTC text of a capture timestamp, keeping the sub-second digits the capture has.
 * Computed by calendar arithmetic rather than `Date`, whose range ends in year 275760: a corrupt
 * 64-bit pcapng timestamp must still print (as an expanded year, ISO 8601 §4.1.2.4), not throw.
 * The text is flat (one piece, see flat.ts): reports keep it.
 */
export function isoTime(sec: number, nsec: number): string {
  return flat(isoText(sec, nsec));
}

/**
 * {@link isoTime}'s text as concatenated, not made flat: for text written out at once (an ndjson
 * line), where flattening each time first would copy it once more.
 */
export function isoText(sec: number, nsec: number): string {
  // Timestamps come in order: most share their second with the one before.
  if (sec !== lastSec) {
    lastBase = secondText(sec);
    lastSec = sec;
  }
  if (nsec % 1000 === 0) return `${lastBase}.${String(nsec / 1000).padStart(6, '0')}Z`;
  return `${lastBase}.${String(nsec).padStart(9, '0')}Z`;
}

let lastSec = Number.NaN;
let lastBase = '';

const two = (n: number): string => (n >= 0 && n < 10 ? `0${n}` : String(n).padStart(2, '0'));

/** "YYYY-MM-DDTHH:MM:SS" of a second since 1970. */
function secondText(sec: number): string {
  const days = Math.floor(sec / 86400);
  const secOfDay = sec - days * 86400;
  const { year, month, day } = civilFromDays(days);
  const yearText = year >= 0 && year <= 9999 ? String(year).padStart(4, '0') : `${year < 0 ? '-' : '+'}${String(Math.abs(year)).padStart(6, '0')}`;
  const hh = Math.floor(secOfDay / 3600);
  const mm = Math.floor((secOfDay % 3600) / 60);
  const ss = Math.floor(secOfDay % 60);
  return `${yearText}-${two(month)}-${two(day)}T${two(hh)}:${two(mm)}:${two(ss)}`;
}

/** Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's civil_from_days). */
function civilFromDays(z0: number): { year: number; month: number; day: number } {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Milliseconds from (aSec, aNsec) to (bSec, bNsec). */
export function elapsedMs(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return (bSec - aSec) * 1000 + (bNsec - aNsec) / 1e6;
}
