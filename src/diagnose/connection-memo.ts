/**
 * Answers about one connection that many rules ask during one diagnosis (where the handshake
 * stopped, whether the client turned the server certificate down, whether the server refused
 * the client...), each computed once per diagnosis instead of once per rule that asks.
 *
 * The memo lives only inside {@link withConnectionMemo}, a synchronous section the engine opens
 * around its rules: a model cannot change while it is open, and an answer never outlives it.
 * Outside it (a helper called on its own, a model a test builder adds to between calls) every
 * question is computed afresh, as before.
 */
import type { TlsConnectionModel } from '../tls/model.js';

const UNASKED: unique symbol = Symbol('unasked');
let questions = 0;
/** The connection of the open memo (null when none is open) and its answers, per question (its slot), or UNASKED. */
let openConn: TlsConnectionModel | null = null;
let openAnswers: unknown[] = [];
/** The answers array of the last memo closed, for the next one (one diagnosis at a time). */
let spare: unknown[] | null = null;

/**
 * Runs `body` with a memo for `conn` open: {@link memoizedQuestion} questions about `conn` asked
 * inside it are answered once. Nesting is allowed (the inner memo is closed on return).
 * `body` gets `a` and `b`, so a caller can pass a function declared once instead of a closure
 * made per call.
 */
export function withConnectionMemo<T>(conn: TlsConnectionModel, body: () => T): T;
export function withConnectionMemo<T, A, B>(conn: TlsConnectionModel, body: (a: A, b: B) => T, a: A, b: B): T;
export function withConnectionMemo<T, A, B>(conn: TlsConnectionModel, body: (a?: A, b?: B) => T, a?: A, b?: B): T {
  const outerConn = openConn;
  const outerAnswers = openAnswers;
  const answers = spare ?? [];
  spare = null;
  // Filled, not allocated: one diagnosis after another reuse the same array.
  for (let i = 0; i < questions; i++) answers[i] = UNASKED;
  openConn = conn;
  openAnswers = answers;
  try {
    return body(a, b);
  } finally {
    openConn = outerConn;
    openAnswers = outerAnswers;
    answers.fill(UNASKED);
    spare = answers;
  }
}

/**
 * `question`, answered once per open memo of a connection. `question` must be a pure function of
 * the model whose answer nobody mutates: every rule that asks gets the same object.
 */
export function memoizedQuestion<T>(
  question: (conn: TlsConnectionModel) => T,
  /** How to answer outside a memo, when not `question` itself (e.g. with a longer-lived memo of its own). */
  outside: (conn: TlsConnectionModel) => T = question,
): (conn: TlsConnectionModel) => T {
  const slot = questions++;
  return (conn) => {
    if (openConn !== conn) return outside(conn);
    // Read once: a question asked inside `question` may open and close a nested memo.
    const answers = openAnswers;
    const known = answers[slot];
    if (known !== UNASKED) return known as T;
    const answer = question(conn);
    answers[slot] = answer;
    return answer;
  };
}
