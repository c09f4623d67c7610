/**
 * `tcplens audit --db / --parquet` and `tcplens query`: the three tables, a capture audited twice
 * stored once (same path, size, mtime), a changed capture stored again, Parquet equal to DuckDB,
 * and the query output formats.
 */
import { copyFileSync, existsSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { SAMPLES, runCli } from '../support/cli.js';

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-audit-db-'));
  copyFileSync(join(SAMPLES, 'handshake-close.pcap'), join(dir, 'good.pcap'));
  copyFileSync(join(SAMPLES, 'syn-flood.pcapng'), join(dir, 'flood.pcapng'));
  copyFileSync(join(SAMPLES, 'refused.pcap'), join(dir, 'refused.pcap'));
  writeFileSync(join(dir, 'broken.pcap'), 'not a capture\n');
  return dir;
}

async function json(db: string, sql: string): Promise<Record<string, unknown>[]> {
  const run = await runCli(['query', db, sql, '--format', 'json']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

describe('audit --db and tcplens query', () => {
  test('files, connections and anomalies tables, with the columns of the JSON report', async () => {
    const dir = folder();
    const db = join(dir, 'audits.duckdb');
    // The samples are loopback captures (checksum offload): Zeek's verdicts as with zeek -C.
    const run = await runCli(['audit', dir, '--db', db, '--zeek-ignore-checksums']);
    expect(run.code).toBe(3); // broken.pcap
    const files = await json(db, 'SELECT path, format, packets, tcp_packets, connections, error FROM files ORDER BY path');
    expect(files.map((f) => [f.path, f.format, f.packets, f.connections])).toEqual([
      [join(dir, 'broken.pcap'), null, 0, 0],
      [join(dir, 'flood.pcapng'), 'pcapng', 612, 303],
      [join(dir, 'good.pcap'), 'pcap', 10, 1],
      [join(dir, 'refused.pcap'), 'pcap', 2, 1],
    ]);
    expect(files[0]?.error).toMatch(/not a capture file/);
    const [conn] = await json(db, `SELECT * FROM connections WHERE file = '${join(dir, 'good.pcap')}'`);
    expect(conn).toMatchObject({ id: 1, stream: 0, client_port: expect.any(Number), server_port: expect.any(Number), conn_state: 'SF', retransmission: 0 });
    expect(Object.keys(conn as object)).toEqual(expect.arrayContaining(['client_ip', 'server_ip', 'start', 'end', 'duration', 'client_packets', 'server_bytes', 'client_state', 'history', 'missed_bytes', 'irtt', 'duplicate_ack']));
    const refused = await json(db, "SELECT a.id, a.severity, a.side, c.server_port, c.conn_state FROM anomalies a JOIN connections c ON a.file_id = c.file_id AND a.connection = c.id");
    expect(refused).toEqual([{ id: 'rst-refused', severity: 'warning', side: 'server', server_port: expect.any(Number), conn_state: 'REJ' }]);
    const flood = await json(db, "SELECT f.path FROM anomalies a JOIN files f USING (file_id) WHERE a.id = 'syn-flood' AND a.detail LIKE '%:80:%'");
    expect(flood).toEqual([{ path: join(dir, 'flood.pcapng') }]);
    expect((await json(db, 'SELECT count(*) AS n FROM connections'))[0]?.n).toBe(305);
  });

  test('a second audit adds no duplicate; a changed capture (new mtime) is added as a new identity', async () => {
    const dir = folder();
    const db = join(dir, 'audits.duckdb');
    await runCli(['audit', dir, '--db', db]);
    await runCli(['audit', join(dir, 'good.pcap'), join(dir, 'flood.pcapng'), '--db', db]);
    expect(await json(db, 'SELECT count(*) AS files, (SELECT count(*) FROM connections) AS conns, (SELECT count(*) FROM anomalies) AS anomalies FROM files')).toEqual([{ files: 4, conns: 305, anomalies: 2 }]);
    utimesSync(join(dir, 'good.pcap'), new Date(), new Date(Date.now() + 60_000));
    await runCli(['audit', dir, '--db', db]);
    expect(await json(db, "SELECT count(*) AS n, count(DISTINCT mtime) AS mtimes FROM files WHERE path LIKE '%good.pcap'")).toEqual([{ n: 2, mtimes: 2 }]);
    expect((await json(db, 'SELECT count(*) AS n FROM connections'))[0]?.n).toBe(306);
  });

  test('--parquet writes the same tables; query reads the folder; table and csv formats', async () => {
    const dir = folder();
    const db = join(dir, 'audits.duckdb');
    const pq = join(dir, 'parquet');
    await runCli(['audit', dir, '--db', db]);
    await runCli(['audit', dir, '--parquet', pq]);
    await runCli(['audit', dir, '--parquet', pq]); // appending again adds nothing
    for (const t of ['files', 'connections', 'anomalies']) expect(existsSync(join(pq, `${t}.parquet`))).toBe(true);
    const sql = 'SELECT file, id, stream, client_ip, client_port, server_port, conn_state, history, start FROM connections ORDER BY ALL';
    expect(await json(pq, sql)).toEqual(await json(db, sql));
    const table = await runCli(['query', db, "SELECT path, packets FROM files WHERE path LIKE '%good.pcap'"]);
    expect(table.stdout).toMatch(/^path\s+packets\n-+\s+-+\n.*good\.pcap\s+10\n\(1 row\)\n$/);
    const csv = await runCli(['query', db, 'SELECT id, detail FROM anomalies WHERE connection IS NULL', '-f', 'csv']);
    expect(csv.stdout.split('\n')[0]).toBe('id,detail');
    expect(csv.stdout).toMatch(/^syn-flood,"?203\.0\.113\.80:80: 300 half-open/m);
  });

  test('a bad query or a missing database is a usage error (exit 2)', async () => {
    const dir = folder();
    const db = join(dir, 'audits.duckdb');
    await runCli(['audit', join(dir, 'good.pcap'), '--db', db]);
    const bad = await runCli(['query', db, 'SELECT nope FROM files']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('query failed');
    expect((await runCli(['query', join(dir, 'none.duckdb'), 'SELECT 1'])).code).toBe(2);
  });
});
