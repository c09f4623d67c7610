/**
 * The counts every summary shows (text, the HTML report, the viewer's overview): connections by
 * final state pair and by Zeek conn_state, and every finding with the connection it belongs to.
 */
import type { Finding } from '../analysis/anomaly.js';
import { CONN_STATE_MEANING } from '../analysis/conn-summary.js';
import type { AnalysisDocument, ConnectionRecord } from './model.js';

/** How often each key occurs, most frequent first; ties in key order, so output is stable. */
export function countBy(keys: readonly string[]): [string, number][] {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return sortedCounts(m);
}

/** Counts already made (the viewer counts as connections arrive), in countBy's order. */
export function sortedCounts(m: ReadonlyMap<string, number>): [string, number][] {
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Capture-wide findings, then each connection's, tagged with its id. */
export function allFindings(doc: AnalysisDocument): (Finding & { conn?: number })[] {
  return [...doc.anomalies, ...doc.connections.flatMap((c) => c.anomalies.map((a) => ({ ...a, conn: c.id })))];
}

/** Counts by "client / server" final state and by conn_state (with its meaning). */
export function stateCounts(conns: readonly ConnectionRecord[]): { byStates: [string, number][]; byConnState: [string, number, string][] } {
  return {
    byStates: countBy(conns.map((c) => `${c.states.client} / ${c.states.server}`)),
    byConnState: countBy(conns.map((c) => c.zeek.conn_state)).map(([k, n]) => [k, n, CONN_STATE_MEANING[k as keyof typeof CONN_STATE_MEANING] ?? '']),
  };
}
