import { ListInterner } from '../../src/tls/list-interner.js';
import { clientHelloModel, serverHelloModel } from '../../src/tls/hello-model.js';
import { parseClientHello } from '../../src/tls/client-hello.js';
import { parseServerHello } from '../../src/tls/server-hello.js';
import { Cursor } from '../../src/util/cursor.js';

/** A ClientHello body: TLS 1.2, empty session id, two suites, no compression, server_name `host`. */
function clientHelloBody(host: string, suites: number[]): Uint8Array {
  const name = Buffer.from(host, 'latin1');
  const sni = [0, name.length + 3, 0, name.length >> 8, name.length & 0xff, ...name];
  const ext = [0, 0, sni.length >> 8, sni.length & 0xff, ...sni];
  const suiteBytes = suites.flatMap((s) => [s >> 8, s & 0xff]);
  return Uint8Array.from([
    3, 3, ...new Array<number>(32).fill(7), 0,
    0, suiteBytes.length, ...suiteBytes, 1, 0,
    ext.length >> 8, ext.length & 0xff, ...ext,
  ]);
}

/** A ServerHello body: TLS 1.2, suite 0xc02f, renegotiation_info. */
function serverHelloBody(): Uint8Array {
  return Uint8Array.from([3, 3, ...new Array<number>(32).fill(9), 0, 0xc0, 0x2f, 0, 0, 5, 0xff, 0x01, 0, 1, 0]);
}

function clientHello(host: string, suites: number[], lists?: ListInterner) {
  const r = parseClientHello(new Cursor(clientHelloBody(host, suites)), lists);
  if (!r.ok) throw new Error('ClientHello not parsed');
  return clientHelloModel(0, 1, 0, 0, 0x0301, false, r.value);
}

describe('ListInterner', () => {
  it('gives one array for equal lists and keeps different ones apart', () => {
    const lists = new ListInterner();
    const a = lists.numbers([0x1301, 0xc02f]);
    expect(lists.numbers([0x1301, 0xc02f])).toBe(a);
    expect(lists.numbers([0xc02f, 0x1301])).not.toBe(a);
    expect(lists.numbers([0x1301])).not.toBe(a);
    const alpn = lists.strings(['h2', 'http/1.1']);
    expect(lists.strings(['h2', 'http/1.1'])).toBe(alpn);
    // One name with a comma is not the two names.
    expect(lists.strings(['h2,http/1.1'])).not.toBe(alpn);
  });

  it('starts over beyond its cap, still giving equal values', () => {
    const lists = new ListInterner(2);
    const first = lists.numbers([1]);
    lists.numbers([2]);
    lists.numbers([3]);
    const again = lists.numbers([1]);
    expect(again).not.toBe(first);
    expect(again).toEqual([1]);
  });
});

describe('hello models with a ListInterner', () => {
  it('share the lists of equal hellos and keep every value', () => {
    const lists = new ListInterner();
    const one = clientHello('a.example', [0xc02f, 0xc030], lists);
    const two = clientHello('b.example', [0xc02f, 0xc030], lists);
    expect(two.cipherSuites).toBe(one.cipherSuites);
    expect(two.extensions).toBe(one.extensions);
    expect(two.alpn).toBe(one.alpn);
    // The values are those of a model made without sharing.
    expect(two).toEqual(clientHello('b.example', [0xc02f, 0xc030]));
    expect(two.sni).toBe('b.example');
    const other = clientHello('a.example', [0xc02f], lists);
    expect(other.cipherSuites).toEqual([0xc02f]);
    expect(other.cipherSuites).not.toBe(one.cipherSuites);
  });

  it('share a ServerHello extension list', () => {
    const lists = new ListInterner();
    const parse = () => {
      const r = parseServerHello(new Cursor(serverHelloBody()));
      if (!r.ok) throw new Error('ServerHello not parsed');
      return serverHelloModel(1, 2, 0, 0, 0x0303, r.value, lists);
    };
    const one = parse();
    const two = parse();
    expect(one.extensions).toEqual([0xff01]);
    expect(two.extensions).toBe(one.extensions);
  });
});

describe('ListInterner read from the wire', () => {
  it('finds the list numbers() holds for the same values, and makes one only when new', () => {
    const lists = new ListInterner();
    const suites = lists.numbers([0x1301, 0xc02f]);
    // Lists inside a larger buffer, at an odd offset.
    const wire = Uint8Array.from([9, 0x13, 0x01, 0xc0, 0x2f, 0x13, 0x01, 9]);
    expect(lists.uint16s(wire, 1, 5)).toBe(suites);
    const reversed = lists.uint16s(wire, 3, 7);
    expect(reversed).toEqual([0xc02f, 0x1301]);
    expect(reversed).not.toBe(suites);
    expect(lists.numbers([0xc02f, 0x1301])).toBe(reversed);
    const bytes = lists.uint8s(wire, 1, 3);
    expect(bytes).toEqual([0x13, 0x01]);
    expect(lists.uint8s(Uint8Array.from([0x13, 0x01]), 0, 2)).toBe(bytes);
    // Equal values are one list, whatever their width on the wire.
    expect(lists.uint16s(Uint8Array.from([0, 0x13, 0, 0x01]), 0, 4)).toBe(bytes);
    expect(lists.uint16s(wire, 4, 4)).toEqual([]);
  });

  it('is what numbers() gives for an already shared list (the same object, not a copy)', () => {
    const lists = new ListInterner();
    const shared = lists.uint16s(Uint8Array.from([0, 1, 0, 2]), 0, 4);
    expect(lists.numbers(shared)).toBe(shared);
  });
});

describe('parseClientHello with a ListInterner', () => {
  const parse = (host: string, suites: number[], lists?: ListInterner) => {
    const r = parseClientHello(new Cursor(clientHelloBody(host, suites)), lists);
    if (!r.ok) throw new Error('ClientHello not parsed');
    return r.value;
  };

  it('gives the values a parse without one gives, every list shared between equal hellos', () => {
    const lists = new ListInterner();
    const one = parse('a.example', [0xc02f, 0xc030], lists);
    const two = parse('b.example', [0xc02f, 0xc030], lists);
    expect(two).toEqual(parse('b.example', [0xc02f, 0xc030]));
    const listFields = [
      'cipherSuites', 'compressionMethods', 'extensions', 'supportedVersions', 'alpn', 'supportedGroups', 'ecPointFormats',
      'signatureAlgorithms', 'signatureAlgorithmsCert', 'keyShareGroups', 'pskKeyExchangeModes', 'compressCertificate',
    ] as const;
    for (const field of listFields) expect(two[field]).toBe(one[field]);
    const other = parse('a.example', [0xc030], lists);
    expect(other.cipherSuites).toEqual([0xc030]);
    expect(other.cipherSuites).not.toBe(one.cipherSuites);
  });
});
