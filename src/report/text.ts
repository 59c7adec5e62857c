/**
 * The human report: one verdict per failed connection with evidence and fixes, then a summary
 * that groups identical failures so a capture of thousands of connections reads in one screen.
 */
import type { ConnectionReport, Report } from './schema.js';

/** Styling hooks: plain text by default, ANSI colors when printing to a terminal. */
export interface TextStyle {
  bad(s: string): string;
  good(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export const plainStyle: TextStyle = { bad: (s) => s, good: (s) => s, dim: (s) => s, bold: (s) => s };
export const ansiStyle: TextStyle = {
  bad: (s) => `\x1b[31m${s}\x1b[0m`,
  good: (s) => `\x1b[32m${s}\x1b[0m`,
  dim: (s) => `\x1b[2m${s}\x1b[0m`,
  bold: (s) => `\x1b[1m${s}\x1b[0m`,
};

const endpoint = (e: { ip: string; port: number }): string => (e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`);

/** Connections that get a detailed verdict: every one whose handshake did not simply succeed. */
export function needsVerdict(c: ConnectionReport): boolean {
  return c.outcome === 'failed' || c.outcome === 'incomplete' || (c.outcome === 'not-tls' && c.diagnosis.cause !== 'none');
}

/** Renders one connection's verdict block. */
export function renderConnection(c: ConnectionReport, style: TextStyle = plainStyle): string {
  const d = c.diagnosis;
  const lines: string[] = [];
  const head = `#${c.id} ${endpoint(c.client)} -> ${endpoint(c.server)}${c.sni ? ` (${c.sni})` : ''}`;
  const verdict = c.outcome === 'failed' ? style.bad(`FAILED: ${d.cause}`) : style.bold(`${c.outcome.toUpperCase()}: ${d.cause}`);
  lines.push(`${style.bold(head)}  ${verdict}  [${d.confidence} confidence]`);
  lines.push(`  ${d.summary}`);
  // A STARTTLS or proxy exchange comes first: say so, the engineer may be debugging that layer.
  if (c.plaintextPreamble) lines.push(`  TLS started after a plain ${c.plaintextPreamble.lookedLike} exchange (frame ${c.plaintextPreamble.tlsStartFrame})`);
  if (d.abortedBy) lines.push(`  aborted by the ${d.abortedBy}`);
  for (const e of d.evidence) lines.push(`  ${style.dim(`frame ${e.frame}:`)} ${e.text.replace(/^frame \d+:\s*/, '')}`);
  for (const r of d.remediation) lines.push(`  fix (${r.side}): ${r.text}`);
  for (const a of d.alternatives) lines.push(style.dim(`  or ${a.cause} (${a.confidence}): ${a.why}`));
  return lines.join('\n');
}

/** Renders the whole report as text. */
export function renderText(report: Report, style: TextStyle = plainStyle): string {
  const out: string[] = [];
  const cap = report.capture;
  out.push(`${cap.file ? `${cap.file}: ` : ''}${cap.format}, ${cap.packets} packets${cap.start ? `, ${cap.start} .. ${cap.end}` : ''}`);
  const shown = report.connections.filter(needsVerdict);
  const detailLimit = 20;
  for (const c of shown.slice(0, detailLimit)) out.push('', renderConnection(c, style));
  if (shown.length > detailLimit) out.push('', style.dim(`(${shown.length - detailLimit} more connections with the same kinds of verdict: see the summary, or --format json)`));

  const counts = { established: 0, failed: 0, incomplete: 0, 'not-tls': 0 };
  for (const c of report.connections) counts[c.outcome]++;
  out.push('', style.bold('Summary'));
  out.push(
    `  ${report.connections.length} TCP connections: ${style.good(`${counts.established} established`)}, ` +
      `${counts.failed ? style.bad(`${counts.failed} failed`) : '0 failed'}, ${counts.incomplete} incomplete, ${counts['not-tls']} not TLS`,
  );
  const groups = new Map<string, { n: number; first: ConnectionReport }>();
  for (const c of shown) {
    const key = `${c.diagnosis.cause}|${c.diagnosis.abortedBy}|${endpoint(c.server)}|${c.sni ?? ''}`;
    const g = groups.get(key);
    if (g) g.n++;
    else groups.set(key, { n: 1, first: c });
  }
  const sorted = [...groups.values()].sort((a, b) => b.n - a.n);
  for (const g of sorted) {
    const c = g.first;
    const by = c.diagnosis.abortedBy ? `, aborted by ${c.diagnosis.abortedBy}` : '';
    out.push(`  ${String(g.n).padStart(6)} x ${c.diagnosis.cause} -> ${endpoint(c.server)}${c.sni ? ` (${c.sni})` : ''}${by} (e.g. #${c.id})`);
  }
  if (report.warnings.length) {
    out.push('', style.bold(`Warnings (${report.warnings.length})`));
    for (const w of report.warnings.slice(0, 10)) out.push(`  ${w.frame === null ? '' : `frame ${w.frame}: `}${w.text}`);
    if (report.warnings.length > 10) out.push(`  ... ${report.warnings.length - 10} more (--format json lists them)`);
  }
  return out.join('\n') + '\n';
}
