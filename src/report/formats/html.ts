/**
 * The self-contained HTML report: one file, no external scripts, styles or fonts, working from
 * file://. Rendered with ejs from views/report.ejs. The connection table is sorted, filtered and
 * paged in the browser from compact rows; ladders are drawn on demand by views/assets/ladder.js
 * (shared with the web viewer) from embedded records and segments, within a size budget.
 * Gathered one connection at a time in bounded memory (HtmlReport), so a capture of any size
 * makes one self-contained page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import type { Finding } from '../../analysis/anomaly.js';
import { explanation, type AnomalyId } from '../../analysis/anomaly-ids.js';
import { atByte, isWholeCapture } from '../../capture/errors.js';
import type { TrackerWarning } from '../../tcp/tracker.js';
import type { CaptureRecord, ConnectionRecord, SegmentRecord } from '../model.js';
import { captureCharts } from '../capture-charts.js';
import { packSegment, SEGMENT_KEYS } from '../packed-segments.js';
import { sortedCounts, Tally } from '../summary.js';
import { IdSpool, MEMORY_BUDGET, type SpoolSink } from './id-spool.js';
import { LowestIds } from './lowest-ids.js';
import { keepLowest } from '../keep-lowest.js';
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
  return scriptSafe(JSON.stringify(value));
}


/** Where the page's data goes: the page is rendered around it and the data streamed in its place. */
const DATA_SLOT = '\u0000tcplens-data\u0000';

/** One finding kept as an example of its anomaly id, with where it sorts in allFindings order: connection id, then its place in the connection's list. */
interface Example {
  rank: number;
  finding: Finding & { conn: number; stream: number };
}
const EXAMPLES = 5;
/** An example's rank: connection id · 2^20 + its place (a connection's findings are far fewer; ids stay below 2^33). */
const PLACES = 2 ** 20;

/**
 * The report gathered one connection at a time, as connections end and in any order, in
 * bounded memory: the table's rows and the embedded details go to IdSpools (memory, then a
 * temporary file), the details kept only for the connections that can still be among the
 * `maxDetails` shown (anomalies first, then by id: LowestIds), the examples per anomaly id only
 * for the five lowest; per connection, three numbers stay in memory for the charts and one for
 * the RTT percentiles. finish() renders the page around its data and streams the data in.
 * Byte for byte the page rendered from every connection at once, as it was before it streamed.
 */
export class HtmlReport {
  private readonly tally = new Tally();
  /** The table's rows by id: the start (epoch), a tab, then the row's JSON without its last value (the start as --time shows it, made in id order) and "]". */
  private readonly rows: IdSpool;
  /** Details by id, escaped for the page already: `{"connection":…,"segments":[…]` (the labels are made at the end from…) */
  private readonly details: IdSpool;
  /** …the segments' times, a JSON array by id. */
  private readonly detailTimes: IdSpool;
  private readonly withAnomalies: LowestIds;
  private readonly without: LowestIds;
  private readonly states = new Set<string>();
  private readonly examples = new Map<string, Example[]>();
  private starts: Float64Array<ArrayBuffer> = new Float64Array(1024);
  private durations: Float64Array<ArrayBuffer> = new Float64Array(1024);
  private irtts: Float64Array<ArrayBuffer> = new Float64Array(1024);
  private total = 0;
  private readonly maxDetails: number;

  constructor(
    private readonly opts: HtmlOptions = {},
    budget = MEMORY_BUDGET,
  ) {
    this.maxDetails = opts.maxDetails ?? 5000;
    // One budget for the three, as the JSON document has for its one spool.
    this.rows = new IdSpool(budget / 4, 'tcplens-html-rows');
    this.details = new IdSpool(budget / 2, 'tcplens-html-details');
    this.detailTimes = new IdSpool(budget / 4, 'tcplens-html-times');
    this.withAnomalies = new LowestIds(this.maxDetails);
    this.without = new LowestIds(this.maxDetails);
  }

  /** One connection as it ends, with its kept segments (none: an empty ladder). */
  add(c: ConnectionRecord, segments: readonly SegmentRecord[] | undefined): void {
    this.tally.add(c);
    this.states.add(c.states.client).add(c.states.server);
    this.keepChartValues(c);
    c.anomalies.forEach((a, index) => {
      let list = this.examples.get(a.id);
      if (list === undefined) this.examples.set(a.id, (list = []));
      keepLowest(list, EXAMPLES, c.id * PLACES + index, (e) => e.rank, () => ({ rank: c.id * PLACES + index, finding: { ...a, conn: c.id, stream: c.stream } }));
    });
    const row = [
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
    ];
    const rowJson = JSON.stringify(row);
    this.rows.add(c.id, `${c.start}\t${rowJson.slice(0, -1)}`);
    // Details only while the connection can still be among those shown.
    const evicted = (c.anomalies.length > 0 ? this.withAnomalies : this.without).add(c.id);
    if (evicted === c.id) return;
    if (evicted >= 0) {
      this.details.drop(evicted);
      this.detailTimes.drop(evicted);
    }
    const segs = segments ?? [];
    this.details.add(c.id, scriptSafe(`{"connection":${JSON.stringify(c)},"segments":${JSON.stringify(segs.map(packSegment))}`));
    this.detailTimes.add(c.id, JSON.stringify(segs.map((s) => s.ts)));
  }

  /** Writes the page (and a line break) to `out`, waiting on its backpressure; `digits` of ISO times, if only the capture's end tells (timeDigits). */
  async finish(out: SpoolSink, capture: CaptureRecord, anomalies: readonly Finding[], warnings: readonly TrackerWarning[], digits?: TimeDigits): Promise<void> {
    try {
      await this.write(out, capture, anomalies, warnings, digits ?? this.opts.time?.digits ?? 6);
    } finally {
      this.rows.close();
      this.details.close();
      this.detailTimes.close();
    }
  }

  private async write(out: SpoolSink, capture: CaptureRecord, anomalies: readonly Finding[], warnings: readonly TrackerWarning[], digits: TimeDigits): Promise<void> {
    const mode = this.opts.time?.mode ?? 'iso';
    const origin = capture.first;
    const anchor = new TimeFormatter(mode === 'epoch' ? 'epoch' : 'iso', digits, null);
    // allFindings order: the capture's findings first, then the connections' by id.
    const counts = new Map<string, number>();
    for (const a of anomalies) counts.set(a.id, (counts.get(a.id) ?? 0) + 1);
    for (const [id, n] of this.tally.anomalies) counts.set(id, (counts.get(id) ?? 0) + n);
    const anomalyGroups = sortedCounts(counts).map(([id, count]) => {
      const examples = [...anomalies.filter((a) => a.id === id), ...(this.examples.get(id) ?? []).map((e) => e.finding)].slice(0, EXAMPLES);
      return { id, count, severity: examples[0]?.severity ?? 'note', doc: explanation(id as AnomalyId), examples };
    });
    const startHeading = mode === 'iso' ? 'start (UTC)' : mode === 'epoch' ? 'start (epoch s)' : mode === 'relative' ? 'start (s)' : 'start (Δ s)';
    const template = readFileSync(join(viewsDir(), 'report.ejs'), 'utf8');
    const page = ejs.render(template, {
      version: this.opts.version ?? '',
      capture,
      firstText: anchor.text(capture.first) + (mode === 'epoch' ? '' : ' UTC'),
      lastText: anchor.text(capture.last) + (mode === 'epoch' ? '' : ' UTC'),
      startHeading,
      warnings,
      isWholeCapture,
      atByte,
      total: this.total,
      // One tally for the state pairs, conn_states, Wireshark flags and Zeek weirds, as the text report counts them.
      ...this.tally.stateCounts(),
      flagCounts: this.tally.flagCounts(),
      weirdCounts: this.tally.weirdCounts(),
      performance: this.tally.performance.summary(),
      anomalyGroups,
      synFlood: anomalies.some((a) => a.id === 'syn-flood'),
      states: [...this.states].sort(),
      anomalyIds: anomalyGroups.map((g) => g.id),
      columns: ['id', 'stream', 'client', 'server', startHeading, 'duration', 'pkts c/s', 'bytes c/s', 'client state', 'server state', 'conn_state', 'anomalies'],
      detailsEmbedded: Math.min(this.total, this.maxDetails),
      dataJson: DATA_SLOT,
      graphsJs: asset('graphs.js'),
      keysJs: asset('keys.js'),
      css: asset('report.css'),
      ladderJs: asset('ladder.js'),
      figuresJs: asset('figures.js'),
      reportJs: asset('report.js'),
    });
    const slot = page.indexOf(DATA_SLOT);
    out.write(page.slice(0, slot));
    // The data: scriptSafeJson({ capture, anomalies, rows, details, segmentKeys, charts }), in pieces (its escapes are per character).
    out.write(scriptSafe(`{"capture":${JSON.stringify(capture)},"anomalies":${JSON.stringify(anomalies)},"rows":[`));
    // The table's start column as --time says (delta: from the connection above, in id order); sorting uses the epoch (r[3]).
    const startTime = new TimeFormatter(mode, digits, origin);
    let first = true;
    for (let id = 1; id <= this.rows.maxId; id++) {
      const text = this.rows.takeText(id);
      if (text === undefined) continue;
      const tab = text.indexOf('\t');
      out.write(scriptSafe(`${first ? '' : ','}${text.slice(tab + 1)},${JSON.stringify(startTime.text(text.slice(0, tab)))}]`));
      first = false;
      const full = out.wait();
      if (full) await full;
    }
    out.write('],"details":{');
    // JSON.stringify writes an object's integer keys in ascending order: the shown ids, sorted.
    const shown = [...this.withAnomalies.ids(), ...this.without.ids()].slice(0, this.maxDetails).sort((a, b) => a - b);
    first = true;
    for (const id of shown) {
      const detail = this.details.take(id) as string | Buffer;
      const times = JSON.parse(this.detailTimes.takeText(id) as string) as string[];
      const labels = segmentLabels(mode, digits, origin, times.map((ts) => ({ ts })));
      out.write(`${first ? '' : ','}"${id}":`);
      out.write(detail);
      out.write(scriptSafe(`,"labels":${JSON.stringify(labels)}}`));
      first = false;
      const full = out.wait();
      if (full) await full;
    }
    const charts = captureCharts(this.total, this.starts, this.durations, this.irtts);
    out.write(scriptSafe(`},"segmentKeys":${JSON.stringify(SEGMENT_KEYS)},"charts":${JSON.stringify(charts)}}`));
    out.write(`${page.slice(slot + DATA_SLOT.length)}\n`);
  }

  private keepChartValues(c: ConnectionRecord): void {
    if (this.total === this.starts.length) {
      const grow = (a: Float64Array): Float64Array<ArrayBuffer> => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.durations = grow(this.durations);
      this.irtts = grow(this.irtts);
    }
    this.starts[this.total] = Number(c.start);
    this.durations[this.total] = c.duration;
    this.irtts[this.total] = c.irtt ?? NaN;
    this.total++;
  }
}

function scriptSafe(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
