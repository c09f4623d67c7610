/**
 * Batch audit: what one capture contributes (computed in a worker), the summary over all of
 * them, and the exit code scripts act on. Plain JSON, like report/model.ts.
 */
import { plural } from './plural.js';
import type { Severity } from '../analysis/anomaly.js';
import type { AuditRows } from './audit-rows.js';

export interface AuditFileResult {
  file: string;
  packets: number;
  tcpPackets: number;
  connections: number;
  /** Anomaly id → count, per-connection and capture-wide together. */
  anomalies: Record<string, number>;
  /** The highest severity found, or null. */
  maxSeverity: Severity | null;
  /** Anomaly id → severity, for --fail-on-severity. */
  severities: Record<string, Severity>;
  warnings: string[];
  /** Why the file could not be read to its end (with the byte offset), or null. */
  error: string | null;
  /** The HTML report written for it, relative to the --html folder. */
  html: string | null;
  seconds: number;
  /** The machine that analysed it (a queued audit's worker). */
  host?: string;
  /** Table rows for --db / --parquet; never printed. */
  rows?: AuditRows;
}

export interface AuditSummary {
  files: number;
  packets: number;
  connections: number;
  anomalies: Record<string, number>;
  unreadable: { file: string; error: string }[];
  /** Files in folders passed over because they are no captures (empty, text, other magic), with why. */
  skipped: { file: string; reason: string }[];
}

export const SEVERITY_RANK: Record<Severity, number> = { note: 0, warning: 1, error: 2 };

/** A file the audit could not analyse at all (missing, a dangling link, a FIFO, a worker that threw). */
export function failedResult(file: string, error: string): AuditFileResult {
  return { file, packets: 0, tcpPackets: 0, connections: 0, anomalies: {}, maxSeverity: null, severities: {}, warnings: [], error, html: null, seconds: 0 };
}

export function skippedText(n: number): string {
  return `${plural(n, 'file')} skipped: not captures`;
}

export function summarize(results: readonly AuditFileResult[], skipped: readonly { file: string; reason: string }[] = []): AuditSummary {
  const anomalies: Record<string, number> = {};
  for (const r of results) for (const [id, n] of Object.entries(r.anomalies)) anomalies[id] = (anomalies[id] ?? 0) + n;
  return {
    files: results.length,
    packets: results.reduce((n, r) => n + r.packets, 0),
    connections: results.reduce((n, r) => n + r.connections, 0),
    anomalies,
    unreadable: results.filter((r) => r.error !== null).map((r) => ({ file: r.file, error: r.error as string })),
    skipped: [...skipped],
  };
}

export interface FailPolicy {
  ids: readonly string[];
  severity: Severity | null;
}

/** The findings that make the audit fail under the policy, as "file: id" strings. */
export function failures(results: readonly AuditFileResult[], policy: FailPolicy): string[] {
  const out: string[] = [];
  for (const r of results) {
    for (const [id, n] of Object.entries(r.anomalies)) {
      if (n === 0) continue;
      const bySeverity = policy.severity !== null && SEVERITY_RANK[r.severities[id] ?? 'note'] >= SEVERITY_RANK[policy.severity];
      if (policy.ids.includes(id) || bySeverity) out.push(`${r.file}: ${id}`);
    }
  }
  return out;
}

/** One line for a person, as each file finishes. */
export function auditLine(r: AuditFileResult): string {
  if (r.error !== null && r.packets === 0) return `${r.file}: could not be read: ${r.error}`;
  const anomalies = Object.entries(r.anomalies)
    .sort((a, b) => b[1] - a[1])
    .map(([id, n]) => `${id}×${n}`)
    .join(', ');
  const tail = r.error !== null ? `; stopped early: ${r.error}` : '';
  return `${r.file}: ${plural(r.packets, 'packet')}, ${plural(r.connections, 'TCP connection')}, ${anomalies === '' ? 'no anomalies' : anomalies}${tail}`;
}

export function summaryText(s: AuditSummary): string {
  const lines = [`${plural(s.files, 'file')}, ${plural(s.packets, 'packet')}, ${plural(s.connections, 'TCP connection')}`];
  const ids = Object.entries(s.anomalies).sort((a, b) => b[1] - a[1]);
  lines.push(ids.length === 0 ? 'no anomalies' : `anomalies: ${ids.map(([id, n]) => `${id}×${n}`).join(', ')}`);
  if (s.skipped.length > 0) lines.push(skippedText(s.skipped.length));
  if (s.unreadable.length > 0) {
    lines.push(`${s.unreadable.length} file${s.unreadable.length === 1 ? '' : 's'} could not be read to the end:`);
    for (const u of s.unreadable) lines.push(`  ${u.file}: ${u.error}`);
  }
  return lines.join('\n');
}
