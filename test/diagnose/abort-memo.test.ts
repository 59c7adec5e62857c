import { findAbort } from '../../src/diagnose/handshake-state.js';
import { ModelBuilder } from './model-builder.js';

describe('findAbort memo per model', () => {
  it('answers repeated questions about one model with the same event', () => {
    const m = new ModelBuilder().clientHello(1, 0).alert('server', 2, 0.01, 2, 40).fin('server', 3, 0.02).build();
    const first = findAbort(m);
    expect(first).toMatchObject({ by: 'server', kind: 'alert', frame: 2, stage: 'client-hello' });
    expect(findAbort(m)).toBe(first);
  });

  it('does not answer for an older shape of a model a builder has added to', () => {
    const b = new ModelBuilder().clientHello(1, 0).serverHello(2, 0.01);
    const m = b.build();
    expect(findAbort(m)).toBeNull();
    b.rst('client', 3, 0.02);
    expect(findAbort(m)).toMatchObject({ by: 'client', kind: 'rst', frame: 3, stage: 'server-flight' });
    b.alert('client', 3, 0.02, 2, 48);
    // Same frame: the alert comes before the RST it travels with.
    expect(findAbort(m)).toMatchObject({ kind: 'alert', frame: 3 });
  });

  it('keeps models apart', () => {
    const a = new ModelBuilder({ id: 1 }).clientHello(1, 0).fin('client', 2, 0.01).build();
    const b = new ModelBuilder({ id: 2 }).clientHello(1, 0).rst('server', 2, 0.01).build();
    expect(findAbort(a)?.kind).toBe('fin');
    expect(findAbort(b)?.kind).toBe('rst');
    expect(findAbort(a)?.kind).toBe('fin');
  });
});
