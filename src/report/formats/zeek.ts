/**
 * conn.log in Zeek's TSV form (zeek/zeek scripts/base/protocols/conn/main.zeek, Conn::Info),
 * TCP rows only, readable by zeek-cut. Fields Zeek derives from analyzers tcplens does not run
 * (service, local_orig, local_resp, tunnel_parents) are unset ("-").
 */
import type { ConnectionRecord, ZeekRecord } from '../model.js';

const FIELDS = [
  'ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration', 'orig_bytes', 'resp_bytes',
  'conn_state', 'local_orig', 'local_resp', 'missed_bytes', 'history', 'orig_pkts', 'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes',
  'tunnel_parents', 'ip_proto',
];
const TYPES = [
  'time', 'string', 'addr', 'port', 'addr', 'port', 'enum', 'string', 'interval', 'count', 'count', 'string', 'bool', 'bool', 'count',
  'string', 'count', 'count', 'count', 'count', 'set[string]', 'count',
];

/** Zeek's log timestamp for #open/#close: YYYY-MM-DD-HH-MM-SS. */
export function logTime(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}-${p(d.getUTCMinutes())}-${p(d.getUTCSeconds())}`;
}

export function zeekHeader(now: Date = new Date()): string {
  return [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    '#path\tconn',
    `#open\t${logTime(now)}`,
    `#fields\t${FIELDS.join('\t')}`,
    `#types\t${TYPES.join('\t')}`,
  ].join('\n');
}

export function zeekFooter(now: Date = new Date()): string {
  return `#close\t${logTime(now)}`;
}

/** A conn.log timestamp: seconds with six decimals, as Zeek writes `time` values. */
export function zeekTime(ts: string): string {
  const [sec, frac = '0'] = ts.split('.');
  return `${sec}.${frac.padEnd(9, '0').slice(0, 6)}`;
}

/**
 * The conn.log rows of one connection, one per line: Zeek writes several when its timers or a
 * reused four-tuple split what tcplens tells as one connection (record.zeekRows).
 */
export function zeekRow(c: ConnectionRecord): string {
  return c.zeekRows.map(connLogLine).join('\n');
}

function connLogLine(z: ZeekRecord): string {
  const unsetWhenNoDuration = (n: number): string => (z.duration === null ? '-' : String(n));
  return [
    zeekTime(z.ts),
    z.uid,
    z.orig_h,
    z.orig_p,
    z.resp_h,
    z.resp_p,
    'tcp',
    '-',
    z.duration === null ? '-' : z.duration.toFixed(6),
    unsetWhenNoDuration(z.orig_bytes),
    unsetWhenNoDuration(z.resp_bytes),
    z.conn_state,
    '-',
    '-',
    z.missed_bytes,
    z.history === '' ? '(empty)' : z.history,
    z.orig_pkts,
    z.orig_ip_bytes,
    z.resp_pkts,
    z.resp_ip_bytes,
    '-',
    6,
  ].join('\t');
}
