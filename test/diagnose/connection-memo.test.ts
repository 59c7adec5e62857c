import { withConnectionMemo } from '../../src/diagnose/connection-memo.js';
import { diagnoseContext } from '../../src/diagnose/engine.js';
import { clientDroppedAfterHandshake, findAbort } from '../../src/diagnose/handshake-state.js';
import { serverRefusedHello } from '../../src/diagnose/hello-refusal.js';
import { serverCertificateRejection } from '../../src/diagnose/server-certificate.js';
import { outcomeOf } from '../../src/diagnose/outcome.js';
import type { TlsConnectionModel } from '../../src/tls/model.js';
import { ModelBuilder } from './model-builder.js';

/** curl's post-handshake name check: TLS 1.2 completes, then the client closes without data. */
function droppedAfterHandshake(id = 0): TlsConnectionModel {
  return new ModelBuilder({ id })
    .clientHello(1, 0)
    .serverHello(2, 0.01)
    .message('server', 2, 0.01, 11)
    .message('server', 2, 0.01, 14)
    .message('client', 3, 0.02, 16)
    .encryptedHandshake('client', 3, 0.02)
    .encryptedHandshake('server', 4, 0.03)
    .complete(4)
    .alert('client', 5, 0.04, 1, 0)
    .fin('client', 6, 0.04)
    .build();
}

describe('connection memo: what the rules ask, answered once per diagnosis', () => {
  it('gives every asker the same answer inside one memo', () => {
    const m = droppedAfterHandshake();
    withConnectionMemo(m, () => {
      const drop = clientDroppedAfterHandshake(m);
      expect(drop).toMatchObject({ by: 'client', kind: 'close-notify', frame: 5 });
      expect(clientDroppedAfterHandshake(m)).toBe(drop);
      const rejection = serverCertificateRejection(m);
      expect(rejection).toMatchObject({ kind: 'post-handshake' });
      expect(serverCertificateRejection(m)).toBe(rejection);
      expect(serverRefusedHello(m)).toBeNull();
    });
  });

  it('computes afresh outside a memo', () => {
    const m = droppedAfterHandshake();
    const a = clientDroppedAfterHandshake(m);
    const b = clientDroppedAfterHandshake(m);
    expect(b).toEqual(a);
    expect(b).not.toBe(a);
  });

  it('does not answer for another connection', () => {
    const m = droppedAfterHandshake(1);
    const other = new ModelBuilder({ id: 2 }).clientHello(1, 0).alert('server', 2, 0.01, 2, 40).build();
    withConnectionMemo(m, () => {
      expect(serverCertificateRejection(m)).not.toBeNull();
      expect(serverCertificateRejection(other)).toBeNull();
      expect(serverRefusedHello(other)).toMatchObject({ code: 40 });
      expect(serverRefusedHello(m)).toBeNull();
    });
  });

  it('keeps no answer once closed: a model that grew is judged anew', () => {
    const b = new ModelBuilder().clientHello(1, 0);
    const m = b.build();
    const ask = (): ReturnType<typeof diagnoseContext> =>
      diagnoseContext({ conn: m, outcome: outcomeOf(m), serverChain: null, clientChain: null, host: 'www.example.test', peers: [] });
    expect(ask().cause).toBe('incomplete-capture');
    withConnectionMemo(m, () => expect(findAbort(m)).toBeNull());
    b.alert('server', 2, 0.01, 2, 70);
    expect(withConnectionMemo(m, () => findAbort(m))).toMatchObject({ kind: 'alert', frame: 2 });
    const again = ask();
    expect(again.cause).toBe('protocol-version-mismatch');
    expect(again.abortedBy).toBe('server');
  });

  it('nests: an inner memo for another model leaves the outer one working', () => {
    const outer = droppedAfterHandshake(1);
    const inner = droppedAfterHandshake(2);
    withConnectionMemo(outer, () => {
      const first = clientDroppedAfterHandshake(outer);
      const innerAnswer = withConnectionMemo(inner, () => clientDroppedAfterHandshake(inner));
      expect(innerAnswer).toEqual(first);
      expect(innerAnswer).not.toBe(first);
      expect(clientDroppedAfterHandshake(outer)).toBe(first);
    });
  });
});
