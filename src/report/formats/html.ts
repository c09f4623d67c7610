/**
 * The self-contained HTML report: one file, no external scripts, styles or fonts, working from
 * file://. Rendered with ejs from views/report.ejs. The connection table is sorted, filtered and
 * paged in the browser from compact rows; ladders are drawn on demand by views/assets/ladder.js
 * (shared with the web viewer) from embedded records and segments, within a size budget.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import type { Finding } from '../../analysis/anomaly.js';
import { explanation } from '../../analysis/anomaly-ids.js';
import { isWholeCapture } from '../../capture/errors.js';
import type { AnalysisDocument, ConnectionRecord, SegmentRecord } from '../model.js';
import { captureCharts } from '../capture-charts.js';
import { packSegment, SEGMENT_KEYS, type PackedSegment } from '../packed-segments.js';
import { allFindings, countBy, Tally } from '../summary.js';
import { asset, viewsDir } from '../views.js';
import { segmentLabels, TimeFormatter, type TimeDigits, type TimeMode } from '../time-format.js';

export interface HtmlOptions {
  /** Connections whose full record (and ladder) is embedded; the rest appear in the table only. */
  maxDetails?: number;
  version?: string;
  /** How times are shown (--time; report/time-format.ts): ISO in UTC with 6 digits unless said. */
  time?: { mode: TimeMode; digits: TimeDigits };
}


/** JSON that is safe inside a <script> element: no "</script>", "<!--" or line separators. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}


export function htmlReport(doc: AnalysisDocument, segments: ReadonlyMap<number, SegmentRecord[]>, opts: HtmlOptions = {}): string {
  const maxDetails = opts.maxDetails ?? 5000;
  const conns = doc.connections;
  const tally = new Tally();
  for (const c of conns) tally.add(c);
  const all = allFindings(doc);
  const anomalyGroups = countBy(all.map((a) => a.id)).map(([id, n]) => {
    const list = all.filter((a) => a.id === id);
    return { id, count: n, severity: list[0]?.severity ?? 'note', doc: explanation(id), examples: list.slice(0, 5) };
  });
  // Details for connections with anomalies first, then in order, within the budget.
  const order = [...conns].sort((a, b) => Number(b.anomalies.length > 0) - Number(a.anomalies.length > 0) || a.id - b.id);
  const mode = opts.time?.mode ?? 'iso';
  const digits = opts.time?.digits ?? 6;
  const origin = doc.capture.first;
  // Each ladder's time labels as --time says (delta: along the ladder), beside its packed segments.
  const details: Record<number, { connection: ConnectionRecord; segments: PackedSegment[]; labels: string[] }> = {};
  for (const c of order.slice(0, maxDetails)) {
    const segs = segments.get(c.id) ?? [];
    details[c.id] = { connection: c, segments: segs.map(packSegment), labels: segmentLabels(mode, digits, origin, segs) };
  }
  // The table's start column as --time says (delta: from the connection above, in id order); sorting uses the epoch (r[3]).
  const startTime = new TimeFormatter(mode, digits, origin);
  const anchor = new TimeFormatter(mode === 'epoch' ? 'epoch' : 'iso', digits, null);
  const rows = conns.map((c) => [
    c.id,
    `${c.client.ip}:${c.client.port}`,
    `${c.server.ip}:${c.server.port}`,
    c.start,
    c.duration,
    c.packets.client,
    c.packets.server,
    c.bytes.client,
    c.bytes.server,
    c.states.client,
    c.states.server,
    c.zeek.conn_state,
    [...new Set(c.anomalies.map((a) => a.id))].join(','),
    c.rolesInferred ? 0 : 1,
    c.transitions.some((t) => t.side === 'server' && t.from === 'SYN-RECEIVED' && t.to === 'ESTABLISHED') ? 1 : 0,
    c.stream,
    startTime.text(c.start),
  ]);
  const template = readFileSync(join(viewsDir(), 'report.ejs'), 'utf8');
  return ejs.render(template, {
    version: opts.version ?? '',
    capture: doc.capture,
    firstText: anchor.text(doc.capture.first) + (mode === 'epoch' ? '' : ' UTC'),
    lastText: anchor.text(doc.capture.last) + (mode === 'epoch' ? '' : ' UTC'),
    startHeading: mode === 'iso' ? 'start (UTC)' : mode === 'epoch' ? 'start (epoch s)' : mode === 'relative' ? 'start (s)' : 'start (Δ s)',
    warnings: doc.warnings,
    isWholeCapture,
    total: conns.length,
    // One tally for the state pairs, conn_states, Wireshark flags and Zeek weirds, as the text report counts them.
    ...tally.stateCounts(),
    flagCounts: tally.flagCounts(),
    weirdCounts: tally.weirdCounts(),
    performance: tally.performance.summary(),
    anomalyGroups,
    synFlood: doc.anomalies.some((a) => a.id === 'syn-flood'),
    states: [...new Set(conns.flatMap((c) => [c.states.client, c.states.server]))].sort(),
    anomalyIds: anomalyGroups.map((g) => g.id),
    columns: ['id', 'stream', 'client', 'server', mode === 'iso' ? 'start (UTC)' : mode === 'epoch' ? 'start (epoch s)' : mode === 'relative' ? 'start (s)' : 'start (Δ s)', 'duration', 'pkts c/s', 'bytes c/s', 'client state', 'server state', 'conn_state', 'anomalies'],
    detailsEmbedded: Math.min(conns.length, maxDetails),
    dataJson: scriptSafeJson({
      capture: doc.capture,
      anomalies: doc.anomalies,
      rows,
      details,
      segmentKeys: SEGMENT_KEYS,
      charts: captureCharts(conns.length, conns.map((c) => Number(c.start)), conns.map((c) => c.duration), conns.map((c) => c.irtt ?? NaN)),
    }),
    graphsJs: asset('graphs.js'),
    keysJs: asset('keys.js'),
    css: asset('report.css'),
    ladderJs: asset('ladder.js'),
    figuresJs: asset('figures.js'),
    reportJs: asset('report.js'),
  });
}
