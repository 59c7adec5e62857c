/**
 * Test support: drives a StreamConsumer with a fixture's segments cut into chunks of a given
 * size, honouring `control.skip` the way the reassembler does (the next n bytes after what was
 * delivered are dropped unseen) and recording every skip and every byte delivered.
 */
import type { Direction, StreamConsumer, StreamControl, TcpConnectionInfo } from '../../../src/tcp/stream-types.js';
import type { TcpStreamFixture } from './pcap-streams.js';

export interface FeedLog {
  skips: { direction: Direction; n: number }[];
  /** Stream offsets delivered per direction, as [start, end) ranges. */
  delivered: [number, number][][];
}

export class RecordingControl implements StreamControl {
  readonly skips: { direction: Direction; n: number }[] = [];
  readonly pending: [number, number] = [0, 0];
  skip(direction: Direction, n: number): void {
    this.skips.push({ direction, n });
    this.pending[direction] += n;
  }
}

export function infoFor(f: TcpStreamFixture, id = 0): TcpConnectionInfo {
  return {
    id,
    ipVersion: 4,
    clientIp: '127.0.0.1',
    clientPort: f.clientPort,
    serverIp: '127.0.0.1',
    serverPort: f.serverPort,
    roleSource: 'syn',
    firstFrame: f.firstFrame,
    lastFrame: f.lastFrame,
    firstTsSec: 0,
    firstTsNsec: 0,
    lastTsSec: 0,
    lastTsNsec: 0,
    packets: 0,
    closes: f.closes,
  };
}

/** Feeds every segment (and the closes, in frame order), then ends the connection. */
export function feed(consumer: StreamConsumer, control: RecordingControl, f: TcpStreamFixture, chunkSize: number): FeedLog {
  const delivered: [number, number][][] = [[], []];
  const offset: [number, number] = [0, 0];
  const closes = [...f.closes];
  for (const seg of f.segments) {
    while (closes.length > 0 && closes[0]!.frame < seg.frame) consumer.close(closes.shift()!);
    const d = seg.direction;
    let pos = 0;
    const bytes = seg.payload;
    while (pos < bytes.length) {
      const drop = Math.min(control.pending[d], bytes.length - pos);
      if (drop > 0) {
        control.pending[d] -= drop;
        pos += drop;
        offset[d] += drop;
        continue;
      }
      const n = Math.min(chunkSize, bytes.length - pos);
      delivered[d].push([offset[d], offset[d] + n]);
      // Hand over a copy padded with junk on both sides: the decoder must honour offset/length.
      const junk = new Uint8Array(n + 6).fill(0xee);
      junk.set(bytes.subarray(pos, pos + n), 3);
      consumer.data(d, junk, 3, n, seg.frame, seg.tsSec, seg.tsNsec);
      junk.fill(0xdd);
      pos += n;
      offset[d] += n;
    }
  }
  for (const c of closes) consumer.close(c);
  consumer.end(infoFor(f));
  return { skips: control.skips, delivered };
}
