/**
 * Makes connection reports cheaper to keep all at once (`analyze()` holds every one until the
 * end): parts that are equal from connection to connection become one shared, frozen object.
 * A payload-less connection (a SYN flood makes a million) is mostly such parts: empty lists,
 * the server's endpoint, the same remediation. Sharing them took what its report keeps from
 * about 1,050 to about 700 bytes (docs/decisions.md, "Report building and output").
 *
 * Frozen, so that a caller who changes one connection's report gets an error instead of
 * silently changing every connection that shares the part.
 */
import type { ConnectionReport } from './schema.js';

type Diagnosis = ConnectionReport['diagnosis'];

/** The one empty list every report shares. */
const EMPTY: never[] = Object.freeze([]) as unknown as never[];

/** Record versions of a connection that carried no TLS record. */
const NO_RECORD_VERSIONS: ConnectionReport['recordVersions'] = Object.freeze({ client: EMPTY, server: EMPTY });

/**
 * Past this many distinct entries a table stops taking new ones (it only answers): a capture
 * whose parts never repeat must not pay for a table that holds each of them once more.
 */
const MAX_ENTRIES = 16_384;

/**
 * A table of shared values by key, bounded by {@link MAX_ENTRIES}, that first compares with the
 * value it gave last (connections in a row mostly repeat it: building the key costs more).
 */
class Table<V> {
  private readonly map = new Map<string, V>();
  private last: V | undefined;

  /**
   * The shared value: the last one given when `same` says it is equal, else the one kept for
   * `key()`, else a new one from `make()` (kept while there is room).
   */
  get(same: (last: V) => boolean, key: () => string, make: () => V): V {
    const last = this.last;
    if (last !== undefined && same(last)) return last;
    const k = key();
    let value = this.map.get(k);
    if (value === undefined) {
      value = make();
      if (this.map.size < MAX_ENTRIES) this.map.set(k, value);
    }
    this.last = value;
    return value;
  }
}

/** Same length, and objects with the same keys in the same order and the same values. */
function sameList<T extends object>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Record<string, unknown>;
    const y = b[i] as Record<string, unknown>;
    const xKeys = Object.keys(x);
    const yKeys = Object.keys(y);
    if (xKeys.length !== yKeys.length) return false;
    for (let k = 0; k < xKeys.length; k++) if (xKeys[k] !== yKeys[k] || x[xKeys[k]!] !== y[xKeys[k]!]) return false;
  }
  return true;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Frozen copy of a list of plain objects whose values are all strings or numbers. */
function frozenList<T extends object>(list: readonly T[]): T[] {
  return Object.freeze(list.map((x) => Object.freeze({ ...x }))) as T[];
}

/** Replaces equal parts of connection reports with shared frozen ones. One per analysis. */
export class SharedParts {
  private readonly strings = new Map<string, string>();
  private readonly endpoints = new Table<ConnectionReport['server']>();
  private readonly recordVersions = new Table<ConnectionReport['recordVersions']>();
  private readonly suites = new Table<NonNullable<ConnectionReport['cipherSuite']>>();
  private readonly remedies = new Table<Diagnosis['remediation']>();
  private readonly alternatives = new Table<Diagnosis['alternatives']>();

  /** One string instance per address (each connection's model carried its own copies). */
  private address(ip: string): string {
    const known = this.strings.get(ip);
    if (known !== undefined) return known;
    if (this.strings.size < MAX_ENTRIES) this.strings.set(ip, ip);
    return ip;
  }

  /**
   * The report, with its shareable parts replaced (in place) by shared frozen equal ones: the
   * server endpoint, the cipher suite, record versions, empty lists, remediation and
   * alternatives. Its JSON text is unchanged.
   */
  share(c: ConnectionReport): ConnectionReport {
    c.client.ip = this.address(c.client.ip);
    const server = c.server;
    c.server = this.endpoints.get(
      (last) => last.port === server.port && last.ip === server.ip,
      () => `${server.port}|${server.ip}`,
      () => Object.freeze({ ip: this.address(server.ip), port: server.port }),
    );
    const suite = c.cipherSuite;
    if (suite !== null) {
      c.cipherSuite = this.suites.get(
        (last) => last.code === suite.code && last.name === suite.name && last.openssl === suite.openssl,
        () => JSON.stringify([suite.code, suite.name, suite.openssl]),
        () => Object.freeze({ ...suite }),
      );
    }
    const rv = c.recordVersions;
    c.recordVersions =
      rv.client.length === 0 && rv.server.length === 0
        ? NO_RECORD_VERSIONS
        : this.recordVersions.get(
            (last) => sameNumbers(last.client, rv.client) && sameNumbers(last.server, rv.server),
            () => `${rv.client.join()}|${rv.server.join()}`,
            () => Object.freeze({ client: this.list(rv.client), server: this.list(rv.server) }),
          );
    if (c.certificates.length === 0) c.certificates = EMPTY;
    if (c.alerts.length === 0) c.alerts = EMPTY;
    if (c.messages.length === 0) c.messages = EMPTY;
    if (c.closes.length === 0) c.closes = EMPTY;
    const d = c.diagnosis;
    if (d.evidence.length === 0) d.evidence = EMPTY;
    const remediation = d.remediation;
    d.remediation =
      remediation.length === 0
        ? EMPTY
        : this.remedies.get((last) => sameList(last, remediation), () => JSON.stringify(remediation), () => frozenList(remediation));
    const alternatives = d.alternatives;
    d.alternatives =
      alternatives.length === 0
        ? EMPTY
        : this.alternatives.get((last) => sameList(last, alternatives), () => JSON.stringify(alternatives), () => frozenList(alternatives));
    return c;
  }

  private list(values: number[]): number[] {
    return values.length === 0 ? EMPTY : (Object.freeze([...values]) as number[]);
  }
}
