/**
 * The terminal report of `tcplens analyze`: the capture's facts; connections by final state pair
 * and by Zeek conn_state; frames by Wireshark flag; anomalies by id with their explanation and the first examples; then a
 * table of connections.
 */
import { atByte } from '../../capture/errors.js';
import { formatEndpoint } from '../../decode/format.js';
import type { Finding } from '../../analysis/anomaly.js';
import { explanation } from '../../analysis/anomaly-ids.js';
import type { TrackerWarning } from '../../tcp/tracker.js';
import type { AnalysisDocument, CaptureRecord, ConnectionRecord } from '../model.js';
import { Tally } from '../summary.js';
import { PLAIN, severityStyle, type Style } from './style.js';
import { plural } from '../plural.js';
import { TimeFormatter } from '../time-format.js';
import { figuresBlock, figuresWorthShowing, performanceLines } from './figures-text.js';


export interface TextOptions {
  style?: Style;
  /** Connections listed in the table (the rest are counted). */
  maxRows?: number;
  examples?: number;
  /** Print tcptrace's figures for every connection shown (--conn, --stream), not only those with resends, zero windows or reordering. */
  allFigures?: boolean;
  /** Connections whose figures are printed (the lowest ids); the rest are counted. */
  maxFigures?: number;
}

/**
 * The report, gathered one connection at a time (as connections end, in any order), so that
 * `analyze` keeps only counts, a few examples per anomaly and the first rows of the table: a
 * capture of a million connections reports in bounded memory.
 */
export class TextSummary {
  private readonly maxRows: number;
  private readonly examples: number;
  private readonly tally = new Tally();
  /** Per anomaly id, its first examples by connection id (then by frame within one). */
  private readonly examplesOf = new Map<string, (Finding & { conn: number; stream: number })[]>();
  /** The connections with the lowest ids, sorted by id. */
  private readonly rows: ConnectionRecord[] = [];
  private readonly allFigures: boolean;
  private readonly maxFigures: number;
  /** Connections whose figures are printed, lowest ids first, and how many qualified. */
  private readonly figureRows: ConnectionRecord[] = [];
  private figureCount = 0;

  constructor(opts: TextOptions = {}) {
    this.maxRows = opts.maxRows ?? 50;
    this.examples = opts.examples ?? 3;
    this.allFigures = opts.allFigures ?? false;
    this.maxFigures = opts.maxFigures ?? 10;
  }

  add(c: ConnectionRecord): void {
    this.tally.add(c);
    if (this.allFigures || figuresWorthShowing(c)) {
      this.figureCount++;
      keepLowest(this.figureRows, c, this.maxFigures, (x) => x.id);
    }
    for (const a of c.anomalies) {
      let list = this.examplesOf.get(a.id);
      if (list === undefined) this.examplesOf.set(a.id, (list = []));
      keepLowest(list, { ...a, conn: c.id, stream: c.stream }, this.examples, (x) => x.conn);
    }
    keepLowest(this.rows, c, this.maxRows, (x) => x.id);
  }

  /**
   * `time` formats the table's start times (--time; default: ISO in UTC, 6 digits); the
   * capture's first and last times are absolute (ISO, or epoch with --time epoch).
   */
  render(
    capture: CaptureRecord,
    captureWide: readonly Finding[],
    st: Style = PLAIN,
    warnings: readonly TrackerWarning[] = [],
    time: TimeFormatter = new TimeFormatter('iso', 6, capture.first),
    /** With filters (--conn, --host, …): the capture's connections in all, of which `count` matched. */
    filteredFrom: number | null = null,
  ): string {
    const c = capture;
    const out: string[] = [];
    out.push(st.bold(c.file));
    out.push(`  ${c.format ?? 'unknown format'}${c.gzip ? ' (gzip)' : ''}, ${plural(c.packets, 'packet')} (${c.tcpPackets} TCP), ${plural(c.bytes, 'byte')}`);
    const anchor = new TimeFormatter(time.mode === 'epoch' ? 'epoch' : 'iso', time.digits, null);
    out.push(`  ${anchor.text(c.first)} → ${anchor.text(c.last)}${time.mode === 'iso' ? ' UTC' : ''}`);
    for (const w of c.warnings) out.push(st.yellow(`  warning: ${w.message}`));
    if (c.error) out.push(st.red(`  error ${atByte(c.error.offset, c.gzip)}: ${c.error.message}`));
    for (const w of warnings) out.push(st.yellow(`  warning: ${w.message}`));
    const count = this.tally.count;
    const heading = filteredFrom === null ? plural(count, 'TCP connection') : `${count} of ${plural(filteredFrom, 'TCP connection')} ${count === 1 ? 'matches' : 'match'} the filters`;
    // A file that failed before its first packet is not an empty capture.
    out.push('', st.bold(c.error && c.packets === 0 ? `${heading} (nothing read before the error)` : heading));
    if (count > 0) {
      const { byStates, byConnState } = this.tally.stateCounts();
      out.push('', 'by final state (client / server):');
      for (const [k, n] of byStates) out.push(`  ${String(n).padStart(7)}  ${k}`);
      out.push('', 'by Zeek conn_state:');
      for (const [k, n, meaning] of byConnState) out.push(`  ${String(n).padStart(7)}  ${k.padEnd(6)} ${st.dim(meaning)}`);
      const flags = this.tally.flagCounts();
      out.push('', flags.length === 0 ? 'Wireshark analysis: no flagged frames' : 'frames by Wireshark flag (tcp.analysis.*):');
      for (const [k, n] of flags) out.push(`  ${String(n).padStart(7)}  ${k}`);
      const weirds = this.tally.weirdCounts();
      out.push('', weirds.length === 0 ? 'Zeek weirds: none' : 'Zeek weirds (weird.log names; --format zeek-weird writes the log):');
      for (const [k, n] of weirds) out.push(`  ${String(n).padStart(7)}  ${k}`);
      out.push(...performanceLines(this.tally.performance.summary(), st));
    }
    const counts = this.tally.anomalyCounts(captureWide);
    out.push('', st.bold(counts.length === 0 ? 'no anomalies' : 'anomalies:'));
    for (const [id, n] of counts) {
      // Capture-wide findings first, then the connections', as in the JSON document.
      const list: (Finding & { conn?: number; stream?: number })[] = [...captureWide.filter((a) => a.id === id), ...(this.examplesOf.get(id) ?? [])];
      const sev = list[0]?.severity ?? 'note';
      out.push(`  ${String(n).padStart(7)}  ${severityStyle(st, sev)(`${id} (${sev})`)}  ${st.dim(explanation(id))}`);
      for (const a of list.slice(0, this.examples)) {
        out.push(`           ${a.conn !== undefined ? `connection ${a.conn} (tcp.stream ${a.stream}), ` : ''}frame ${a.frame}: ${a.detail}`);
      }
      if (n > this.examples) out.push(st.dim(`           … and ${n - this.examples} more`));
    }
    if (this.figureRows.length > 0) {
      out.push('', st.bold(this.allFigures ? "per direction (tcptrace -l's figures):" : "per direction (tcptrace -l's figures), connections with resends, zero windows or reordering:"));
      for (const c of this.figureRows) out.push(...figuresBlock(c, st));
      if (this.figureCount > this.figureRows.length) out.push(st.dim(`  … ${this.figureCount - this.figureRows.length} more (--conn or --stream shows one; json and csv carry them all)`));
    }
    if (count > 0) {
      out.push('', st.bold('connections:'));
      out.push(...table(this.rows, st, time));
      if (count > this.maxRows) out.push(st.dim(`  … ${count - this.maxRows} more (use --format json or csv for all, or filter with --host, --port, --state, --anomaly, --conn, --stream)`));
    }
    return out.join('\n');
  }
}

export function textReport(doc: AnalysisDocument, opts: TextOptions & { time?: TimeFormatter } = {}): string {
  const summary = new TextSummary(opts);
  for (const c of doc.connections) summary.add(c);
  return summary.render(doc.capture, doc.anomalies, opts.style ?? PLAIN, doc.warnings, opts.time);
}

/** Inserts `item` into `list` (kept sorted by `key`, stable for equal keys) if it is among the lowest `max`. */
function keepLowest<T>(list: T[], item: T, max: number, key: (x: T) => number): void {
  const k = key(item);
  if (list.length >= max && k >= key(list[list.length - 1] as T)) return;
  let i = list.length;
  while (i > 0 && key(list[i - 1] as T) > k) i--;
  list.splice(i, 0, item);
  if (list.length > max) list.pop();
}

function table(rows: ConnectionRecord[], st: Style, time: TimeFormatter): string[] {
  const start = time.mode === 'iso' ? 'start (UTC)' : time.mode === 'epoch' ? 'start (epoch s)' : time.mode === 'relative' ? 'start (s since first frame)' : 'start (s after the row above)';
  const head = ['id', 'stream', 'client → server', start, 'duration', 'pkts c/s', 'bytes c/s', 'final states c / s', 'anomalies'];
  const cells = rows.map((c) => [
    String(c.id),
    String(c.stream),
    `${addr(c.client)} → ${addr(c.server)}`,
    time.text(c.start),
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
  return formatEndpoint(a);
}

