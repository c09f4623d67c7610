/**
 * The counts every summary shows (text, the HTML report, the viewer's overview): connections by
 * final state pair, by Zeek conn_state and by anomaly. A Tally counts connections as they
 * arrive (text and the viewer never hold them all); stateCounts counts a whole document.
 */
import type { Finding } from '../analysis/anomaly.js';
import type { AnomalyId } from '../analysis/anomaly-ids.js';
import { CONN_STATE_MEANING } from '../analysis/conn-summary.js';
import type { AnalysisDocument, ConnectionRecord } from './model.js';
import { PerformanceTally } from './performance.js';

/** How often each key occurs, most frequent first; ties in key order, so output is stable. */
export function countBy<K extends string>(keys: readonly K[]): [K, number][] {
  const m = new Map<K, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return sortedCounts(m);
}

/** Counts already made (the viewer counts as connections arrive), in countBy's order. */
export function sortedCounts<K extends string>(m: ReadonlyMap<K, number>): [K, number][] {
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Capture-wide findings, then each connection's, tagged with its id and tcp.stream. */
export function allFindings(doc: AnalysisDocument): (Finding<AnomalyId> & { conn?: number; stream?: number })[] {
  return [...doc.anomalies, ...doc.connections.flatMap((c) => c.anomalies.map((a) => ({ ...a, conn: c.id, stream: c.stream })))];
}

export interface StateCounts {
  /** "CLIENT / SERVER" final states, most frequent first. */
  byStates: [string, number][];
  /** conn_state, count and its meaning. */
  byConnState: [string, number, string][];
}

/** Connections counted one at a time: by final state pair, by conn_state, and findings by anomaly id. */
export class Tally {
  count = 0;
  private readonly states = new Map<string, number>();
  private readonly connStates = new Map<string, number>();
  /** Findings of the connections added (capture-wide ones are the caller's to add). */
  readonly anomalies = new Map<AnomalyId, number>();
  /** Frames per Wireshark tcp.analysis flag, over all connections. */
  readonly wiresharkFlags = new Map<string, number>();
  /** Zeek weirds by name, over every conn.log row of every connection (before weird.log's filtering). */
  readonly zeekWeirds = new Map<string, number>();
  /** Handshake RTTs, resent payload and stalled connections. */
  readonly performance = new PerformanceTally();

  /**
   * A Tally again from its structured clone (the viewer's analysis thread hands its counts over):
   * the clone keeps the fields but not the classes.
   */
  static fromClone(clone: Record<string, unknown>): Tally {
    const t = Object.assign(new Tally(), clone);
    Object.assign(t, { performance: Object.assign(new PerformanceTally(), clone['performance']) });
    return t;
  }

  add(c: ConnectionRecord): void {
    this.count++;
    this.performance.add(c);
    bump(this.states, `${c.states.client} / ${c.states.server}`);
    bump(this.connStates, c.zeek.conn_state);
    for (const a of c.anomalies) bump(this.anomalies, a.id);
    for (const flag in c.analysis) this.wiresharkFlags.set(flag, (this.wiresharkFlags.get(flag) ?? 0) + (c.analysis[flag] as number));
    for (const row of c.zeekRows) for (const w of row.weirds) bump(this.zeekWeirds, w.name);
  }

  /** Zeek weirds by name, most frequent first. */
  weirdCounts(): [string, number][] {
    return sortedCounts(this.zeekWeirds);
  }

  /** Frames per Wireshark flag, most frequent first. */
  flagCounts(): [string, number][] {
    return sortedCounts(this.wiresharkFlags);
  }

  stateCounts(): StateCounts {
    return {
      byStates: sortedCounts(this.states),
      byConnState: sortedCounts(this.connStates).map(([k, n]) => [k, n, CONN_STATE_MEANING[k as keyof typeof CONN_STATE_MEANING] ?? '']),
    };
  }

  /** Findings by id, with the capture-wide ones, most frequent first. */
  anomalyCounts(captureWide: readonly Finding<AnomalyId>[]): [AnomalyId, number][] {
    const counts = new Map(this.anomalies);
    for (const a of captureWide) bump(counts, a.id);
    return sortedCounts(counts);
  }
}

function bump<K extends string>(m: Map<K, number>, key: K): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

