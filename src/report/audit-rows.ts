/**
 * An audit as rows for SQL: one `files` row per capture, one `connections` row per TCP connection
 * (from the JSON ConnectionRecord), one `anomalies` row per finding. Plain objects, built in the
 * worker that read the capture and written by the coordinator (audit-store.ts), so a local audit
 * and a queued one fill the same tables.
 */
import { createHash } from 'node:crypto';
import { WIRESHARK_FLAGS } from '../analysis/flags/flag-bits.js';
import type { Finding } from '../analysis/anomaly.js';
import type { ConnectionRecord } from './model.js';

/** A capture's identity: the same path, size and modification time is the same capture. */
export interface CaptureIdentity {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Stable id of a capture identity: the files key in the database and the queue's job id. */
export function captureId(id: CaptureIdentity): string {
  return createHash('sha256').update(`${id.path}\0${id.size}\0${Math.trunc(id.mtimeMs)}`).digest('hex').slice(0, 24);
}

/** What the worker adds about the capture itself. */
export interface CaptureFacts {
  format: string | null;
  gzip: boolean;
  bytes: number;
  /** Epoch seconds "sec.nsec", as in the JSON report. */
  first: string | null;
  last: string | null;
}

export interface ConnectionRow {
  id: number;
  stream: number;
  client_ip: string;
  client_port: number;
  server_ip: string;
  server_port: number;
  start: string;
  end: string;
  duration: number;
  client_packets: number;
  server_packets: number;
  client_bytes: number;
  server_bytes: number;
  client_state: string;
  server_state: string;
  conn_state: string;
  history: string;
  missed_bytes: number;
  irtt: number | null;
  /** Wireshark's tcp.analysis flag counts, one column per flag. */
  flags: number[];
}

export interface AnomalyRow {
  connection: number | null;
  stream: number | null;
  id: string;
  severity: string;
  frame: number;
  side: string | null;
  detail: string;
}

export interface AuditRows {
  capture: CaptureFacts;
  connections: ConnectionRow[];
  anomalies: AnomalyRow[];
}

export const FLAG_COLUMNS: readonly string[] = WIRESHARK_FLAGS;

export function connectionRow(r: ConnectionRecord): ConnectionRow {
  return {
    id: r.id,
    stream: r.stream,
    client_ip: r.client.ip,
    client_port: r.client.port,
    server_ip: r.server.ip,
    server_port: r.server.port,
    start: r.start,
    end: r.end,
    duration: r.duration,
    client_packets: r.packets.client,
    server_packets: r.packets.server,
    client_bytes: r.bytes.client,
    server_bytes: r.bytes.server,
    client_state: r.states.client,
    server_state: r.states.server,
    conn_state: r.zeek.conn_state,
    history: r.zeek.history,
    missed_bytes: r.zeek.missed_bytes,
    irtt: r.irtt,
    flags: WIRESHARK_FLAGS.map((f) => r.analysis[f] ?? 0),
  };
}

export function anomalyRow(f: Finding, conn: ConnectionRecord | null): AnomalyRow {
  return { connection: conn?.id ?? null, stream: conn?.stream ?? null, id: f.id, severity: f.severity, frame: f.frame, side: f.side, detail: f.detail };
}
