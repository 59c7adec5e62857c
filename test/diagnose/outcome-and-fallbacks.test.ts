/** Outcomes judged from the wire, and the honest answers: not-tls, connection-reset, incomplete-capture, unknown. */
import { ModelBuilder } from './model-builder.js';
import { diagnose } from './context.js';
import { outcomeOf, diagnoseContext } from '../../src/diagnose/engine.js';
import { RULES } from '../../src/diagnose/rules/index.js';
import type { Rule } from '../../src/diagnose/types.js';

describe('outcomeOf', () => {
  test('a SYN answered by RST is failed; an unanswered SYN is incomplete', () => {
    const refused = new ModelBuilder().rst('server', 2, 0.0001).build();
    expect(outcomeOf(refused)).toBe('failed');
    expect(diagnose(refused)).toMatchObject({ cause: 'connection-reset', abortedBy: 'server', confidence: 'high' });
    const unanswered = new ModelBuilder().build();
    expect(outcomeOf(unanswered)).toBe('incomplete');
    expect(diagnose(unanswered).cause).toBe('incomplete-capture');
  });

  test('a capture that starts after the ClientHello is incomplete, even when it ends with a FIN', () => {
    const conn = new ModelBuilder().appData('server', 12, 0.1).fin('client', 13, 0.2).with((m) => (m.kind = 'tls')).build();
    expect(outcomeOf(conn)).toBe('incomplete');
    expect(diagnose(conn).summary).toMatch(/starts after the ClientHello/);
  });

  test('a capture that starts after the ClientHello but shows a fatal alert is failed, and the alert is used', () => {
    const conn = new ModelBuilder().alert('server', 12, 0.1, 2, 70).with((m) => (m.kind = 'tls')).build();
    expect(outcomeOf(conn)).toBe('failed');
  });

  test('only the client side of a handshake that went on is incomplete (ndpi tls_*_unidirectional_client)', () => {
    const conn = new ModelBuilder().clientHello(4, 0).message('client', 8, 0.05, 16, 70).ccs('client', 8, 0.05).encryptedHandshake('client', 8, 0.05, 40).appData('client', 9, 0.06).fin('client', 20, 3).build();
    expect(outcomeOf(conn)).toBe('incomplete');
    expect(diagnose(conn).summary).toMatch(/only the client's side/);
  });

  test('a capture that ends mid-handshake with no close is incomplete', () => {
    const conn = new ModelBuilder().clientHello(4, 0).serverHello(6, 0.01).message('server', 6, 0.01, 14, 4).build();
    expect(outcomeOf(conn)).toBe('incomplete');
    expect(diagnose(conn)).toMatchObject({ cause: 'incomplete-capture', confidence: 'high' });
  });

  test('a ClientHello the server never answers, then the client leaves, is failed: connection-reset naming the silence', () => {
    const conn = new ModelBuilder().clientHello(4, 0).fin('client', 9, 30).build();
    expect(outcomeOf(conn)).toBe('failed');
    const d = diagnose(conn);
    expect(d).toMatchObject({ cause: 'connection-reset', abortedBy: 'client' });
    expect(d.summary).toMatch(/never answered/);
  });
});

describe('not-tls', () => {
  test('an HTTP answer to a ClientHello is not-tls with the fix on both sides', () => {
    const conn = new ModelBuilder({ serverPort: 8080 }).clientHello(4, 0).notTls('server', 6, 'HTTP/1.1 response').fin('server', 7, 0.01).build();
    const d = diagnose(conn);
    expect(d).toMatchObject({ cause: 'not-tls', confidence: 'high', outcome: 'not-tls' });
    expect(d.summary).toMatch(/port 8080 answered with HTTP\/1\.1 response/);
    expect(d.remediation.map((r) => r.side).sort()).toEqual(['client', 'server']);
  });
});

describe('connection-reset and unknown', () => {
  test('an RST right after a modern ClientHello is connection-reset (medium)', () => {
    const conn = new ModelBuilder().clientHello(4, 0).rst('server', 5, 0.0002).build();
    const d = diagnose(conn);
    expect(d).toMatchObject({ cause: 'connection-reset', confidence: 'medium', abortedBy: 'server' });
    expect(d.evidence.map((e) => e.text)).toEqual([
      'frame 4: client -> server ClientHello offers TLS 1.3 and TLS 1.2, 15 cipher suites, server_name www.example.test',
      'frame 5: server -> client TCP RST (no alert), 0.2 ms after the ClientHello in frame 4',
    ]);
  });

  test('an alert that names a reason no cause covers (no_application_protocol) is unknown at medium with that reason', () => {
    const conn = new ModelBuilder().clientHello(4, 0).alert('server', 6, 0.001, 2, 120).build();
    const d = diagnose(conn);
    expect(d).toMatchObject({ cause: 'unknown', confidence: 'medium' });
    expect(d.summary).toMatch(/ALPN/);
  });

  test('a failure with part of the handshake missing before the abort offers incomplete-capture', () => {
    const conn = new ModelBuilder().clientHello(4, 0).serverHello(6, 0.01).gap('server', 8, 1448).message('server', 8, 0.01, 14, 4).alert('client', 10, 0.02, 2, 46).build();
    const d = diagnose(conn);
    expect(d.cause).toBe('incomplete-capture');
    expect(d.confidence).toBe('medium');
    expect(d.evidence.map((e) => e.frame)).toEqual([4, 8]);
    expect(d.evidence[1]!.text).toMatch(/1448 bytes of the server's stream/);
  });

  test('snaplen-cut packets with a readable protocol_version alert still give the version mismatch', () => {
    const conn = new ModelBuilder().clientHello(4, 0, { version: 0x0301, supportedVersions: [] }).alert('server', 6, 0.001, 2, 70).snaplenCut().build();
    const d = diagnose(conn);
    expect(d).toMatchObject({ cause: 'protocol-version-mismatch', confidence: 'high' });
    expect(d.alternatives).toContainEqual(expect.objectContaining({ cause: 'incomplete-capture' }));
  });
});

describe('ranking', () => {
  const failed = () => new ModelBuilder().clientHello(4, 0).rst('server', 5, 0.001).build();
  const ctx = () => ({ conn: failed(), outcome: 'failed' as const, serverChain: null, clientChain: null, host: null, peers: [] });
  const guess = (confidence: 'low' | 'medium'): Rule => ({
    id: 'guess',
    evaluate: () => [{ cause: 'cipher-suite-mismatch', abortedBy: 'server', confidence, summary: 'guess', evidence: [], remediation: [], why: 'a guess' }],
  });
  const admit = (cause: 'unknown' | 'connection-reset', confidence: 'low' | 'medium'): Rule => ({
    id: cause,
    evaluate: () => [{ cause, abortedBy: null, confidence, summary: cause, evidence: [], remediation: [], why: cause }],
  });

  test('higher confidence wins whatever the rule order', () => {
    expect(diagnoseContext(ctx(), [admit('unknown', 'low'), guess('medium')]).cause).toBe('cipher-suite-mismatch');
  });

  test('at equal medium confidence the earlier (more specific) rule wins', () => {
    expect(diagnoseContext(ctx(), [guess('medium'), admit('connection-reset', 'medium')]).cause).toBe('cipher-suite-mismatch');
    expect(diagnoseContext(ctx(), [admit('connection-reset', 'medium'), guess('medium')]).cause).toBe('connection-reset');
  });

  test('at low confidence an admission outranks a guess, which becomes an alternative', () => {
    const d = diagnoseContext(ctx(), [guess('low'), admit('unknown', 'low')]);
    expect(d.cause).toBe('unknown');
    expect(d.alternatives).toEqual([{ cause: 'cipher-suite-mismatch', confidence: 'low', why: 'a guess' }]);
  });

  test('a rule that throws is reported among the alternatives and the others still decide', () => {
    const broken: Rule = { id: 'broken', evaluate: () => { throw new Error('boom'); } };
    const d = diagnoseContext(ctx(), [broken, ...RULES]);
    expect(d.cause).toBe('connection-reset');
    expect(d.alternatives).toContainEqual({ cause: 'unknown', confidence: 'low', why: 'rule broken could not run: boom' });
  });

  test('every cause id has a rule file and a guide page', () => {
    const fs = require('node:fs') as typeof import('node:fs');
    const path = require('node:path') as typeof import('node:path');
    const { CAUSE_IDS } = require('../../src/diagnose/types.js') as typeof import('../../src/diagnose/types.js');
    for (const id of CAUSE_IDS) {
      expect(fs.existsSync(path.resolve(__dirname, '../../src/diagnose/rules', `${id}.ts`))).toBe(true);
      expect(fs.existsSync(path.resolve(__dirname, '../../docs/causes', `${id}.md`))).toBe(true);
    }
  });
});
