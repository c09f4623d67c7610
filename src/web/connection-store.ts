/**
 * A capture's connections for the viewer, sized for a million of them: each record goes to a
 * spool file on disk (spool.ts), and memory keeps only a few typed-array columns per connection
 * (connection-index.ts: about 80 bytes with the spool's row positions). Filters, sorts and pages
 * run over the columns; only the rows on the page shown are read back from disk. Spools of a
 * viewer that was killed are removed by the next one (spool-cleanup.ts).
 */
import type { Finding } from '../analysis/anomaly.js';
import type { CaptureCharts } from '../report/capture-charts.js';
import type { ConnectionFilter } from '../report/filters.js';
import type { ConnectionRecord } from '../report/model.js';
import { Tally, type StateCounts } from '../report/summary.js';
import type { PerformanceSummary } from '../report/model.js';
import { ConnectionIndex, type IndexSnapshot, type SortKey } from './connection-index.js';
import { RecordSpool, type SpoolSnapshot } from './spool.js';

export { SORT_KEYS, type SortKey } from './connection-index.js';
export { removeOrphanSpools } from './spool-cleanup.js';

export interface ConnectionQuery {
  filter: ConnectionFilter;
  sort: SortKey;
  descending: boolean;
  page: number;
  pageSize: number;
}

export interface ConnectionPage {
  total: number;
  matched: number;
  page: number;
  pages: number;
  pageSize: number;
  connections: ConnectionRecord[];
}

export interface AnomalyPage {
  total: number;
  page: number;
  pages: number;
  pageSize: number;
  anomalies: (Finding & { conn: number | null })[];
}

/**
 * A finished store handed from the thread that built it (the viewer's analysis worker,
 * analysis-worker.ts) to the one that answers pages: its spool file stays on disk, its columns
 * are transferred, not copied.
 */
export interface StoreSnapshot {
  spool: SpoolSnapshot;
  index: IndexSnapshot;
  /** The Tally's fields (maps of counts), as structured clone carries them. */
  tally: Record<string, unknown>;
  rowOfId: Int32Array<ArrayBuffer>;
  findingsBefore: Float64Array<ArrayBuffer>;
}

export class ConnectionStore {
  private readonly spool: RecordSpool;
  private readonly index: ConnectionIndex;
  private readonly tally: Tally;
  /** Row of each id (ids are 1…count once every connection has ended). */
  private rowOfId = new Int32Array(0);
  /** Findings before each row in id order (for paging through all anomalies). */
  private findingsBefore = new Float64Array(0);
  private closed = false;
  private chartsKept: CaptureCharts | null = null;
  /**
   * Pages asked for again (a refresh, many people on one link, the page-by-page walk back) and
   * the records read for them are kept, parsed: reading and parsing rows was most of a page's
   * time. Both only after finish(), when the store no longer changes.
   */
  private readonly pages = new Map<string, ConnectionPage>();
  private readonly records = new Map<number, ConnectionRecord>();
  /** Rows taken by a filter, by (filter, sort): see matching(). */
  private readonly matched = new Map<string, Int32Array>();
  private matchedRows = 0;

  /**
   * An empty store whose spool goes in `spoolDir` (a new spool folder by default), or the
   * finished store of a snapshot taken by another thread.
   */
  constructor(from?: string | StoreSnapshot) {
    if (from === undefined || typeof from === 'string') {
      this.spool = new RecordSpool(from);
      this.index = new ConnectionIndex();
      this.tally = new Tally();
      return;
    }
    this.spool = new RecordSpool(from.spool);
    this.index = ConnectionIndex.fromSnapshot(from.index);
    this.tally = Tally.fromClone(from.tally);
    this.rowOfId = from.rowOfId;
    this.findingsBefore = from.findingsBefore;
  }

  /**
   * Hands a finished store over to another thread: its spool file stays (the new owner removes
   * it), and this store is left closed and empty.
   */
  snapshot(): StoreSnapshot {
    if (this.closed) throw new Error('connection-store: snapshot after close');
    this.closed = true;
    const s: StoreSnapshot = { spool: this.spool.detach(), index: this.index.snapshot(), tally: { ...this.tally }, rowOfId: this.rowOfId, findingsBefore: this.findingsBefore };
    this.rowOfId = new Int32Array(0);
    this.findingsBefore = new Float64Array(0);
    return s;
  }

  /** The buffers of a snapshot, to transfer rather than copy. */
  static transferables(s: StoreSnapshot): ArrayBuffer[] {
    return [...RecordSpool.transferables(s.spool), ...ConnectionIndex.transferables(s.index), s.rowOfId.buffer, s.findingsBefore.buffer];
  }

  /** The spool's folder on disk (gone after close). */
  get spoolDir(): string {
    return this.spool.dir;
  }

  get count(): number {
    return this.index.count;
  }

  /** Takes a connection as it ends. */
  add(r: ConnectionRecord): void {
    if (this.closed) return; // the viewer stopped while the analysis ran
    const row = this.index.add(r);
    this.spool.append(row, Buffer.from(JSON.stringify(r), 'utf8'));
    this.tally.add(r);
  }

  /** Every connection has ended: index ids and flush the spool. */
  finish(): void {
    if (this.closed) return;
    this.spool.seal();
    const n = this.index.count;
    let maxId = 0;
    for (let row = 0; row < n; row++) maxId = Math.max(maxId, this.index.idOf(row));
    this.rowOfId = new Int32Array(maxId + 1).fill(-1);
    for (let row = 0; row < n; row++) this.rowOfId[this.index.idOf(row)] = row;
    this.findingsBefore = new Float64Array(n + 1);
    const byId = this.index.order('id');
    for (let i = 0; i < byId.length; i++) this.findingsBefore[i + 1] = (this.findingsBefore[i] as number) + this.index.findingsOf(byId[i] as number);
  }

  /** Counts for the overview, as report/summary.ts makes them for the other outputs. */
  summary(captureWide: readonly Finding[]): StateCounts & { anomalyCounts: [string, number][]; performance: PerformanceSummary } {
    return { ...this.tally.stateCounts(), anomalyCounts: this.tally.anomalyCounts(captureWide), performance: this.tally.performance.summary() };
  }

  /** The overview's charts: starts over time, handshake RTTs, durations (binned once, when every connection has ended). */
  charts(): CaptureCharts {
    if (this.chartsKept !== null) return this.chartsKept;
    const charts = this.index.charts();
    if (this.rowOfId.length > 0) this.chartsKept = charts;
    return charts;
  }

  /** Whether a connection of this id is here (without reading its record). */
  has(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.rowOfId.length && (this.rowOfId[id] as number) >= 0;
  }

  get(id: number): ConnectionRecord | undefined {
    const row = Number.isInteger(id) && id >= 0 && id < this.rowOfId.length ? (this.rowOfId[id] as number) : -1;
    return row < 0 ? undefined : this.read(row);
  }

  query(q: ConnectionQuery): ConnectionPage {
    const key = this.rowOfId.length > 0 ? JSON.stringify(q) : null;
    const kept = key === null ? undefined : this.pages.get(key);
    if (kept !== undefined) return kept;
    const page = this.run(q);
    if (key !== null) remember(this.pages, key, page, PAGES_KEPT);
    return page;
  }

  private run(q: ConnectionQuery): ConnectionPage {
    const { rows: matchedRows, count: matched } = this.matching(q.filter, q.sort);
    const pages = Math.max(1, Math.ceil(matched / q.pageSize));
    const page = Math.min(Math.max(1, q.page), pages);
    const from = (page - 1) * q.pageSize;
    const rows: number[] = [];
    for (let i = from; i < matched && rows.length < q.pageSize; i++) rows.push(matchedRows[q.descending ? matched - 1 - i : i] as number);
    return { total: this.index.count, matched, page, pages, pageSize: q.pageSize, connections: rows.map((row) => this.read(row)) };
  }

  /**
   * The rows a filter takes, in ascending order of a sort key (descending reads it backwards).
   * Without a filter that is the key's order itself; with one, the rows found are kept for the
   * next page of the same filter and sort (a million connections take a scan of every row), in
   * a bounded LRU (MATCHES_KEPT, MATCHED_ROWS_KEPT), once the store no longer changes.
   */
  private matching(filter: ConnectionFilter, sort: SortKey): { rows: Int32Array; count: number } {
    const order = this.index.order(sort);
    const test = this.index.matcher(filter);
    if (test === null) return { rows: order, count: order.length };
    const key = this.rowOfId.length > 0 ? JSON.stringify([filter, sort]) : null;
    const kept = key === null ? undefined : this.matched.get(key);
    if (kept !== undefined) {
      this.matched.delete(key as string);
      this.matched.set(key as string, kept);
      return { rows: kept, count: kept.length };
    }
    let count = 0;
    const found = new Int32Array(order.length);
    for (let i = 0; i < order.length; i++) {
      const row = order[i] as number;
      if (test(row)) found[count++] = row;
    }
    const rows = found.slice(0, count);
    if (key !== null && count <= MATCHED_ROWS_KEPT) {
      this.matched.set(key, rows);
      this.matchedRows += count;
      while (this.matched.size > MATCHES_KEPT || this.matchedRows > MATCHED_ROWS_KEPT) {
        const oldest = this.matched.keys().next().value as string;
        this.matchedRows -= (this.matched.get(oldest) as Int32Array).length;
        this.matched.delete(oldest);
      }
    }
    return { rows, count };
  }

  /** The connections' findings in id order, a page at a time (capture-wide ones are the caller's). */
  anomalies(page: number, pageSize: number): AnomalyPage {
    const total = this.findingsBefore[this.index.count] ?? 0;
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const p = Math.min(Math.max(1, page), pages);
    const first = (p - 1) * pageSize;
    // The first row (in id order) whose findings reach past `first`.
    let lo = 0;
    let hi = this.index.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.findingsBefore[mid + 1] as number) <= first) lo = mid + 1;
      else hi = mid;
    }
    const byId = this.index.order('id');
    const out: (Finding & { conn: number | null })[] = [];
    for (let i = lo; i < this.index.count && out.length < pageSize; i++) {
      const row = byId[i] as number;
      if (this.index.findingsOf(row) === 0) continue;
      const record = this.read(row);
      const skip = Math.max(0, first - (this.findingsBefore[i] as number));
      for (const a of record.anomalies.slice(skip)) {
        if (out.length >= pageSize) break;
        out.push({ ...a, conn: record.id });
      }
    }
    return { total, page: p, pages, pageSize, anomalies: out };
  }

  /** Removes the spool. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.spool.close();
  }

  private read(row: number): ConnectionRecord {
    const kept = this.records.get(row);
    if (kept !== undefined) return kept;
    const record = JSON.parse(this.spool.read(row)) as ConnectionRecord;
    if (this.rowOfId.length > 0) remember(this.records, row, record, RECORDS_KEPT);
    return record;
  }
}

/** Pages and parsed records kept (see ConnectionStore.pages). */
const PAGES_KEPT = 32;
const RECORDS_KEPT = 2000;
/** Filters' rows kept (see ConnectionStore.matching): at most this many sets, and rows in all (4 bytes each). */
const MATCHES_KEPT = 16;
const MATCHED_ROWS_KEPT = 4_000_000;

/** Puts a value in a map used as a least-recently-used cache of `max` entries. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as K);
}
