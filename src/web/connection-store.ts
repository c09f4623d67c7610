/**
 * A capture's connections for the viewer, sized for a million of them: each record goes to a
 * spool file on disk as one JSON line, and memory keeps only a few typed-array columns per
 * connection (about 70 bytes: addresses as indexes into one table of hosts, ports, final states,
 * an anomaly bit set, start, duration, packets, bytes, and where its line lies in
 * the spool). Filters, sorts and pages run over the columns; only the rows on the page shown
 * are read back from disk. A sort order, once made, is kept for the next page.
 *
 * The spool is written in deflated blocks of about 64 KB (records repeat their field names and
 * causes, so they shrink about 18×): the temporary folder may well be a tmpfs, in memory. A
 * row is found by its block and its place in the block; a few inflated blocks are kept.
 */
import { closeSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANOMALY_IDS } from '../analysis/anomaly-ids.js';
import type { Finding } from '../analysis/anomaly.js';
import type { ConnectionFilter } from '../report/filters.js';
import type { ConnectionRecord } from '../report/model.js';
import { Tally, type StateCounts } from '../report/summary.js';
import { ALL_STATES, type EndpointState } from '../tcp/state.js';

export const SORT_KEYS = ['id', 'start', 'duration', 'packets', 'bytes', 'client', 'server', 'state', 'anomalies'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

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

if (ANOMALY_IDS.length > 32) throw new Error('connection-store: more than 32 anomaly ids do not fit the bit set');
const ANOMALY_BIT = new Map(ANOMALY_IDS.map((id, i) => [id, 2 ** i]));
const STATE_INDEX = new Map<string, number>(ALL_STATES.map((s, i) => [s, i]));
/** States in the order their names sort (the `state` sort key compares names, as before). */
const STATE_RANK = (() => {
  const rank = new Uint8Array(ALL_STATES.length);
  [...ALL_STATES].sort().forEach((s, r) => (rank[STATE_INDEX.get(s) as number] = r));
  return rank;
})();
/** Spool folders are named tcplens-viewer-PID-XXXXXX, so a later viewer can remove those of a viewer that was killed. */
const SPOOL_PREFIX = 'tcplens-viewer-';

/** Removes spool folders left by viewers that are no longer running (killed, so they could not clean up). */
export function removeOrphanSpools(): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = new RegExp(`^${SPOOL_PREFIX}(\\d+)-`).exec(name);
    if (m === null || isRunning(Number(m[1]))) continue;
    try {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
      removed++;
    } catch {
      // another user's: not ours to remove
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Uncompressed bytes per spool block (a larger record makes a block of its own). */
const BLOCK_BYTES = 64 << 10;
/** Inflated blocks kept for reading (a page of 100 rows in any order touches at most 100). */
const BLOCKS_KEPT = 128;

export class ConnectionStore {
  private readonly dir: string;
  private readonly fd: number;
  private spoolSize = 0;
  /** The block being filled (not yet on disk), its length and its index. */
  private pending: Buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  private pendingLen = 0;
  private blockCount = 0;
  /** Where each sealed block lies in the spool file, compressed. */
  private blockOffset: number[] = [];
  private blockLength: number[] = [];
  private readonly inflated = new Map<number, Buffer>();
  private capacity = 0;
  count = 0;
  /** Columns, by row (rows in the order connections ended). */
  private id = new Uint32Array(0);
  private clientHost = new Uint32Array(0);
  private serverHost = new Uint32Array(0);
  private clientPort = new Uint16Array(0);
  private serverPort = new Uint16Array(0);
  private clientState = new Uint8Array(0);
  private serverState = new Uint8Array(0);
  private anomalyBits = new Uint32Array(0);
  private anomalyCount = new Uint16Array(0);
  private start = new Float64Array(0);
  private duration = new Float64Array(0);
  private packets = new Float64Array(0);
  private bytes = new Float64Array(0);
  /** Each row's block, its place in the block (uncompressed) and its length. */
  private block = new Uint32Array(0);
  private offset = new Uint32Array(0);
  private length = new Uint32Array(0);
  private readonly hosts: string[] = [];
  private readonly hostIndex = new Map<string, number>();
  /** Row of each id (ids are 1…count once every connection has ended). */
  private rowOfId = new Int32Array(0);
  private readonly orders = new Map<SortKey, Int32Array>();
  private hostRank: Uint32Array | null = null;
  private readonly tally = new Tally();
  /** Findings before each row in id order (for paging through all anomalies). */
  private findingsBefore = new Float64Array(0);
  private closed = false;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), `${SPOOL_PREFIX}${process.pid}-`));
    this.fd = openSync(join(this.dir, 'connections.ndjson.deflate-blocks'), 'w+');
  }

  /** Takes a connection as it ends. */
  add(r: ConnectionRecord): void {
    if (this.closed) return; // the viewer stopped while the analysis ran
    if (this.count === this.capacity) this.grow();
    const row = this.count++;
    const line = Buffer.from(JSON.stringify(r), 'utf8');
    this.append(row, line);
    this.id[row] = r.id;
    this.clientHost[row] = this.host(r.client.ip);
    this.serverHost[row] = this.host(r.server.ip);
    this.clientPort[row] = r.client.port;
    this.serverPort[row] = r.server.port;
    this.clientState[row] = STATE_INDEX.get(r.states.client) ?? 0;
    this.serverState[row] = STATE_INDEX.get(r.states.server) ?? 0;
    let bits = 0;
    for (const a of r.anomalies) bits |= ANOMALY_BIT.get(a.id) ?? 0;
    this.anomalyBits[row] = bits >>> 0;
    this.anomalyCount[row] = Math.min(65535, r.anomalies.length);
    this.start[row] = Number(r.start); // "sec.nsec": ties are broken by id, so a float is enough
    this.duration[row] = r.duration;
    this.packets[row] = r.packets.client + r.packets.server;
    this.bytes[row] = r.bytes.client + r.bytes.server;
    this.tally.add(r);
  }

  /** Every connection has ended: index ids and flush the spool. */
  finish(): void {
    if (this.closed) return;
    this.seal();
    let maxId = 0;
    for (let row = 0; row < this.count; row++) if ((this.id[row] as number) > maxId) maxId = this.id[row] as number;
    this.rowOfId = new Int32Array(maxId + 1).fill(-1);
    for (let row = 0; row < this.count; row++) this.rowOfId[this.id[row] as number] = row;
    this.findingsBefore = new Float64Array(this.count + 1);
    const byId = this.order('id');
    for (let i = 0; i < byId.length; i++) this.findingsBefore[i + 1] = (this.findingsBefore[i] as number) + (this.anomalyCount[byId[i] as number] as number);
  }

  /** Counts for the overview, as report/summary.ts makes them for the other outputs. */
  summary(captureWide: readonly Finding[]): StateCounts & { anomalyCounts: [string, number][] } {
    return { ...this.tally.stateCounts(), anomalyCounts: this.tally.anomalyCounts(captureWide) };
  }

  get(id: number): ConnectionRecord | undefined {
    const row = Number.isInteger(id) && id >= 0 && id < this.rowOfId.length ? (this.rowOfId[id] as number) : -1;
    return row < 0 ? undefined : this.read(row);
  }

  query(q: ConnectionQuery): ConnectionPage {
    const order = this.order(q.sort);
    const test = this.matcher(q.filter);
    const from = (Math.max(1, q.page) - 1) * q.pageSize;
    const rows: number[] = [];
    let matched = 0;
    const n = order.length;
    for (let i = 0; i < n; i++) {
      const row = order[q.descending ? n - 1 - i : i] as number;
      if (test !== null && !test(row)) continue;
      if (matched >= from && rows.length < q.pageSize) rows.push(row);
      matched++;
    }
    const pages = Math.max(1, Math.ceil(matched / q.pageSize));
    const page = Math.min(Math.max(1, q.page), pages);
    if (page !== q.page && matched > 0) return this.query({ ...q, page });
    return { total: this.count, matched, page, pages, pageSize: q.pageSize, connections: rows.map((row) => this.read(row)) };
  }

  /** The connections' findings in id order, a page at a time (capture-wide ones are the caller's). */
  anomalies(page: number, pageSize: number): AnomalyPage {
    const total = this.findingsBefore[this.count] ?? 0;
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const p = Math.min(Math.max(1, page), pages);
    const first = (p - 1) * pageSize;
    // The first row (in id order) whose findings reach past `first`.
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.findingsBefore[mid + 1] as number) <= first) lo = mid + 1;
      else hi = mid;
    }
    const byId = this.order('id');
    const out: (Finding & { conn: number | null })[] = [];
    for (let i = lo; i < this.count && out.length < pageSize; i++) {
      const row = byId[i] as number;
      if (this.anomalyCount[row] === 0) continue;
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
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private read(row: number): ConnectionRecord {
    if (this.closed) throw new Error('connection-store: read after close');
    const b = this.block[row] as number;
    const data = b === this.blockCount ? this.pending : this.inflate(b);
    const at = this.offset[row] as number;
    return JSON.parse(data.toString('utf8', at, at + (this.length[row] as number))) as ConnectionRecord;
  }

  private inflate(b: number): Buffer {
    let data = this.inflated.get(b);
    if (data !== undefined) {
      this.inflated.delete(b);
      this.inflated.set(b, data); // most recently used last
      return data;
    }
    const compressed = Buffer.allocUnsafe(this.blockLength[b] as number);
    readSync(this.fd, compressed, 0, compressed.length, this.blockOffset[b] as number);
    data = inflateRawSync(compressed);
    this.inflated.set(b, data);
    if (this.inflated.size > BLOCKS_KEPT) this.inflated.delete(this.inflated.keys().next().value as number);
    return data;
  }

  private matcher(f: ConnectionFilter): ((row: number) => boolean) | null {
    const ids = f.ids?.length ? new Set(f.ids) : null;
    // A host never seen cannot match: -1 matches no row.
    const hosts = f.hosts?.length ? f.hosts.map((h) => this.hostIndex.get(h.toLowerCase()) ?? -1) : null;
    const ports = f.ports?.length ? f.ports : null;
    const states = f.states?.length ? f.states.map((s: EndpointState) => STATE_INDEX.get(s) ?? -1) : null;
    let bits = 0;
    for (const a of f.anomalies ?? []) bits |= ANOMALY_BIT.get(a) ?? 0;
    const anomalies = f.anomalies?.length ? bits >>> 0 : null;
    if (ids === null && hosts === null && ports === null && states === null && anomalies === null) return null;
    return (row) => {
      if (ids !== null && !ids.has(this.id[row] as number)) return false;
      if (hosts !== null && !hosts.includes(this.clientHost[row] as number) && !hosts.includes(this.serverHost[row] as number)) return false;
      if (ports !== null && !ports.includes(this.clientPort[row] as number) && !ports.includes(this.serverPort[row] as number)) return false;
      // Like netstat, a state names where an endpoint is (here: where it was when the connection ended).
      if (states !== null && !states.includes(this.clientState[row] as number) && !states.includes(this.serverState[row] as number)) return false;
      if (anomalies !== null && ((this.anomalyBits[row] as number) & anomalies) === 0) return false;
      return true;
    };
  }

  /** Rows sorted by a key, ascending, ties by id; made once per key. */
  private order(key: SortKey): Int32Array {
    let o = this.orders.get(key);
    if (o !== undefined) return o;
    o = new Int32Array(this.count);
    for (let i = 0; i < this.count; i++) o[i] = i;
    const id = this.id;
    const byKey = this.keyColumn(key);
    o.sort((x, y) => {
      const a = byKey(x);
      const b = byKey(y);
      return a < b ? -1 : a > b ? 1 : (id[x] as number) - (id[y] as number);
    });
    this.orders.set(key, o);
    return o;
  }

  private keyColumn(key: SortKey): (row: number) => number {
    switch (key) {
      case 'start':
        return (r) => this.start[r] as number;
      case 'duration':
        return (r) => this.duration[r] as number;
      case 'packets':
        return (r) => this.packets[r] as number;
      case 'bytes':
        return (r) => this.bytes[r] as number;
      case 'client': {
        const rank = this.ranks();
        return (r) => (rank[this.clientHost[r] as number] as number) * 65536 + (this.clientPort[r] as number);
      }
      case 'server': {
        const rank = this.ranks();
        return (r) => (rank[this.serverHost[r] as number] as number) * 65536 + (this.serverPort[r] as number);
      }
      case 'state':
        return (r) => (STATE_RANK[this.clientState[r] as number] as number) * 64 + (STATE_RANK[this.serverState[r] as number] as number);
      case 'anomalies':
        return (r) => this.anomalyCount[r] as number;
      default:
        return (r) => this.id[r] as number;
    }
  }

  /** Each host's rank in text order (hosts sort as strings, then ports as numbers). */
  private ranks(): Uint32Array {
    if (this.hostRank !== null) return this.hostRank;
    const byText = this.hosts.map((_, i) => i).sort((a, b) => ((this.hosts[a] as string) < (this.hosts[b] as string) ? -1 : 1));
    const rank = new Uint32Array(this.hosts.length);
    byText.forEach((h, r) => (rank[h] = r));
    return (this.hostRank = rank);
  }

  private host(ip: string): number {
    let i = this.hostIndex.get(ip);
    if (i === undefined) {
      i = this.hosts.length;
      this.hosts.push(ip);
      this.hostIndex.set(ip, i);
    }
    return i;
  }

  private append(row: number, line: Buffer): void {
    if (this.pendingLen > 0 && this.pendingLen + line.length + 1 > this.pending.length) this.seal();
    if (line.length + 1 > this.pending.length) this.pending = Buffer.allocUnsafe(line.length + 1);
    this.block[row] = this.blockCount;
    this.offset[row] = this.pendingLen;
    this.length[row] = line.length;
    line.copy(this.pending, this.pendingLen);
    this.pending[this.pendingLen + line.length] = 0x0a;
    this.pendingLen += line.length + 1;
  }

  /** Writes the block being filled to the spool, deflated, and starts the next one. */
  private seal(): void {
    if (this.pendingLen === 0) return;
    const compressed = deflateRawSync(this.pending.subarray(0, this.pendingLen), { level: 1 });
    writeSync(this.fd, compressed, 0, compressed.length, this.spoolSize);
    this.blockOffset.push(this.spoolSize);
    this.blockLength.push(compressed.length);
    this.spoolSize += compressed.length;
    this.blockCount++;
    this.pendingLen = 0;
    if (this.pending.length > BLOCK_BYTES) this.pending = Buffer.allocUnsafe(BLOCK_BYTES);
  }

  private grow(): void {
    const cap = Math.max(1024, this.capacity * 2);
    const g = <T extends Uint8Array | Uint16Array | Uint32Array | Float64Array | Int32Array>(old: T, make: new (n: number) => T): T => {
      const a = new make(cap);
      a.set(old as never);
      return a;
    };
    this.id = g(this.id, Uint32Array);
    this.clientHost = g(this.clientHost, Uint32Array);
    this.serverHost = g(this.serverHost, Uint32Array);
    this.clientPort = g(this.clientPort, Uint16Array);
    this.serverPort = g(this.serverPort, Uint16Array);
    this.clientState = g(this.clientState, Uint8Array);
    this.serverState = g(this.serverState, Uint8Array);
    this.anomalyBits = g(this.anomalyBits, Uint32Array);
    this.anomalyCount = g(this.anomalyCount, Uint16Array);
    this.start = g(this.start, Float64Array);
    this.duration = g(this.duration, Float64Array);
    this.packets = g(this.packets, Float64Array);
    this.bytes = g(this.bytes, Float64Array);
    this.block = g(this.block, Uint32Array);
    this.offset = g(this.offset, Uint32Array);
    this.length = g(this.length, Uint32Array);
    this.capacity = cap;
  }
}
