/**
 * The terminal report of `tcplens analyze`: the capture's facts; connections by final state pair
 * and by Zeek conn_state; anomalies by id with their explanation and the first examples; then a
 * table of connections.
 */
import type { Finding } from '../../analysis/anomaly.js';
import { RULES } from '../../analysis/rules/index.js';
import type { AnalysisDocument, ConnectionRecord } from '../model.js';
import { allFindings, countBy, stateCounts } from '../summary.js';
import { PLAIN, severityStyle, type Style } from './style.js';

const CAPTURE_WIDE: Record<string, string> = {
  'syn-flood': 'many half-open handshakes to one ip:port at once (a SYN flood)',
  'port-scan': 'one source trying many ports, mostly refused or unanswered',
  'time-wait-reuse': 'a four-tuple reused within 2×MSL of TIME-WAIT',
};

export interface TextOptions {
  style?: Style;
  /** Connections listed in the table (the rest are counted). */
  maxRows?: number;
  examples?: number;
}

export function textReport(doc: AnalysisDocument, opts: TextOptions = {}): string {
  const st = opts.style ?? PLAIN;
  const maxRows = opts.maxRows ?? 50;
  const examples = opts.examples ?? 3;
  const c = doc.capture;
  const out: string[] = [];
  out.push(st.bold(c.file));
  out.push(`  ${c.format ?? 'unknown format'}${c.gzip ? ' (gzip)' : ''}, ${c.packets} packets (${c.tcpPackets} TCP), ${c.bytes} bytes`);
  out.push(`  ${c.first ?? '-'} → ${c.last ?? '-'}`);
  for (const w of c.warnings) out.push(st.yellow(`  warning: ${w.message}`));
  if (c.error) out.push(st.red(`  error at byte ${c.error.offset}: ${c.error.message}`));
  const conns = doc.connections;
  out.push('', st.bold(`${conns.length} TCP connection${conns.length === 1 ? '' : 's'}`));
  if (conns.length > 0) {
    out.push('', 'by final state (client / server):');
    const { byStates, byConnState } = stateCounts(conns);
    for (const [k, n] of byStates) out.push(`  ${String(n).padStart(7)}  ${k}`);
    out.push('', 'by Zeek conn_state:');
    for (const [k, n, meaning] of byConnState) out.push(`  ${String(n).padStart(7)}  ${k.padEnd(6)} ${st.dim(meaning)}`);
  }
  const all = allFindings(doc);
  out.push('', st.bold(all.length === 0 ? 'no anomalies' : 'anomalies:'));
  for (const [id, n] of countBy(all.map((a) => a.id))) {
    const list = all.filter((a) => a.id === id);
    const rule = RULES.find((r) => r.id === id);
    const sev = list[0]?.severity ?? 'note';
    out.push(`  ${String(n).padStart(7)}  ${severityStyle(st, sev)(`${id} (${sev})`)}  ${st.dim(rule ? firstLine(rule.doc) : (CAPTURE_WIDE[id] ?? ''))}`);
    for (const a of list.slice(0, examples)) {
      out.push(`           ${a.conn !== undefined ? `connection ${a.conn}, ` : ''}frame ${a.frame}: ${a.detail}`);
    }
    if (list.length > examples) out.push(st.dim(`           … and ${list.length - examples} more`));
  }
  if (conns.length > 0) {
    out.push('', st.bold('connections:'));
    out.push(...table(conns.slice(0, maxRows), st));
    if (conns.length > maxRows) out.push(st.dim(`  … ${conns.length - maxRows} more (use --format json or csv for all, or filter with --host, --port, --state, --anomaly, --conn)`));
  }
  return out.join('\n');
}

function table(rows: ConnectionRecord[], st: Style): string[] {
  const head = ['id', 'client → server', 'start', 'duration', 'pkts c/s', 'bytes c/s', 'final states c / s', 'anomalies'];
  const cells = rows.map((c) => [
    String(c.id),
    `${addr(c.client)} → ${addr(c.server)}`,
    c.start,
    `${c.duration.toFixed(3)} s`,
    `${c.packets.client}/${c.packets.server}`,
    `${c.bytes.client}/${c.bytes.server}`,
    `${c.states.client} / ${c.states.server}`,
    c.anomalies.length === 0 ? '-' : [...new Set(c.anomalies.map((a) => a.id))].join(','),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => `  ${r.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}`;
  return [st.dim(line(head)), ...cells.map(line)];
}

function addr(a: { ip: string; port: number }): string {
  return a.ip.includes(':') ? `[${a.ip}]:${a.port}` : `${a.ip}:${a.port}`;
}

function firstLine(doc: string): string {
  const lines = doc.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('- '));
  return lines.map((l) => l.slice(2)).join('; ');
}

