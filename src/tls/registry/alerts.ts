/** RFC 8446 §6 / RFC 5246 §7.2 alert names (IANA "TLS Alerts"). */
import { IANA_ALERT_DESCRIPTIONS, OTHER_ALERT_DESCRIPTIONS } from './alerts.data.js';
import { buildNameMap } from './name-map.js';

const names = buildNameMap([IANA_ALERT_DESCRIPTIONS, OTHER_ALERT_DESCRIPTIONS], { grease: false });

/**
 * The name of an alert description, e.g. 40 -> 'handshake_failure', 112 -> 'unrecognized_name';
 * null for a value no registry names (the report then keeps only the code).
 */
export function alertDescriptionName(code: number): string | null {
  return names.get(code) ?? null;
}

/**
 * RFC 5246 §7.2 AlertLevel: 1 -> 'warning', 2 -> 'fatal'; null otherwise. (TLS 1.3 keeps the byte but
 * says every alert except close_notify and user_canceled is fatal whatever it claims.)
 */
export function alertLevelName(level: number): 'warning' | 'fatal' | null {
  return level === 1 ? 'warning' : level === 2 ? 'fatal' : null;
}
