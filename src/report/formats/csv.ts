/**
 * One CSV row per connection (RFC 4180): the JSON record flattened. Lists become counts or
 * `;`-joined text so the file stays one row per connection.
 */
import type { ConnectionRecord, DirectionFigures } from '../model.js';

/** tcptrace's per-direction figures (model.ts DirectionFigures), one column per side each: `<name>_client`, `<name>_server`. */
const FIGURES: readonly [string, (d: DirectionFigures) => unknown][] = [
  ['unique_bytes', (d) => d.uniqueBytes],
  ['retransmitted_packets', (d) => d.retransmittedPackets],
  ['retransmitted_bytes', (d) => d.retransmittedBytes],
  ['zero_window_probes', (d) => d.zeroWindowProbes],
  ['out_of_order_packets', (d) => d.outOfOrderPackets],
  ['rtt_samples', (d) => d.rtt.samples],
  ['rtt_min', (d) => d.rtt.min],
  ['rtt_avg', (d) => d.rtt.avg],
  ['rtt_max', (d) => d.rtt.max],
  ['ts_rtt_samples', (d) => d.rttTimestamps.samples],
  ['ts_rtt_min', (d) => d.rttTimestamps.min],
  ['ts_rtt_avg', (d) => d.rttTimestamps.avg],
  ['ts_rtt_max', (d) => d.rttTimestamps.max],
  ['window_min', (d) => d.windowMin],
  ['window_max', (d) => d.windowMax],
  ['zero_windows', (d) => d.zeroWindows],
  ['mss', (d) => d.mss],
  ['window_scale', (d) => d.windowScale],
  ['sack_permitted', (d) => d.sackPermitted],
  ['timestamps', (d) => d.timestamps],
  ['throughput', (d) => d.throughput],
];

export const CSV_COLUMNS = [
  'id', 'stream', 'client_ip', 'client_port', 'server_ip', 'server_port', 'roles_inferred', 'first_frame', 'last_frame', 'start', 'end',
  'duration', 'packets_client', 'packets_server', 'bytes_client', 'bytes_server', 'state_client', 'state_server',
  'open_at_end_client', 'open_at_end_server', 'transitions', 'zeek_uid', 'zeek_conn_state', 'zeek_history', 'zeek_orig_bytes',
  'zeek_resp_bytes', 'zeek_orig_pkts', 'zeek_resp_pkts', 'zeek_orig_ip_bytes', 'zeek_resp_ip_bytes', 'zeek_duration',
  'completeness', 'completeness_label', 'irtt', 'analysis', 'anomalies',
  ...FIGURES.flatMap(([name]) => [`${name}_client`, `${name}_server`]),
] as const;

function cell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(): string {
  return CSV_COLUMNS.join(',');
}

export function csvRow(c: ConnectionRecord): string {
  const z = c.zeek;
  return [
    c.id, c.stream, c.client.ip, c.client.port, c.server.ip, c.server.port, c.rolesInferred, c.firstFrame, c.lastFrame, c.start, c.end,
    c.duration, c.packets.client, c.packets.server, c.bytes.client, c.bytes.server, c.states.client, c.states.server,
    c.openAtEnd.client, c.openAtEnd.server,
    c.transitions.map((t) => `${t.side}:${t.from}>${t.to}@${t.frame ?? 'projected'}`).join(';'),
    z.uid, z.conn_state, z.history, z.orig_bytes, z.resp_bytes, z.orig_pkts, z.resp_pkts, z.orig_ip_bytes, z.resp_ip_bytes, z.duration,
    c.completeness, c.completenessLabel, c.irtt,
    Object.entries(c.analysis).map(([k, v]) => `${k}=${v}`).join(';'),
    c.anomalies.map((a) => `${a.id}@${a.frame}`).join(';'),
    ...FIGURES.flatMap(([, get]) => [get(c.figures.client), get(c.figures.server)]),
  ].map(cell).join(',');
}
