/**
 * Names what a file that is not a pcap/pcapng capture starts with, so the error a user sees
 * says what they fed in ("a zip archive", the first line of a text file) rather than a bare
 * "bad magic".
 */

/** Other file kinds recognised by their first bytes, with what to call them. */
const SIGNATURES: ReadonlyArray<{ bytes: readonly number[]; what: string }> = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive' },
  { bytes: [0x1f, 0x8b], what: 'gzip-compressed data' },
  { bytes: [0x42, 0x5a, 0x68], what: 'bzip2-compressed data: decompress it first' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed data: decompress it first' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed data: decompress it first' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'an ELF executable' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x30, 0x82], what: 'DER data, perhaps a certificate' },
];

/** Capture formats of other tools: recognised, so the user is told to convert rather than "not a capture". */
const OTHER_CAPTURE_FORMATS: ReadonlyArray<{ bytes: readonly number[]; what: string }> = [
  { bytes: [0x73, 0x6e, 0x6f, 0x6f, 0x70, 0x00, 0x00, 0x00], what: 'a Sun snoop capture' },
  { bytes: [0x52, 0x54, 0x53, 0x53], what: 'a Microsoft Network Monitor 1.x capture' },
  { bytes: [0x47, 0x4d, 0x42, 0x55], what: 'a Microsoft Network Monitor 2.x capture' },
  { bytes: [0x62, 0x74, 0x73, 0x6e, 0x6f, 0x6f, 0x70, 0x00], what: 'a btsnoop (Bluetooth HCI) capture' },
];

function startsWith(bytes: Uint8Array, sig: readonly number[]): boolean {
  if (bytes.length < sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[i] !== sig[i]) return false;
  return true;
}

function hex(bytes: Uint8Array, n: number): string {
  return Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * The first line of the bytes when they are text (valid UTF-8 without control characters other
 * than tabs and line ends), else null. Too few bytes to tell is not text.
 */
function firstLineOfText(bytes: Uint8Array): string | null {
  const head = bytes.subarray(0, 64);
  if (head.length < 4) return null;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // The 64-byte cut may split a multi-byte character: allow up to 3 bytes of it to go.
  for (let cut = 0; cut <= 3; cut++) {
    let text: string;
    try {
      text = decoder.decode(head.subarray(0, head.length - cut));
    } catch {
      continue;
    }
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return null;
    const line = text.split(/\r?\n/)[0]!;
    return line.length > 0 ? line.slice(0, 40) : null;
  }
  return null;
}

/**
 * Another capture format this reader does not read (snoop, Network Monitor, btsnoop), named;
 * null when the bytes are not one of those.
 */
export function describeOtherCaptureFormat(bytes: Uint8Array): string | null {
  for (const f of OTHER_CAPTURE_FORMATS) if (startsWith(bytes, f.bytes)) return f.what;
  return null;
}

/**
 * Says what the first bytes of a file are, for an error message:
 * `empty file`, `starts with 50 4b 03 04 (a zip archive)`, `starts with "GET / HTTP/1.1" (text)`,
 * `starts with 00 01 02 03 04 05 06 07`.
 */
export function describeMagic(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'empty file';
  const other = describeOtherCaptureFormat(bytes);
  if (other) return `starts with ${hex(bytes, 8)} (${other})`;
  for (const s of SIGNATURES) {
    if (startsWith(bytes, s.bytes)) return `starts with ${hex(bytes, Math.max(s.bytes.length, 4))} (${s.what})`;
  }
  const line = firstLineOfText(bytes);
  if (line !== null) return `starts with ${JSON.stringify(line)} (text)`;
  const shown = Math.min(bytes.length, 8);
  const suffix = bytes.length < 8 ? ` (only ${bytes.length} byte${bytes.length === 1 ? '' : 's'})` : '';
  return `starts with ${hex(bytes, shown)}${suffix}`;
}
