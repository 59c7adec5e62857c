import { describeMagic } from '../../src/capture/describe-magic.js';
import { CaptureError } from '../../src/capture/packet.js';
import { readCapture } from '../../src/capture/read-capture.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('describeMagic', () => {
  it.each([
    [new Uint8Array(0), 'empty file'],
    [enc('GET / HTTP/1.1\r\nHost: example\r\n\r\n'), 'starts with "GET / HTTP/1.1" (text)'],
    [enc('-----BEGIN CERTIFICATE-----\nMIIB'), 'starts with "-----BEGIN CERTIFICATE-----" (text)'],
    [Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]), 'starts with 50 4b 03 04 (a zip archive)'],
    [Uint8Array.from([0x42, 0x5a, 0x68, 0x39, 0x31]), 'starts with 42 5a 68 39 (bzip2-compressed data: decompress it first)'],
    [Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), 'starts with 7f 45 4c 46 (an ELF executable)'],
    [Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 'starts with 00 01 02 03 04 05 06 07'],
    [Uint8Array.from([0xd4, 0xc3]), 'starts with d4 c3 (only 2 bytes)'],
  ])('%#: %s', (bytes, expected) => {
    expect(describeMagic(bytes)).toBe(expected);
  });
});

describe('reading something that is not a capture', () => {
  async function failure(input: Uint8Array): Promise<CaptureError> {
    try {
      await readCapture(input, { onPacket: () => {} });
    } catch (err) {
      expect(err).toBeInstanceOf(CaptureError);
      return err as CaptureError;
    }
    throw new Error('no error thrown');
  }

  it('names what it found, with the not-a-capture code', async () => {
    const err = await failure(enc('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(err.code).toBe('not-a-capture');
    expect(err.message).toBe('not a pcap or pcapng capture: starts with "GET / HTTP/1.1" (text)');
    expect((await failure(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...new Array(30).fill(0)]))).message).toBe(
      'not a pcap or pcapng capture: starts with 50 4b 03 04 (a zip archive)',
    );
  });

  it('an empty input', async () => {
    const err = await failure(new Uint8Array(0));
    expect([err.code, err.message]).toEqual(['not-a-capture', 'not a pcap or pcapng capture: empty file']);
  });

  it('a few bytes that cannot even hold a magic number', async () => {
    expect((await failure(Uint8Array.from([0x0a, 0x0d]))).message).toBe('not a pcap or pcapng capture: starts with 0a 0d (only 2 bytes)');
  });

  it('gzip-compressed text says both', async () => {
    const { gzipSync } = await import('node:zlib');
    const err = await failure(gzipSync(enc('hello world, this is not a capture\n')));
    expect(err.message).toBe('not a pcap or pcapng capture: gzip-compressed data that starts with "hello world, this is not a capture" (text)');
  });

  it('another capture format is unsupported, with the conversion to make', async () => {
    const snoop = Uint8Array.from([0x73, 0x6e, 0x6f, 0x6f, 0x70, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 4, ...new Array(40).fill(0)]);
    const err = await failure(snoop);
    expect(err.code).toBe('unsupported');
    expect(err.message).toMatch(/^a Sun snoop capture is not supported: convert it with "editcap -F pcapng IN OUT"/);
  });
});
