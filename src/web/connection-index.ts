/**
 * The columns of a connection store, by row (rows in the order connections ended): about 70
 * bytes a connection (addresses as indexes into one table of hosts, ports, final states, an
 * anomaly bit set, start, duration, handshake RTT, packets, bytes), with the filter and the sorts that run over
 * them. A sort order, once made, is kept for the next page.
 */
import { ANOMALY_IDS } from '../analysis/anomaly-ids.js';
import { WIRESHARK_FLAGS } from '../analysis/flags/flag-bits.js';
import { captureCharts, type CaptureCharts } from '../report/capture-charts.js';
import { CONN_STATES, HISTORY_LETTER_SET, type ConnectionFilter } from '../report/filters.js';
import type { ConnectionRecord } from '../report/model.js';
import { ALL_STATES, type EndpointState } from '../tcp/state.js';

export const SORT_KEYS = ['id', 'start', 'duration', 'irtt', 'packets', 'bytes', 'client', 'server', 'state', 'anomalies'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

if (ANOMALY_IDS.length > 32) throw new Error('connection-index: more than 32 anomaly ids do not fit the bit set');
const ANOMALY_BIT = new Map<string, number>(ANOMALY_IDS.map((id, i) => [id, 2 ** i]));
const CONN_STATE_BIT = new Map<string, number>(CONN_STATES.map((s, i) => [s, 2 ** i]));
const HISTORY_BIT = new Map<string, number>([...HISTORY_LETTER_SET].map((l, i) => [l, 2 ** i]));
const FLAG_BIT = new Map<string, number>(WIRESHARK_FLAGS.map((f, i) => [f, 2 ** i]));
const STATE_INDEX = new Map<string, number>(ALL_STATES.map((s, i) => [s, i]));
/** States in the order their names sort (the `state` sort key compares names, as before). */
const STATE_RANK = (() => {
  const rank = new Uint8Array(ALL_STATES.length);
  [...ALL_STATES].sort().forEach((s, r) => (rank[STATE_INDEX.get(s) as number] = r));
  return rank;
})();

/** An index handed from the thread that built it to the one that queries it (buffers transferred). */
export interface IndexSnapshot {
  count: number;
  capacity: number;
  columns: Record<ColumnName, TypedColumn>;
  /** The host table, one host a line (one string clones faster than a million). */
  hosts: string;
  orders: [SortKey, Int32Array<ArrayBuffer>][];
}

type TypedColumn = Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Float64Array<ArrayBuffer>;
const COLUMNS = ['id', 'clientHost', 'serverHost', 'clientPort', 'serverPort', 'clientState', 'serverState', 'anomalyBits', 'stream', 'connStateBits', 'historyBits', 'flagBits', 'anomalyCount', 'start', 'duration', 'irtt', 'packets', 'bytes'] as const;
type ColumnName = (typeof COLUMNS)[number];

export class ConnectionIndex {
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
  private stream = new Uint32Array(0);
  /** Zeek conn_state of any of the connection's rows, history letters of all its rows, Wireshark flags seen: bit sets. */
  private connStateBits = new Uint16Array(0);
  private historyBits = new Uint32Array(0);
  private flagBits = new Uint16Array(0);
  private anomalyCount = new Uint16Array(0);
  private start = new Float64Array(0);
  private duration = new Float64Array(0);
  /** tcp.analysis.initial_rtt in seconds, NaN when none (for the overview's histogram). */
  private irtt = new Float64Array(0);
  private packets = new Float64Array(0);
  private bytes = new Float64Array(0);
  private hosts: string[] = [];
  /** Host → its index in `hosts`, while rows are added (an index made from a snapshot has none: see hostNumber). */
  private hostIndexMap: Map<string, number> | null = new Map<string, number>();
  private readonly orders = new Map<SortKey, Int32Array>();
  private hostRank: Uint32Array | null = null;

  /** Hands the columns over (this index is empty afterwards). */
  snapshot(): IndexSnapshot {
    const columns = {} as Record<ColumnName, TypedColumn>;
    for (const name of COLUMNS) {
      columns[name] = this[name];
      this[name] = new (this[name].constructor as new (n: number) => never)(0);
    }
    const s: IndexSnapshot = { count: this.count, capacity: this.capacity, columns, hosts: this.hosts.join('\n'), orders: [...this.orders] as [SortKey, Int32Array<ArrayBuffer>][] };
    this.count = this.capacity = 0;
    this.hosts = [];
    this.hostIndexMap = new Map();
    this.orders.clear();
    return s;
  }

  /** The buffers of a snapshot, to transfer rather than copy. */
  static transferables(s: IndexSnapshot): ArrayBuffer[] {
    return [...COLUMNS.map((name) => s.columns[name].buffer), ...s.orders.map(([, o]) => o.buffer)];
  }

  /** An index over the columns of a snapshot (taken by another thread). */
  static fromSnapshot(s: IndexSnapshot): ConnectionIndex {
    const index = new ConnectionIndex();
    index.count = s.count;
    index.capacity = s.capacity;
    for (const name of COLUMNS) (index as unknown as Record<ColumnName, TypedColumn>)[name] = s.columns[name];
    index.hosts = s.hosts === '' ? [] : s.hosts.split('\n');
    index.hostIndexMap = null;
    for (const [key, order] of s.orders) index.orders.set(key, order);
    return index;
  }

  /**
   * A host's index in `hosts`, or -1. An index made from a snapshot scans the table (a filter
   * names a few hosts) rather than build a map of a million on the viewer's thread.
   */
  private hostNumber(host: string): number {
    return this.hostIndexMap === null ? this.hosts.indexOf(host) : (this.hostIndexMap.get(host) ?? -1);
  }

  /** Takes a connection as it ends; returns its row. */
  add(r: ConnectionRecord): number {
    if (this.count === this.capacity) this.grow();
    const row = this.count++;
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
    this.stream[row] = r.stream;
    let zeek = 0;
    let history = 0;
    for (const z of r.zeekRows) {
      zeek |= CONN_STATE_BIT.get(z.conn_state) ?? 0;
      for (const l of z.history) history |= HISTORY_BIT.get(l) ?? 0;
    }
    this.connStateBits[row] = zeek;
    this.historyBits[row] = history >>> 0;
    let flags = 0;
    for (const [name, n] of Object.entries(r.analysis)) if (n > 0) flags |= FLAG_BIT.get(name) ?? 0;
    this.flagBits[row] = flags;
    this.anomalyCount[row] = Math.min(65535, r.anomalies.length);
    this.start[row] = Number(r.start); // "sec.nsec": ties are broken by id, so a float is enough
    this.duration[row] = r.duration;
    this.irtt[row] = r.irtt ?? NaN;
    this.packets[row] = r.packets.client + r.packets.server;
    this.bytes[row] = r.bytes.client + r.bytes.server;
    return row;
  }

  /** The overview's charts, binned over the columns (report/capture-charts.ts). */
  charts(): CaptureCharts {
    return captureCharts(this.count, this.start, this.duration, this.irtt);
  }

  idOf(row: number): number {
    return this.id[row] as number;
  }

  findingsOf(row: number): number {
    return this.anomalyCount[row] as number;
  }

  /** A test of rows against a filter; null when the filter takes every row. */
  matcher(f: ConnectionFilter): ((row: number) => boolean) | null {
    const ids = f.ids?.length ? new Set(f.ids) : null;
    // A host never seen cannot match: -1 matches no row.
    const hosts = f.hosts?.length ? f.hosts.map((h) => this.hostNumber(h.toLowerCase())) : null;
    const ports = f.ports?.length ? f.ports : null;
    const states = f.states?.length ? f.states.map((s: EndpointState) => STATE_INDEX.get(s) ?? -1) : null;
    let bits = 0;
    for (const a of f.anomalies ?? []) bits |= ANOMALY_BIT.get(a) ?? 0;
    const anomalies = f.anomalies?.length ? bits >>> 0 : null;
    const streams = f.streams?.length ? new Set(f.streams) : null;
    let zeek = 0;
    for (const s of f.connStates ?? []) zeek |= CONN_STATE_BIT.get(s) ?? 0;
    const connStates = f.connStates?.length ? zeek : null;
    // Each value's letters must all be there (AND); any value may match (OR).
    const histories = f.historyHas?.length ? f.historyHas.map((letters) => [...letters].reduce((b, l) => b | (HISTORY_BIT.get(l) ?? 0), 0) >>> 0) : null;
    let flagMask = 0;
    for (const fl of f.flags ?? []) flagMask |= FLAG_BIT.get(fl) ?? 0;
    const flags = f.flags?.length ? flagMask : null;
    if (ids === null && hosts === null && ports === null && states === null && anomalies === null && streams === null && connStates === null && histories === null && flags === null) return null;
    return (row) => {
      if (ids !== null && !ids.has(this.id[row] as number)) return false;
      if (streams !== null && !streams.has(this.stream[row] as number)) return false;
      if (connStates !== null && ((this.connStateBits[row] as number) & connStates) === 0) return false;
      if (histories !== null && !histories.some((h) => (((this.historyBits[row] as number) & h) >>> 0) === h)) return false;
      if (flags !== null && ((this.flagBits[row] as number) & flags) === 0) return false;
      if (hosts !== null && !hosts.includes(this.clientHost[row] as number) && !hosts.includes(this.serverHost[row] as number)) return false;
      if (ports !== null && !ports.includes(this.clientPort[row] as number) && !ports.includes(this.serverPort[row] as number)) return false;
      // Like netstat, a state names where an endpoint is (here: where it was when the connection ended).
      if (states !== null && !states.includes(this.clientState[row] as number) && !states.includes(this.serverState[row] as number)) return false;
      if (anomalies !== null && ((this.anomalyBits[row] as number) & anomalies) === 0) return false;
      return true;
    };
  }

  /** Rows sorted by a key, ascending, ties by id; made once per key. */
  order(key: SortKey): Int32Array {
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
    const map = (this.hostIndexMap ??= new Map(this.hosts.map((h, i) => [h, i])));
    let i = map.get(ip);
    if (i === undefined) {
      i = this.hosts.length;
      this.hosts.push(ip);
      map.set(ip, i);
    }
    return i;
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
    this.stream = g(this.stream, Uint32Array);
    this.connStateBits = g(this.connStateBits, Uint16Array);
    this.historyBits = g(this.historyBits, Uint32Array);
    this.flagBits = g(this.flagBits, Uint16Array);
    this.anomalyCount = g(this.anomalyCount, Uint16Array);
    this.start = g(this.start, Float64Array);
    this.duration = g(this.duration, Float64Array);
    this.irtt = g(this.irtt, Float64Array);
    this.packets = g(this.packets, Float64Array);
    this.bytes = g(this.bytes, Float64Array);
    this.capacity = cap;
  }
}
