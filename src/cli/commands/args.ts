/**
 * What the capture-reading commands share and their runners need, with light imports only:
 * their arguments, the engine's options and the version. (The runners, *-run.ts, import this,
 * never the command modules that load them.)
 */
import type { Argv } from 'yargs';
import type { Severity } from '../../analysis/anomaly.js';
import { DEFAULT_ANALYZE_OPTIONS } from '../../analysis/options.js';
import { TIME_MODES, type TimeMode } from '../../report/time-format.js';
import type { FilterArgs } from '../common.js';
import { UsageError } from '../usage.js';

export const ANALYZE_FORMATS = ['text', 'json', 'ndjson', 'csv', 'zeek', 'zeek-weird', 'html'] as const;

export interface AnalyzeArgs extends FilterArgs {
  file: string;
  time: TimeMode;
  format: (typeof ANALYZE_FORMATS)[number];
  output?: string;
  msl: number;
  'long-close-wait': number;
  'zero-window-stall': number;
  'retransmission-share': number;
  'idle-timeout': number;
  'max-connections': number;
  'syn-flood-min': number;
  'syn-flood-max-completed': number;
  'port-scan-min-ports': number;
  'port-scan-min-failed': number;
  'zeek-ignore-checksums': boolean;
  'read-threads'?: number;
}

const d = DEFAULT_ANALYZE_OPTIONS;
export { VERSION } from '../version.js';

/** tshark's own -t letters for the same modes (ud: UTC date and time, e, r, dd: delta displayed). */
export const TSHARK_TIME_LETTERS: Readonly<Record<string, TimeMode>> = { ud: 'iso', e: 'epoch', r: 'relative', dd: 'delta' };

/** --time, as tshark's -t: how text, timelines, packet lines and HTML show times. */
export function withTimeOption<T>(y: Argv<T>): Argv<T & { time: TimeMode }> {
  return y.option('time', {
    alias: 't',
    choices: TIME_MODES,
    // tshark's letters are taken too (`-t dd`): coerced before yargs checks the choices.
    coerce: (v: unknown) => (typeof v === 'string' && Object.hasOwn(TSHARK_TIME_LETTERS, v) ? TSHARK_TIME_LETTERS[v] : v),
    default: 'iso' as const,
    describe: "how times are shown, as tshark -t (its letters ud, e, r, dd work too): iso = UTC date and time (2016-02-04 13:13:00.134854; 9 digits for nanosecond captures), epoch = seconds since 1970, relative = since the capture's first frame, delta = since the previous frame (or row) shown; JSON keeps epoch strings and adds ISO fields",
  }) as unknown as Argv<T & { time: TimeMode }>;
}

/** The engine's options, shared with `timeline`. */
export function withEngineOptions<T>(y: Argv<T>): Argv<T> {
  return withReadOptions(y)
    .option('msl', { type: 'number', default: d.msl, describe: 'maximum segment lifetime in seconds; TIME-WAIT lasts 2×MSL' })
    .option('long-close-wait', { type: 'number', default: d.longCloseWait, describe: 'seconds in CLOSE-WAIT before long-close-wait is reported' })
    .option('zero-window-stall', { type: 'number', default: d.zeroWindowStall, describe: 'seconds a zero window must last to be reported as zero-window-stall' })
    .option('retransmission-share', { type: 'number', default: d.retransmissionShare, describe: "high-retransmission: share of a direction's payload bytes resent (0.05 = 5 %)" })
    .option('idle-timeout', { type: 'number', default: d.idleTimeout, describe: 'seconds without packets before a connection is closed out (bounds memory)' })
    .option('max-connections', { type: 'number', default: d.maxConnections, describe: 'connections held at once; past it, finished and never-synchronized ones are handed on early, oldest first (bounds memory in floods and scans)' })
    .option('syn-flood-min', { type: 'number', default: d.captureRules.synFloodMinHalfOpen, describe: 'syn-flood: never-completed SYNs to one ip:port alive at once (within 63 s)' })
    .option('syn-flood-max-completed', { type: 'number', default: d.captureRules.synFloodMaxCompletedShare, describe: 'syn-flood: not reported when more than this share of handshakes completes' })
    .option('port-scan-min-ports', { type: 'number', default: d.captureRules.portScanMinPorts, describe: 'port-scan: distinct destination ports tried by one source' })
    .option('port-scan-min-failed', { type: 'number', default: d.captureRules.portScanMinFailedShare, describe: 'port-scan: share of those attempts refused or unanswered' })
    .option('zeek-ignore-checksums', { type: 'boolean', default: false, describe: "Zeek model as `zeek -C`: segments with bad TCP checksums (checksum offload, loopback captures) are analyzed, not only marked C/c" })
    .check((a) => {
      const args = a as unknown as Record<string, unknown>;
      for (const k of ['msl', 'long-close-wait', 'zero-window-stall', 'idle-timeout', 'max-connections', 'syn-flood-min', 'port-scan-min-ports']) {
        const v = args[k];
        if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new UsageError(`--${k} must be a positive number, not ${String(v)}`);
      }
      for (const k of ['syn-flood-max-completed', 'port-scan-min-failed', 'retransmission-share']) {
        const v = args[k];
        if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new UsageError(`--${k} must be a share between 0 and 1, not ${String(v)}`);
      }
      return true;
    }) as Argv<T>;
}

export function engineOptions(args: Omit<AnalyzeArgs, 'format' | 'time'>) {
  return {
    msl: args.msl,
    longCloseWait: args['long-close-wait'],
    zeroWindowStall: args['zero-window-stall'],
    retransmissionShare: args['retransmission-share'],
    idleTimeout: args['idle-timeout'],
    maxConnections: Math.floor(args['max-connections']),
    zeekIgnoreChecksums: args['zeek-ignore-checksums'] === true,
    captureRules: {
      ...d.captureRules,
      synFloodMinHalfOpen: args['syn-flood-min'],
      synFloodMaxCompletedShare: args['syn-flood-max-completed'],
      portScanMinPorts: args['port-scan-min-ports'],
      portScanMinFailedShare: args['port-scan-min-failed'],
    },
  };
}


export interface TimelineArgs extends AnalyzeArgs {
  /** As the filters take them: repeated or comma-separated. */
  conn?: (number | string)[];
  stream?: (number | string)[];
}

export const PACKET_FORMATS = ['text', 'ndjson'] as const;

export interface PacketsArgs extends FilterArgs {
  file: string;
  time: TimeMode;
  format: (typeof PACKET_FORMATS)[number];
  'read-threads'?: number;
}

/** `--read-threads N`: pcap-parser instances reading ranges of a classic pcap file at once (capture/parallel-pcap.ts). */
export function withReadOptions<T>(y: Argv<T>): Argv<T> {
  return y.option('read-threads', {
    type: 'number',
    describe: 'pcap-parser instances reading ranges of a classic pcap file at once, on worker threads (default: the cores; 1 reads on one thread)',
  }) as Argv<T>;
}

/** The reading options of the capture stage, from `--read-threads`. */
export function readOptions(args: { 'read-threads'?: number }): { readThreads?: number } {
  const n = args['read-threads'];
  if (n === undefined) return {};
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--read-threads must be a whole number of at least 1, not ${String(n)}`);
  return { readThreads: n };
}

export interface SliceArgs extends Omit<AnalyzeArgs, 'format' | 'time'> {
  output: string;
}

export interface AuditArgs extends Omit<AnalyzeArgs, 'file' | 'format'> {
  paths: string[];
  format: 'text' | 'json' | 'ndjson';
  jobs: number;
  html?: string;
  'fail-on'?: string[];
  'fail-on-severity'?: Severity;
  verbose?: boolean;
  db?: string;
  parquet?: string;
  queue?: string;
  'redis-timeout': number;
}

export interface WorkerArgs {
  queue: string;
  jobs: number;
  attempts: number;
  'lock-duration': number;
}
