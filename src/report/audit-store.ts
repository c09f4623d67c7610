/**
 * Audit results as a database a team can query: DuckDB (embedded, no server) for --db and
 * Parquet for --parquet, tables `files`, `connections` and `anomalies`. A capture already in the
 * database with the same identity (path, size, modification time) is never added twice.
 *
 * @duckdb/node-api is loaded here only, by the commands that write or query (startup stays light).
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { AuditFileResult } from './audit.js';
import { FLAG_COLUMNS, captureId, type CaptureIdentity } from './audit-rows.js';

type Api = typeof import('@duckdb/node-api');

export const TABLES = ['files', 'connections', 'anomalies'] as const;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS files (
    file_id VARCHAR PRIMARY KEY, path VARCHAR NOT NULL, size BIGINT NOT NULL, mtime TIMESTAMP NOT NULL,
    format VARCHAR, gzip BOOLEAN, packets BIGINT, tcp_packets BIGINT, connections BIGINT, bytes BIGINT,
    "first" TIMESTAMP, "last" TIMESTAMP, error VARCHAR, warnings VARCHAR[], host VARCHAR, audited_at TIMESTAMP, seconds DOUBLE)`,
  `CREATE TABLE IF NOT EXISTS connections (
    file_id VARCHAR NOT NULL, file VARCHAR NOT NULL, id INTEGER NOT NULL, stream INTEGER,
    client_ip VARCHAR, client_port INTEGER, server_ip VARCHAR, server_port INTEGER,
    start TIMESTAMP, "end" TIMESTAMP, duration DOUBLE,
    client_packets BIGINT, server_packets BIGINT, client_bytes BIGINT, server_bytes BIGINT,
    client_state VARCHAR, server_state VARCHAR, conn_state VARCHAR, history VARCHAR, missed_bytes BIGINT, irtt DOUBLE,
    ${FLAG_COLUMNS.map((f) => `${f} INTEGER`).join(', ')})`,
  `CREATE TABLE IF NOT EXISTS anomalies (
    file_id VARCHAR NOT NULL, file VARCHAR NOT NULL, connection INTEGER, stream INTEGER, id VARCHAR NOT NULL,
    severity VARCHAR, frame BIGINT, side VARCHAR, detail VARCHAR)`,
];

/** Years 1 to 9999, in microseconds: what every SQL tool reads as a timestamp. */
const MIN_US = -62_135_596_800_000_000n;
const MAX_US = 253_402_300_799_999_999n;

/**
 * "sec.nsec" epoch seconds → microseconds (the TIMESTAMP unit); null for a time no calendar
 * holds (a damaged or crafted capture can carry any 64-bit time; the JSON report still has it).
 */
export function micros(ts: string | null): bigint | null {
  if (ts === null || !/^-?\d+(\.\d+)?$/.test(ts)) return null;
  const [sec = '0', frac = ''] = ts.split('.');
  const us = BigInt(sec) * 1_000_000n + (sec.startsWith('-') ? -1n : 1n) * BigInt((frac + '000000').slice(0, 6));
  return us < MIN_US || us > MAX_US ? null : us;
}

export interface StoreTarget {
  db?: string;
  parquet?: string;
}

export class AuditStore {
  private constructor(
    private readonly api: Api,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly known: Set<string>,
    private readonly appenders: Record<(typeof TABLES)[number], DuckDBAppender>,
    private readonly target: StoreTarget,
  ) {}

  /** Files written by this audit, and those skipped because the database already had them. */
  added = 0;
  alreadyThere = 0;

  static async open(target: StoreTarget): Promise<AuditStore> {
    const api = await import('@duckdb/node-api');
    const instance = await api.DuckDBInstance.create(target.db ?? ':memory:');
    const conn = await instance.connect();
    for (const sql of SCHEMA) await conn.run(sql);
    // Without a database file, appending to a Parquet folder starts from what it already holds.
    if (target.db === undefined && target.parquet !== undefined) {
      for (const t of TABLES) {
        const f = join(target.parquet, `${t}.parquet`);
        if (existsSync(f)) await conn.run(`INSERT INTO ${t} SELECT * FROM read_parquet('${f.replaceAll("'", "''")}')`);
      }
    }
    const known = new Set((await conn.runAndReadAll('SELECT file_id FROM files')).getRows().map((r) => String(r[0])));
    const appenders = {
      files: await conn.createAppender('files'),
      connections: await conn.createAppender('connections'),
      anomalies: await conn.createAppender('anomalies'),
    };
    return new AuditStore(api, instance, conn, known, appenders, target);
  }

  /** Adds one capture's rows, unless a capture with the same identity is already there. */
  add(identity: CaptureIdentity, r: AuditFileResult, host: string): boolean {
    const fileId = captureId(identity);
    if (this.known.has(fileId)) {
      this.alreadyThere++;
      return false;
    }
    this.known.add(fileId);
    this.added++;
    const { api } = this;
    const str = (a: DuckDBAppender, v: string | null): void => (v === null ? a.appendNull() : a.appendVarchar(v));
    const big = (a: DuckDBAppender, v: number | null): void => (v === null ? a.appendNull() : a.appendBigInt(BigInt(Math.trunc(v))));
    const int = (a: DuckDBAppender, v: number | null): void => (v === null ? a.appendNull() : a.appendInteger(v));
    const dbl = (a: DuckDBAppender, v: number | null): void => (v === null ? a.appendNull() : a.appendDouble(v));
    const ts = (a: DuckDBAppender, us: bigint | null): void => (us === null ? a.appendNull() : a.appendTimestamp(new api.DuckDBTimestampValue(us)));
    const rows = r.rows;
    const f = this.appenders.files;
    str(f, fileId);
    str(f, identity.path);
    big(f, identity.size);
    ts(f, BigInt(Math.trunc(identity.mtimeMs * 1000)));
    str(f, rows?.capture.format ?? null);
    if (rows === undefined) f.appendNull();
    else f.appendBoolean(rows.capture.gzip);
    big(f, r.packets);
    big(f, r.tcpPackets);
    big(f, r.connections);
    big(f, rows?.capture.bytes ?? null);
    ts(f, micros(rows?.capture.first ?? null));
    ts(f, micros(rows?.capture.last ?? null));
    str(f, r.error);
    f.appendList(r.warnings, api.LIST(api.VARCHAR));
    str(f, r.host ?? host);
    ts(f, BigInt(Date.now()) * 1000n);
    dbl(f, r.seconds);
    f.endRow();
    if (rows === undefined) return true;
    const c = this.appenders.connections;
    for (const row of rows.connections) {
      str(c, fileId);
      str(c, identity.path);
      int(c, row.id);
      int(c, row.stream);
      str(c, row.client_ip);
      int(c, row.client_port);
      str(c, row.server_ip);
      int(c, row.server_port);
      ts(c, micros(row.start));
      ts(c, micros(row.end));
      dbl(c, row.duration);
      big(c, row.client_packets);
      big(c, row.server_packets);
      big(c, row.client_bytes);
      big(c, row.server_bytes);
      str(c, row.client_state);
      str(c, row.server_state);
      str(c, row.conn_state);
      str(c, row.history);
      big(c, row.missed_bytes);
      dbl(c, row.irtt);
      for (const n of row.flags) int(c, n);
      c.endRow();
    }
    const a = this.appenders.anomalies;
    for (const row of rows.anomalies) {
      str(a, fileId);
      str(a, identity.path);
      int(a, row.connection);
      int(a, row.stream);
      str(a, row.id);
      str(a, row.severity);
      big(a, row.frame);
      str(a, row.side);
      str(a, row.detail);
      a.endRow();
    }
    return true;
  }

  /** Flushes the rows, writes the Parquet files if asked, and closes the database. */
  async close(): Promise<void> {
    for (const t of TABLES) this.appenders[t].closeSync();
    if (this.target.parquet !== undefined) {
      mkdirSync(this.target.parquet, { recursive: true });
      for (const t of TABLES) {
        const final = join(this.target.parquet, `${t}.parquet`);
        const tmp = `${final}.tmp`;
        await this.conn.run(`COPY (SELECT * FROM ${t} ORDER BY ALL) TO '${tmp.replaceAll("'", "''")}' (FORMAT parquet)`);
        renameSync(tmp, final);
      }
    }
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

export type QueryFormat = 'table' | 'json' | 'csv';

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object') {
    const items = (v as { items?: unknown[] }).items;
    if (Array.isArray(items)) return items.map(plain);
    return String(v);
  }
  return v;
}

/**
 * Runs SQL against a database file, or a folder of Parquet files (seen as views files,
 * connections, anomalies), read-only. Returns column names and plain rows.
 */
export async function query(source: string, sql: string): Promise<{ columns: string[]; rows: unknown[][] }> {
  const api = await import('@duckdb/node-api');
  const isParquetDir = existsSync(join(source, 'files.parquet'));
  const instance = await api.DuckDBInstance.create(isParquetDir ? ':memory:' : source, isParquetDir ? {} : { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    if (isParquetDir) {
      for (const t of TABLES) await conn.run(`CREATE VIEW ${t} AS SELECT * FROM read_parquet('${join(source, `${t}.parquet`).replaceAll("'", "''")}')`);
    }
    const reader = await conn.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRowsJS().map((r) => r.map(plain)) };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

function cell(v: unknown): string {
  if (v === null) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function formatQuery(res: { columns: string[]; rows: unknown[][] }, format: QueryFormat): string {
  if (format === 'json') {
    return JSON.stringify(res.rows.map((r) => Object.fromEntries(res.columns.map((c, i) => [c, r[i] instanceof Date ? (r[i] as Date).toISOString() : r[i]]))), null, 1);
  }
  if (format === 'csv') {
    const esc = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
    return [res.columns.map(esc).join(','), ...res.rows.map((r) => r.map((v) => esc(cell(v))).join(','))].join('\n');
  }
  const text = [res.columns, ...res.rows.map((r) => r.map(cell))];
  const widths = res.columns.map((_, i) => Math.max(...text.map((r) => (r[i] as string).length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  return [line(text[0] as string[]), widths.map((w) => '-'.repeat(w)).join('  '), ...text.slice(1).map(line), `(${res.rows.length} row${res.rows.length === 1 ? '' : 's'})`].join('\n');
}
