/** PeerFacts: what another connection contributes as evidence, kept instead of its model. */
import { peerFactsOf } from '../../src/diagnose/peer-facts.js';
import { CertificateInterner } from '../../src/tls/certificate-interner.js';
import { der } from '../x509/fixture-certificates.js';
import { ModelBuilder } from './model-builder.js';

const LEAF = der('leaf-valid');

describe('peerFactsOf', () => {
  test('keeps the answered hello, its name and frame, the server chain and whether the client used the connection', () => {
    const m = new ModelBuilder({ id: 9, clientIp: '192.0.2.7' })
      .clientHello(4, 0, { sni: 'www.example.test' })
      .serverHello(6, 0.01, { selectedVersion: 0x0303, cipherSuite: 0xc02f })
      .certificate('server', 7, 0.02, [LEAF])
      .complete(10)
      .appData('client', 11, 0.03)
      .build();
    const f = peerFactsOf(m);
    expect(f).toEqual({
      id: 9,
      clientIp: '192.0.2.7',
      accepted: { frame: 6, version: 0x0303, suite: 0xc02f },
      sni: 'www.example.test',
      helloFrame: 4,
      serverChain: [LEAF],
      serverChainSeen: { frame: 7, tsSec: m.certificates[0]!.tsSec, tsNsec: m.certificates[0]!.tsNsec },
      clientUsedIt: true,
    });
    expect(Object.isFrozen(f)).toBe(true);
  });

  test('a refused hello has no accepted answer, no chain, and was not used', () => {
    const m = new ModelBuilder({ id: 2 }).clientHello(4, 0, { sni: null }).alert('server', 5, 0.01, 2, 40).fin('server', 6, 0.02).build();
    expect(peerFactsOf(m)).toMatchObject({ accepted: null, sni: null, helloFrame: 4, serverChain: null, serverChainSeen: null, clientUsedIt: false });
  });

  test('an empty server Certificate message is no chain; a completed handshake without client data was not used', () => {
    const m = new ModelBuilder().clientHello(4, 0).serverHello(6, 0.01).certificate('server', 7, 0.01, []).complete(9).build();
    expect(peerFactsOf(m)).toMatchObject({ serverChain: null, serverChainSeen: null, clientUsedIt: false });
  });
});

describe('peerFactsOf with an interner', () => {
  test('facts built with an interner share the chain copies', () => {
    const interner = new CertificateInterner();
    const build = (id: number) => new ModelBuilder({ id }).clientHello(4, 0).serverHello(6, 0.01).certificate('server', 7, 0.01, [LEAF.slice()]).build();
    const [x, y] = [peerFactsOf(build(1), interner), peerFactsOf(build(2), interner)];
    expect(x.serverChain![0]).toBe(y.serverChain![0]);
  });
});
