import * as path from 'node:path';
import { runPipeline } from '../../src/pipeline.js';
import { NO_SESSION_ID, type TlsConnectionModel } from '../../src/tls/model.js';

async function models(capture: string): Promise<TlsConnectionModel[]> {
  const out: TlsConnectionModel[] = [];
  await runPipeline(path.resolve(__dirname, '../../samples/captures', capture), (m) => out.push(m), { warn: () => {} });
  return out;
}

describe('session ids in the models', () => {
  it('give a resumed connection one object for the id the server echoed', async () => {
    const [first, resumed] = await models('tls12-resumption-session-id-openssl.pcap');
    // The first connection: the server chose a new id, unlike the client's.
    expect(first!.serverHello!.sessionId).not.toBe(first!.clientHello!.sessionId);
    expect(Buffer.from(first!.serverHello!.sessionId).equals(Buffer.from(first!.clientHello!.sessionId))).toBe(false);
    expect(resumed!.resumption).toBe('session-id');
    expect(resumed!.serverHello!.sessionId).toBe(resumed!.clientHello!.sessionId);
    expect(resumed!.serverHello!.sessionId.length).toBe(32);
    // The echoed id is the one the server gave on the first connection.
    expect(Buffer.from(resumed!.clientHello!.sessionId).equals(Buffer.from(first!.serverHello!.sessionId))).toBe(true);
  });

  it('share one empty id between hellos without one', async () => {
    const [m] = await models('tls12-ok-node-to-gnutls.pcap');
    expect(m!.clientHello!.sessionId).toBe(NO_SESSION_ID);
    expect(NO_SESSION_ID.length).toBe(0);
    expect(m!.serverHello!.sessionId.length).toBe(32);
  });
});
