/**
 * The one door to @peculiar/x509: loads the Reflect metadata polyfill its DI container (tsyringe)
 * needs at import time — the library's README asks for one and does not depend on it —,
 * and points it at Node's WebCrypto. Every module of src/x509 imports the library from here so
 * that the order is right whatever module is loaded first.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

/** The DOM `Crypto` type @peculiar/x509 names; the project compiles without the DOM lib. */
type LibraryCrypto = NonNullable<Parameters<x509.X509Certificate['verify']>[1]>;

/** Node's WebCrypto, typed as the library expects it. */
export const nodeCrypto = webcrypto as unknown as LibraryCrypto;

x509.cryptoProvider.set(nodeCrypto);

export { x509 };
