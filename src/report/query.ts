/**
 * Server-side listing of connections for the web viewer: filters (report/filters.ts), sort and
 * pagination over records already in memory, so a page of a million-connection capture is cheap.
 */
import { matches, type ConnectionFilter } from './filters.js';
import type { ConnectionRecord } from './model.js';

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

function key(c: ConnectionRecord, sort: SortKey): number | string {
  switch (sort) {
    case 'start':
      return c.start;
    case 'duration':
      return c.duration;
    case 'packets':
      return c.packets.client + c.packets.server;
    case 'bytes':
      return c.bytes.client + c.bytes.server;
    case 'client':
      return `${c.client.ip}:${c.client.port}`;
    case 'server':
      return `${c.server.ip}:${c.server.port}`;
    case 'state':
      return `${c.states.client}/${c.states.server}`;
    case 'anomalies':
      return c.anomalies.length;
    default:
      return c.id;
  }
}

export function queryConnections(all: readonly ConnectionRecord[], q: ConnectionQuery): ConnectionPage {
  const matched = all.filter((c) => matches(c, q.filter));
  if (q.sort !== 'id' || q.descending) {
    const dir = q.descending ? -1 : 1;
    matched.sort((a, b) => {
      const x = key(a, q.sort);
      const y = key(b, q.sort);
      return (x < y ? -1 : x > y ? 1 : a.id - b.id) * dir;
    });
  }
  const pages = Math.max(1, Math.ceil(matched.length / q.pageSize));
  const page = Math.min(Math.max(1, q.page), pages);
  return { total: all.length, matched: matched.length, page, pages, pageSize: q.pageSize, connections: matched.slice((page - 1) * q.pageSize, page * q.pageSize) };
}
