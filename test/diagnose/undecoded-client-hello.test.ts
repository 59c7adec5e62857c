/**
 * A ClientHello the capture holds but the decoder could not read (holes inside it, or a
 * declared length over the cap) is reported as such: the diagnosis must not claim the capture
 * started after it, and it names the frames and the bytes missing.
 */
import { ModelBuilder } from './model-builder.js';
import { diagnose } from './context.js';
import { outcomeOf } from '../../src/diagnose/engine.js';
import type { UndecodedMessageModel } from '../../src/tls/model.js';

const lostByHoles: UndecodedMessageModel = {
  direction: 0, type: 1, length: 3081, reason: 'gap', firstFrame: 8, lastFrame: 20, missingBytes: 1500, gapFrames: [12, 16, 20], cap: null,
};
const overCap: UndecodedMessageModel = {
  direction: 0, type: 1, length: 0xffffff, reason: 'too-large', firstFrame: 17, lastFrame: null, missingBytes: 0, gapFrames: [], cap: 262144,
};

describe('a ClientHello captured but not decoded', () => {
  test('cut by holes, server answered, client left: incomplete, with the frames and bytes missing', () => {
    const conn = new ModelBuilder()
      .gap('client', 12, 500).gap('client', 16, 500).gap('client', 20, 500)
      .serverHello(22, 0.02)
      .fin('client', 24, 0.03)
      .with((m) => {
        m.kind = 'tls';
        m.recordVersions[0].push(0x0301);
        m.undecodedMessages = [lostByHoles];
      })
      .build();
    expect(outcomeOf(conn)).toBe('incomplete');
    const d = diagnose(conn);
    expect(d.cause).toBe('incomplete-capture');
    expect(d.summary).not.toMatch(/starts after the ClientHello/);
    expect(d.summary).toMatch(/ClientHello \(frames 8-20\).*1500 of its 3081 bytes.*3 holes.*12, 16 and 20/);
    expect(d.evidence.map((e) => e.frame)).toEqual([8, 12, 16, 20]);
    expect(d.evidence[1]!.text).toMatch(/500 bytes/);
  });

  test('over the cap, then a fatal alert: failed, the summary names the declared length and the cap', () => {
    const conn = new ModelBuilder()
      .message('client', 17, 0, 1, 0xffffff)
      .alert('client', 146, 0.5, 2, 42)
      .with((m) => {
        m.kind = 'tls';
        m.undecodedMessages = [overCap];
      })
      .build();
    expect(outcomeOf(conn)).toBe('failed');
    const d = diagnose(conn);
    expect(d).toMatchObject({ cause: 'incomplete-capture', abortedBy: 'client', confidence: 'medium' });
    expect(d.summary).not.toMatch(/starts after the ClientHello/);
    expect(d.summary).toMatch(/bad_certificate.*ClientHello \(header in frame 17\) declares 16777215 bytes.*262144-byte cap/);
    expect(d.evidence.map((e) => e.frame)).toEqual([17, 146]);
    expect(d.remediation.map((r) => r.text).join(' ')).toMatch(/maxHandshakeBytes/);
  });

  test('an undecoded server message does not change the "starts after the ClientHello" reading', () => {
    const conn = new ModelBuilder()
      .appData('server', 12, 0.1)
      .fin('client', 13, 0.2)
      .with((m) => {
        m.kind = 'tls';
        m.undecodedMessages = [{ ...lostByHoles, direction: 1, type: 11 }];
      })
      .build();
    expect(diagnose(conn).summary).toMatch(/starts after the ClientHello/);
  });
});
