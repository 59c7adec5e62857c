/** ISO-8601 UTC text of a capture timestamp, keeping the sub-second digits the capture has. */
export function isoTime(sec: number, nsec: number): string {
  const base = new Date(sec * 1000).toISOString().slice(0, 19);
  if (nsec % 1000 === 0) return `${base}.${String(nsec / 1000).padStart(6, '0')}Z`;
  return `${base}.${String(nsec).padStart(9, '0')}Z`;
}

/** Milliseconds from (aSec, aNsec) to (bSec, bNsec). */
export function elapsedMs(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return (bSec - aSec) * 1000 + (bNsec - aNsec) / 1e6;
}
