/**
 * Reads `tcptrace -l` (long) output, with -r's RTT lines when present: one record per "TCP
 * connection N:" block, its hosts, and each two-column statistic line as [a→b, b→a] strings.
 * The format is output.c's StatLineI/StatLineF/StatLineP: "label: value[ unit]" twice per line.
 */
import type { ConnectionRecord, DirectionFigures } from '../../src/report/model.js';

export interface TcptraceConnection {
  index: number;
  hostA: { ip: string; port: number };
  hostB: { ip: string; port: number };
  totalPackets: number;
  complete: string;
  /** Statistic label → [a→b value, b→a value], units dropped ("1460 bytes" → "1460"). */
  stats: Map<string, [string, string]>;
}

/** An address in one spelling: IPv6 expanded to eight 4-digit groups (tcptrace keeps leading zeros). */
export function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = ip.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => g.toLowerCase().padStart(4, '0')).join(':');
}

function endpoint(s: string): { ip: string; port: number } {
  const at = s.lastIndexOf(':');
  return { ip: canonicalIp(s.slice(0, at)), port: Number(s.slice(at + 1)) };
}

const UNITS = /\s+(bytes|pkts|times|secs|ms|segs|Bps)$/;

export function parseTcptrace(text: string): TcptraceConnection[] {
  const out: TcptraceConnection[] = [];
  const blocks = text.split(/^TCP connection (\d+):$/m);
  for (let i = 1; i + 1 < blocks.length; i += 2) {
    const body = blocks[i + 1] as string;
    const field = (name: string): string => (new RegExp(`^\\s*${name}:\\s*(.*)$`, 'm').exec(body)?.[1] ?? '').trim();
    // Hosts are lettered a, b, c, d … across the connections (trace.c NewTTP).
    const hosts = [...body.matchAll(/^\s*host \w+:\s*(.*)$/gm)].map((m) => (m[1] as string).trim());
    const stats = new Map<string, [string, string]>();
    for (const line of body.split('\n')) {
      const m = /^\s+([^:]+?):\s+(.*?)\s+\1:\s+(.*?)\s*$/.exec(line);
      if (m === null) continue;
      stats.set(m[1] as string, [(m[2] as string).replace(UNITS, '').trim(), (m[3] as string).replace(UNITS, '').trim()]);
    }
    out.push({
      index: Number(blocks[i]),
      hostA: endpoint(hosts[0] ?? ''),
      hostB: endpoint(hosts[1] ?? ''),
      totalPackets: Number(field('total packets')),
      complete: field('complete conn'),
      stats,
    });
  }
  return out;
}

/** tcptrace label → how our figures print it. */
export const FIELDS: Record<string, (d: DirectionFigures, peer: DirectionFigures, c: ConnectionRecord) => string> = {
  'total packets': (d) => String(d.packets),
  'ack pkts sent': (d) => String(d.ackPackets),
  'pure acks sent': (d) => String(d.pureAcks),
  'unique bytes sent': (d) => String(d.uniqueBytes),
  'actual data pkts': (d) => String(d.dataPackets),
  'actual data bytes': (d) => String(d.dataBytes),
  'rexmt data pkts': (d) => String(d.retransmittedPackets),
  'rexmt data bytes': (d) => String(d.retransmittedBytes),
  'zwnd probe pkts': (d) => String(d.zeroWindowProbes),
  'zwnd probe bytes': (d) => String(d.zeroWindowProbeBytes),
  'outoforder pkts': (d) => String(d.outOfOrderPackets),
  'SYN/FIN pkts sent': (d) => `${d.synCount}/${d.finCount}`,
  'req 1323 ws/ts': (d) => `${d.windowScale === null ? 'N' : 'Y'}/${d.timestamps ? 'Y' : 'N'}`,
  // output.c prints tcb.window_scale: the asked shift, set to 0 by the first non-SYN segment when one side did not ask.
  'adv wind scale': (d, p) => String(d.windowScale === null ? 0 : p.windowScale !== null || d.packets + p.packets === d.synCount + p.synCount ? d.windowScale : 0),
  'req sack': (d) => (d.sackPermitted ? 'Y' : 'N'),
  // tcptrace keeps the MSS option in a signed short (tcptrace.h struct tcp_options) and prints it as
  // unsigned: loopback's 65495 is -41, printed 4294967255. Our value is compared in that spelling.
  'mss requested': (d) => String(d.mss === null ? 0 : d.mss > 0x7fff ? (d.mss - 0x10000) >>> 0 : d.mss),
  'max win adv': (d) => String(d.windowMax),
  'min win adv': (d) => String(d.windowMin),
  'zero win adv': (d) => String(d.zeroWindows),
  throughput: (d) => (d.throughput === null ? 'NA' : d.throughput.toFixed(0)),
  'RTT samples': (d) => String(d.rtt.samples),
  'RTT min': (d) => ((d.rtt.min ?? 0) * 1000).toFixed(1),
  'RTT max': (d) => ((d.rtt.max ?? 0) * 1000).toFixed(1),
  'RTT avg': (d) => ((d.rtt.avg ?? 0) * 1000).toFixed(1),
};

/** Numeric fields compared within a tolerance: tcptrace works in microseconds (libpcap's), we in nanoseconds. */
const TOLERANCE: Record<string, number> = { throughput: 1, 'RTT min': 0.1, 'RTT max': 0.1, 'RTT avg': 0.1 };

/** Whether our value prints as tcptrace's (within TOLERANCE for times and rates). */
export function agree(field: string, ours: string, theirs: string): boolean {
  if (ours === theirs) return true;
  const tol = TOLERANCE[field];
  if (tol === undefined) return false;
  const a = Number(ours);
  const b = Number(theirs);
  return Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= tol + 1e-9;
}

function key(a: { ip: string; port: number }, b: { ip: string; port: number }): string {
  const x = `${canonicalIp(a.ip)}|${a.port}`;
  const y = `${canonicalIp(b.ip)}|${b.port}`;
  return x < y ? `${x}~${y}` : `${y}~${x}`;
}

export interface Comparison {
  file: string;
  conn: number;
  dir: string;
  field: string;
  ours: string;
  theirs: string;
}

/** Compares one capture's connections with tcptrace's blocks; returns every field compared and the pairs not comparable. */
export function compare(file: string, conns: ConnectionRecord[], trace: TcptraceConnection[], fields: readonly string[]): { rows: (Comparison & { ok: boolean })[]; skipped: string[] } {
  const rows: (Comparison & { ok: boolean })[] = [];
  const skipped: string[] = [];
  const ours = new Map<string, ConnectionRecord[]>();
  for (const c of conns) {
    const k = key(c.client, c.server);
    ours.set(k, [...(ours.get(k) ?? []), c]);
  }
  const used = new Map<string, number>();
  for (const t of trace) {
    const k = key(t.hostA, t.hostB);
    const n = used.get(k) ?? 0;
    used.set(k, n + 1);
    const c = ours.get(k)?.[n];
    if (c === undefined) {
      skipped.push(`${file} tcptrace connection ${t.index}: no connection of ours`);
      continue;
    }
    const total = c.packets.client + c.packets.server;
    if (total !== t.totalPackets) {
      skipped.push(`${file} tcptrace connection ${t.index}: ${t.totalPackets} packets, ours ${total} (connection ${c.id})`);
      continue;
    }
    const aIsClient = t.hostA.ip === canonicalIp(c.client.ip) && t.hostA.port === c.client.port;
    const da = aIsClient ? c.figures.client : c.figures.server;
    const db = aIsClient ? c.figures.server : c.figures.client;
    for (const field of fields) {
      const theirs = t.stats.get(field);
      if (theirs === undefined) continue;
      const fn = FIELDS[field] as (d: DirectionFigures, p: DirectionFigures, c: ConnectionRecord) => string;
      for (const [i, d, p, dir] of [[0, da, db, 'a->b'], [1, db, da, 'b->a']] as const) {
        const ourValue = fn(d, p, c);
        rows.push({ file, conn: t.index, dir, field, ours: ourValue, theirs: theirs[i], ok: agree(field, ourValue, theirs[i]) });
      }
    }
  }
  return { rows, skipped };
}

