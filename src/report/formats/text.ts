/**
 * The terminal summary of `tcplens analyze` (the full report for people grows in its own issue):
 * capture facts, connections by final state pair and by Zeek conn_state, anomalies by id.
 */
import type { Finding } from '../../analysis/anomaly.js';
import type { AnalysisDocument } from '../model.js';

export function textSummary(doc: AnalysisDocument): string {
  const c = doc.capture;
  const lines: string[] = [];
  lines.push(`${c.file}: ${c.format ?? 'unknown format'}${c.gzip ? ' (gzip)' : ''}, ${c.packets} packets (${c.tcpPackets} TCP), ${c.first ?? '-'} → ${c.last ?? '-'}`);
  lines.push(`${doc.connections.length} TCP connection${doc.connections.length === 1 ? '' : 's'}`);
  const count = (keys: string[]): [string, number][] => {
    const m = new Map<string, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1]);
  };
  if (doc.connections.length > 0) {
    lines.push('', 'final states (client / server):');
    for (const [k, n] of count(doc.connections.map((x) => `${x.states.client} / ${x.states.server}`))) lines.push(`  ${String(n).padStart(6)}  ${k}`);
    lines.push('', 'Zeek conn_state:');
    for (const [k, n] of count(doc.connections.map((x) => x.zeek.conn_state))) lines.push(`  ${String(n).padStart(6)}  ${k}`);
  }
  const all: (Finding & { conn?: number })[] = [...doc.anomalies, ...doc.connections.flatMap((x) => x.anomalies.map((a) => ({ ...a, conn: x.id })))];
  if (all.length > 0) {
    lines.push('', 'anomalies:');
    for (const [id, n] of count(all.map((a) => a.id))) {
      const first = all.find((a) => a.id === id);
      lines.push(`  ${String(n).padStart(6)}  ${id}: e.g. ${first?.conn !== undefined ? `connection ${first.conn}, ` : ''}frame ${first?.frame}: ${first?.detail}`);
    }
  } else lines.push('', 'no anomalies');
  return lines.join('\n');
}
