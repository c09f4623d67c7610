/**
 * The capture's performance at a glance (issue 14, "per capture"): the handshake RTT
 * distribution, payload resent and its share, and the connections that stalled (a zero-window
 * stall or a retransmission timeout). Gathered one connection at a time, so the text report and
 * the viewer, which never hold every connection, show the same figures as JSON and HTML.
 */
import { keepLowest } from './keep-lowest.js';
import type { ConnectionRecord, PerformanceSummary, StalledConnection } from './model.js';

/** Anomalies that mean a connection stood still: the receiver's window shut, or the sender's timer had to fire. */
export const STALL_ANOMALIES: readonly string[] = ['zero-window-stall', 'retransmission-timeout'];

/** Stalled connections listed by id (the rest are counted). */
const MAX_STALLED = 20;

export class PerformanceTally {
  private rtts: number[] = [];
  private payload = 0;
  private resent = 0;
  private stalledCount = 0;
  private readonly stalled: StalledConnection[] = [];

  add(c: ConnectionRecord): void {
    if (c.irtt !== null) this.rtts.push(c.irtt);
    for (const d of [c.figures.client, c.figures.server]) {
      this.payload += d.dataBytes;
      this.resent += Math.max(0, d.dataBytes - d.uniqueBytes - d.zeroWindowProbeBytes);
    }
    const stalls: StalledConnection['stalls'] = [];
    for (const a of c.anomalies) {
      if (STALL_ANOMALIES.includes(a.id) && !stalls.some((s) => s.id === a.id)) stalls.push({ id: a.id, frame: a.frame, side: a.side, detail: a.detail });
    }
    if (stalls.length === 0) return;
    this.stalledCount++;
    keepLowest(this.stalled, MAX_STALLED, c.id, (s) => s.id, () => ({ id: c.id, stream: c.stream, client: { ...c.client }, server: { ...c.server }, stalls }));
  }

  summary(): PerformanceSummary {
    const sorted = Float64Array.from(this.rtts).sort();
    const n = sorted.length;
    const rank = (p: number): number | null => (n === 0 ? null : (sorted[Math.max(0, Math.ceil(p * n) - 1)] as number));
    return {
      handshakeRtt: { connections: n, min: rank(0), median: rank(0.5), p95: rank(0.95), max: n === 0 ? null : (sorted[n - 1] as number) },
      payloadBytes: this.payload,
      retransmittedPayloadBytes: this.resent,
      retransmittedShare: this.payload === 0 ? null : Math.round((this.resent / this.payload) * 1e6) / 1e6,
      stalled: { count: this.stalledCount, connections: this.stalled.map((s) => ({ ...s, stalls: [...s.stalls] })) },
    };
  }
}

/** The summary of a whole list of connections (the JSON document's). */
export function performanceOf(conns: readonly ConnectionRecord[]): PerformanceSummary {
  const t = new PerformanceTally();
  for (const c of conns) t.add(c);
  return t.summary();
}
