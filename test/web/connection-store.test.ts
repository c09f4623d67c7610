/**
 * The viewer's connection store (columns in memory, records on disk) must answer exactly as a
 * plain filter-sort-slice over the records in memory would. The reference below is that plain
 * version, written out separately; the records come from the benchmark's mixed capture (opens,
 * closes, resets, IPv6, VLANs, retransmissions), so filters and sorts meet real variety.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateBenchCapture } from '../../bench/generate.js';
import { generateManyConnections } from '../../bench/generate-many.js';
import { matches, type ConnectionFilter } from '../../src/report/filters.js';
import type { ConnectionRecord } from '../../src/report/model.js';
import { ConnectionStore, removeOrphanSpools, type SortKey } from '../../src/web/connection-store.js';
import { analyze } from '../support/analyze.js';

function referenceKey(c: ConnectionRecord, sort: SortKey): number | string {
  switch (sort) {
    case 'start':
      return Number(c.start);
    case 'duration':
      return c.duration;
    case 'packets':
      return c.packets.client + c.packets.server;
    case 'bytes':
      return c.bytes.client + c.bytes.server;
    case 'state':
      return `${c.states.client}/${c.states.server}`;
    case 'anomalies':
      return c.anomalies.length;
    default:
      return c.id;
  }
}

/** Plain filter, sort (ties by id) and slice over every record. */
function reference(all: ConnectionRecord[], filter: ConnectionFilter, sort: SortKey, descending: boolean, page: number, pageSize: number): { matched: number; ids: number[] } {
  const hit = all.filter((c) => matches(c, filter));
  const cmp = (a: ConnectionRecord, b: ConnectionRecord): number => {
    if (sort === 'client' || sort === 'server') {
      const x = a[sort];
      const y = b[sort];
      return x.ip < y.ip ? -1 : x.ip > y.ip ? 1 : x.port - y.port || a.id - b.id;
    }
    const x = referenceKey(a, sort);
    const y = referenceKey(b, sort);
    return x < y ? -1 : x > y ? 1 : a.id - b.id;
  };
  hit.sort((a, b) => cmp(a, b) * (descending ? -1 : 1));
  return { matched: hit.length, ids: hit.slice((page - 1) * pageSize, page * pageSize).map((c) => c.id) };
}

let records: ConnectionRecord[] = [];
let store: ConnectionStore;
let handed: ConnectionStore;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-store-'));
  generateBenchCapture(join(dir, 'mix.pcap'), 3e6);
  generateManyConnections(join(dir, 'refused.pcap'), 300, 1000, 'refused');
  generateManyConnections(join(dir, 'unanswered.pcap'), 300, 1000, 'unanswered');
  // Three captures' records as one (ids renumbered): a mix, a refused scan, a SYN flood.
  for (const name of ['mix.pcap', 'refused.pcap', 'unanswered.pcap']) {
    const base = records.length;
    for (const r of (await analyze(join(dir, name))).connections) records.push({ ...r, id: r.id + base });
  }
  const build = (): ConnectionStore => {
    const s = new ConnectionStore();
    // In the order connections end, not by id, as the engine hands them on.
    for (const r of [...records].sort((a, b) => a.lastFrame - b.lastFrame)) s.add(r);
    s.finish();
    return s;
  };
  store = build();
  // The viewer's way (web/analysis-worker.ts): built on a worker thread, handed over as a
  // snapshot whose buffers are transferred (structuredClone with a transfer list is that
  // crossing), and read from the spool file the worker wrote.
  const built = build();
  const snapshot = built.snapshot();
  handed = new ConnectionStore(structuredClone(snapshot, { transfer: ConnectionStore.transferables(snapshot) }));
  expect(built.count).toBe(0); // the builder let go of its columns
});
afterAll(() => {
  store.close();
  handed.close();
});

test('a store handed over from another thread gives the same performance summary and capture charts (classes and columns survive the crossing)', () => {
  expect(handed.summary([]).performance).toEqual(store.summary([]).performance);
  expect(store.summary([]).performance.handshakeRtt.connections).toBe(records.filter((r) => r.irtt !== null).length);
  expect(handed.charts()).toEqual(store.charts());
  expect(store.charts().handshakeRtt.counts.reduce((a, b) => a + b, 0)).toBe(records.filter((r) => r.irtt !== null).length);
});

describe.each([
  ['built here', (): ConnectionStore => store],
  ['handed over from another thread', (): ConnectionStore => handed],
])('the viewer connection store, %s', (_how, current) => {
  test('holds every connection, and gives each record back as it was', () => {
    expect(records.length).toBeGreaterThan(800);
    expect(current().count).toBe(records.length);
    for (const r of records.filter((_, i) => i % 17 === 0)) expect(current().get(r.id)).toEqual(r);
    expect(current().get(0)).toBeUndefined();
    expect(current().get(records.length + 1)).toBeUndefined();
  });

  const some = (): { host: string; port: number } => ({ host: records[3]?.client.ip ?? '', port: records[5]?.server.port ?? 0 });
  const cases: { name: string; filter: () => ConnectionFilter }[] = [
    { name: 'no filter', filter: () => ({}) },
    { name: 'a host', filter: () => ({ hosts: [some().host] }) },
    { name: 'a host in capitals and one never seen', filter: () => ({ hosts: [some().host.toUpperCase(), '198.18.0.1'] }) },
    { name: 'a port', filter: () => ({ ports: [some().port] }) },
    { name: 'states', filter: () => ({ states: ['TIME-WAIT', 'CLOSED'] }) },
    { name: 'an anomaly', filter: () => ({ anomalies: ['rst-abort'] }) },
    { name: 'anomalies', filter: () => ({ anomalies: ['rst-refused', 'unanswered-syn'] }) },
    { name: 'all at once', filter: () => ({ ports: [some().port], states: ['CLOSED', 'TIME-WAIT', 'ESTABLISHED'], anomalies: ['rst-abort', 'missing-final-ack', 'midstream'] }) },
    { name: 'ids', filter: () => ({ ids: [1, 5, 9, 600, 100000] }) },
    { name: 'streams', filter: () => ({ streams: [0, 4, 9, 300] }) },
    { name: 'Zeek conn_states', filter: () => ({ connStates: ['S0', 'REJ'] }) },
    { name: 'Zeek history letters (all of one value, or another)', filter: () => ({ historyHas: ['Fd', 'R'] }) },
    { name: 'Wireshark flags', filter: () => ({ flags: ['retransmission', 'duplicate_ack'] }) },
    { name: 'a conn_state and a flag', filter: () => ({ connStates: ['SF'], flags: ['retransmission'] }) },
  ];
  test('the new filters each select some connections and leave others (so the cases above can fail)', () => {
    for (const f of [{ connStates: ['S0', 'REJ'] }, { historyHas: ['Fd', 'R'] }, { flags: ['retransmission', 'duplicate_ack'] }, { streams: [0, 4, 9, 300] }] as ConnectionFilter[]) {
      const n = records.filter((c) => matches(c, f)).length;
      expect(n, JSON.stringify(f)).toBeGreaterThan(0);
      expect(n, JSON.stringify(f)).toBeLessThan(records.length);
    }
  });
  const sorts: SortKey[] = ['id', 'start', 'duration', 'packets', 'bytes', 'client', 'server', 'state', 'anomalies'];
  test.each(cases)('filter by $name: every sort, both orders, first and later pages match a plain sort', ({ filter }) => {
    const f = filter();
    for (const sort of sorts) {
      for (const descending of [false, true]) {
        for (const page of [1, 2, 7]) {
          const want = reference(records, f, sort, descending, page, 25);
          const got = current().query({ filter: f, sort, descending, page, pageSize: 25 });
          expect(got.matched, `${sort} ${descending} ${page}`).toBe(want.matched);
          const lastPage = Math.max(1, Math.ceil(want.matched / 25));
          const expected = page <= lastPage ? want.ids : reference(records, f, sort, descending, lastPage, 25).ids;
          expect(got.connections.map((c) => c.id), `${sort} ${descending ? 'desc' : 'asc'} page ${page}`).toEqual(expected);
          expect(got.page).toBe(Math.min(page, lastPage));
        }
      }
    }
  });

  test("a filter's rows are kept for its next pages: more filters and sorts than are kept, asked twice over, still match a plain sort", () => {
    // 12 filters x 9 sorts = 108 (filter, sort) keys, past the 16 kept: the second pass meets evicted and kept ones.
    const asked = cases.slice(1, 13).flatMap(({ filter }) => sorts.map((sort) => ({ f: filter(), sort })));
    expect(asked.length).toBeGreaterThan(16);
    for (const pass of [1, 2]) {
      for (const [i, { f, sort }] of asked.entries()) {
        const descending = (i + pass) % 2 === 0;
        const page = 1 + ((i * pass) % 3);
        const want = reference(records, f, sort, descending, page, 10);
        const got = current().query({ filter: f, sort, descending, page, pageSize: 10 });
        expect(got.matched).toBe(want.matched);
        if (page <= got.pages) expect(got.connections.map((c) => c.id), `${JSON.stringify(f)} ${sort} pass ${pass}`).toEqual(want.ids);
      }
    }
  });

  test('the summary counts what the records hold', () => {
    const wide = [{ id: 'syn-flood', severity: 'error' as const, frame: 1, side: null, detail: 'x' }];
    const s = current().summary(wide);
    const pairs = new Map<string, number>();
    for (const r of records) pairs.set(`${r.states.client} / ${r.states.server}`, (pairs.get(`${r.states.client} / ${r.states.server}`) ?? 0) + 1);
    expect(new Map(s.byStates)).toEqual(pairs);
    expect(s.byConnState.reduce((n, e) => n + e[1], 0)).toBe(records.length);
    expect(s.anomalyCounts.reduce((a, e) => a + e[1], 0)).toBe(records.reduce((n, r) => n + r.anomalies.length, 0) + 1);
    expect(new Map(s.anomalyCounts).get('syn-flood')).toBe(records.reduce((n, r) => n + r.anomalies.filter((a) => a.id === 'syn-flood').length, 0) + 1);
  });

  test('anomaly pages, read one after another, are every finding in id order', () => {
    const want = records.flatMap((r) => r.anomalies.map((a) => ({ ...a, conn: r.id })));
    expect(want.length).toBeGreaterThan(40);
    const first = current().anomalies(1, 13);
    expect(first.total).toBe(want.length);
    const got = [];
    for (let p = 1; p <= first.pages; p++) got.push(...current().anomalies(p, 13).anomalies);
    expect(got).toEqual(want);
    expect(current().anomalies(first.pages + 5, 13).page).toBe(first.pages);
  });

  test('a record larger than a spool block is kept whole, between ordinary ones, before and after the store is finished', () => {
    const s = new ConnectionStore();
    const [a, b, c] = records as [ConnectionRecord, ConnectionRecord, ConnectionRecord];
    const big = { ...b, id: 2, anomalies: [{ id: 'rst-abort', severity: 'warning' as const, frame: 1, side: null, detail: 'x'.repeat(200_000) }] };
    s.add({ ...a, id: 1 });
    s.add(big);
    s.add({ ...c, id: 3 });
    expect(s.get(2)).toBeUndefined(); // ids are indexed at finish
    s.finish();
    expect(s.get(2)).toEqual(big);
    expect(s.get(1)).toEqual({ ...a, id: 1 });
    expect(s.get(3)).toEqual({ ...c, id: 3 });
    s.close();
  });

  test("a viewer that was killed leaves its spool; the next one removes it, never a running viewer's", () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    const orphan = join(tmpdir(), `tcplens-viewer-${dead}-test`);
    mkdirSync(orphan, { recursive: true });
    writeFileSync(join(orphan, 'connections.ndjson.deflate-blocks'), 'x');
    const live = new ConnectionStore();
    const liveDir = live.spoolDir;
    expect(removeOrphanSpools()).toBeGreaterThanOrEqual(1);
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(liveDir)).toBe(true);
    live.close();
  });

  test('close removes the spool from disk', () => {
    const s = new ConnectionStore();
    s.add(records[0] as ConnectionRecord);
    s.finish();
    const dir = s.spoolDir;
    expect(existsSync(dir)).toBe(true);
    s.close();
    expect(existsSync(dir)).toBe(false);
  });
});
