/** A one-sentence account of how a failed handshake ended, for the causes that cannot say why. */
import { alertText } from './describe.js';
import type { AbortEvent } from './handshake-state.js';

/** "the server sent handshake_failure (40)", "the client reset the connection (RST)". */
export function actionText(a: AbortEvent): string {
  switch (a.kind) {
    case 'alert':
      return `the ${a.by} sent the fatal alert ${alertText(a.alert!.description!)}`;
    case 'encrypted-alert':
      return `the ${a.by} sent an encrypted alert`;
    case 'close-notify':
      return `the ${a.by} sent close_notify`;
    case 'rst':
      return `the ${a.by} reset the connection (RST) without an alert`;
    case 'fin':
      return `the ${a.by} closed the connection (FIN) without an alert`;
  }
}

/** "right after the ClientHello", "after the server's encrypted handshake flight". */
export function whenText(a: AbortEvent): string {
  if (!a.last) return 'before any handshake message';
  switch (a.stage) {
    case 'complete':
      return 'after the handshake completed';
    default:
      return `right after the ${a.last.name} (frame ${a.last.frame})`;
  }
}
