import * as path from 'node:path';
import { runPipeline } from '../../src/pipeline.js';
import { newConnectionModel, newDecodingModel, type TlsConnectionModel } from '../../src/tls/model.js';
import type { TcpConnectionInfo } from '../../src/tcp/stream-types.js';

const tcp: TcpConnectionInfo = {
  id: 0, ipVersion: 4, clientIp: '127.0.0.1', clientPort: 40000, serverIp: '127.0.0.1', serverPort: 443, roleSource: 'syn',
  firstFrame: 1, lastFrame: 1, firstTsSec: 0, firstTsNsec: 0, lastTsSec: 0, lastTsNsec: 0, packets: 1, closes: [],
};

async function models(capture: string): Promise<TlsConnectionModel[]> {
  const out: TlsConnectionModel[] = [];
  await runPipeline(path.resolve(__dirname, '../../samples/captures', capture), (m) => out.push(m), { warn: () => {} });
  return out;
}

describe('the model a decoder starts from', () => {
  it('equals newConnectionModel, its lists one frozen empty list that a write cannot change', () => {
    const m = newDecodingModel(tcp);
    expect(m).toEqual(newConnectionModel(tcp));
    const lists = [m.certificates, m.messages, m.alerts, m.changeCipherSpec, m.gaps, m.problems, m.undecodedMessages!, m.recordVersions[0], m.recordVersions[1]];
    for (const list of lists) expect(list).toBe(m.gaps);
    expect(Object.isFrozen(m.gaps)).toBe(true);
    expect(() => (m.gaps as unknown[]).push({})).toThrow(TypeError);
    expect(newDecodingModel(tcp).gaps).toEqual([]);
    // Other areas build models by hand and push into them: those lists stay their own.
    const own = newConnectionModel(tcp);
    own.gaps.push({ direction: 0, frame: 1, bytes: 1 });
    expect(newConnectionModel(tcp).gaps).toEqual([]);
  });

  it('gives each list a connection fills its own array, and leaves the others shared', async () => {
    const [first, resumed] = await models('tls12-resumption-session-id-openssl.pcap');
    for (const m of [first!, resumed!]) {
      expect(m.problems).toEqual([]);
      expect(m.gaps).toEqual([]);
      expect(m.undecodedMessages).toEqual([]);
      expect(m.messages.length).toBeGreaterThan(3);
    }
    expect(first!.gaps).toBe(resumed!.gaps);
    expect(first!.problems).toBe(resumed!.gaps);
    expect(first!.messages).not.toBe(resumed!.messages);
    expect(first!.changeCipherSpec).not.toBe(resumed!.changeCipherSpec);
    expect(first!.recordVersions[0]).not.toBe(resumed!.recordVersions[0]);
    // The full handshake carried the server's certificate, the resumed one none.
    expect(first!.certificates.length).toBe(1);
    expect(resumed!.certificates).toEqual([]);
  });

  it('fills gaps, problems and undecoded messages when a capture has them', async () => {
    const [m] = await models('tls12-snaplen-100-expired.pcap');
    expect(m!.gaps.length).toBeGreaterThan(0);
    expect(m!.problems.length).toBeGreaterThan(0);
    expect(Object.isFrozen(m!.gaps)).toBe(false);
  });
});
