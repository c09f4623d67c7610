/** `tcplens analyze FILE|- [--format text|json|ndjson|csv|zeek] [filters] [-o FILE]`. */
import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import { ANOMALY_IDS } from '../../analysis/anomaly-ids.js';
import { analysisDocument, analyzeCapture, DEFAULT_ANALYZE_OPTIONS } from '../../pipeline.js';
import { isEmptyFilter, matches } from '../../report/filters.js';
import { csvHeader, csvRow } from '../../report/formats/csv.js';
import { TextSummary } from '../../report/formats/text.js';
import { ZeekWeirdLog, zeekWeirdFooter, zeekWeirdHeader } from '../../report/formats/zeek-weird.js';
import { zeekFooter, zeekHeader, zeekRow } from '../../report/formats/zeek.js';
import { openOutput, progressBar, readFilter, styleFor, withFilters, type FilterArgs } from '../common.js';
import { ExitCode, LineWriter } from '../output.js';
import { reportCaptureProblems } from '../report-errors.js';
import { CAPTURE_FILE_POSITIONAL, inputArg } from '../stdin.js';
import { UsageError } from '../usage.js';

export const ANALYZE_FORMATS = ['text', 'json', 'ndjson', 'csv', 'zeek', 'zeek-weird', 'html'] as const;
export { ANOMALY_IDS };

export interface AnalyzeArgs extends FilterArgs {
  file: string;
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
}

const d = DEFAULT_ANALYZE_OPTIONS;
/** Segments embedded for HTML ladders: enough for every short connection, bounded on big captures. */
const HTML_SEGMENT_BUDGET = { perConnection: 400, total: 200_000 };
/** tcplens's version, from its package.json (as `--version` prints it), found upwards from here (src/ or dist/src/). */
export const VERSION = packageVersion();

function packageVersion(): string {
  const require = createRequire(import.meta.url);
  for (const up of ['../../../package.json', '../../../../package.json']) {
    try {
      const pkg = require(up) as { name?: string; version?: string };
      if (pkg.name === 'tcplens' && pkg.version !== undefined) return pkg.version;
    } catch {
      // not at this depth
    }
  }
  return 'unknown';
}

/** The engine's options, shared with `timeline`. */
export function withEngineOptions<T>(y: Argv<T>): Argv<T> {
  return y
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

export function engineOptions(args: AnalyzeArgs) {
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

export function analyzeBuilder(y: Argv): Argv<AnalyzeArgs> {
  return withFilters(
    withEngineOptions(
      y
        .positional('file', CAPTURE_FILE_POSITIONAL)
        .option('format', { alias: 'f', choices: ANALYZE_FORMATS, default: 'text' as const, describe: 'text report, one JSON document, NDJSON (one connection per line, streamed), CSV (one row per connection), a Zeek conn.log, a Zeek weird.log (TCP weirds), or a self-contained HTML report' })
        .option('output', { alias: 'o', type: 'string', describe: 'write to this file instead of standard output' }),
    ),
  )
    .example('$0 analyze samples/handshake-close.pcap', 'the report: states, Zeek verdicts, anomalies, a table of connections')
    .example('$0 analyze capture.pcapng -f json | jq ".connections[].transitions"', "each side's RFC 9293 states")
    .example('$0 analyze big.pcap.gz -f ndjson', 'stream connections as they finish (bounded memory)')
    .example('$0 analyze capture.pcap --state time_wait --port 443 -f csv -o tw.csv', 'filter, then save as CSV')
    .example('$0 analyze capture.pcap -f zeek -o conn.log', 'a Zeek conn.log (zeek-cut reads it)')
    .example('$0 analyze capture.pcap -f zeek-weird -o weird.log', "Zeek's weird.log for the TCP weirds")
    .example('$0 analyze capture.pcap -f html -o report.html', 'one HTML file with ladders; opens offline') as unknown as Argv<AnalyzeArgs>;
}

export async function runAnalyze(args: AnalyzeArgs): Promise<number> {
  const filter = readFilter(args, ANOMALY_IDS);
  const file = inputArg(args.file);
  const stream = openOutput(args.output);
  const out = new LineWriter(stream);
  // Only json and html keep every connection (one document); the rest stream in bounded memory.
  const streaming = args.format !== 'json' && args.format !== 'html';
  const summary = args.format === 'text' ? new TextSummary() : null;
  const keep = isEmptyFilter(filter) ? () => true : (r: Parameters<typeof matches>[0]) => matches(r, filter);
  if (args.format === 'zeek') out.line(zeekHeader());
  const weirdLog = args.format === 'zeek-weird' ? new ZeekWeirdLog() : null;
  if (weirdLog !== null) out.line(zeekWeirdHeader());
  if (args.format === 'csv') out.line(csvHeader());
  const progress = progressBar();
  let shown = 0;
  const result = await analyzeCapture(file, file, engineOptions(args), {
    collect: !streaming,
    ...(args.format === 'html' ? { segmentBudget: HTML_SEGMENT_BUDGET } : {}),
    afterChunk: () => out.wait(),
    onProgress: (read, total) => progress.update(read, total),
    onConnection(record) {
      if (!streaming || !keep(record)) return;
      shown++;
      if (summary !== null) summary.add(record);
      else if (args.format === 'ndjson') out.line(JSON.stringify({ type: 'connection', ...record }));
      else if (args.format === 'zeek') out.line(zeekRow(record));
      else if (weirdLog !== null) {
        const rows = weirdLog.rows(record);
        if (rows !== '') out.line(rows);
      } else out.line(csvRow(record));
    },
  });
  progress.stop();
  const anomalies = filter.anomalies?.length ? result.anomalies.filter((a) => filter.anomalies?.includes(a.id)) : result.anomalies;
  if (args.format === 'ndjson') {
    for (const a of anomalies) out.line(JSON.stringify({ type: 'anomaly', ...a }));
    const byId: Record<string, number> = {};
    for (const a of anomalies) byId[a.id] = (byId[a.id] ?? 0) + 1;
    out.line(JSON.stringify({ type: 'summary', tcplens: 1, capture: result.capture, connections: isEmptyFilter(filter) ? result.connectionCount : shown, anomalies: byId }));
  } else if (args.format === 'zeek') {
    out.line(zeekFooter());
  } else if (weirdLog !== null) {
    out.line(zeekWeirdFooter());
  } else if (summary !== null) {
    out.line(summary.render(result.capture, anomalies, styleFor(stream)));
  } else if (!streaming) {
    const doc = { ...analysisDocument(result), connections: result.connections.filter(keep), anomalies };
    if (args.format === 'json') out.line(JSON.stringify(doc, null, 1));
    else if (args.format === 'html') {
      // ejs loads only for html.
      const { htmlReport } = await import('../../report/formats/html.js');
      out.line(htmlReport(doc, result.segments, { version: VERSION }));
    }
  }
  await out.end();
  if (stream !== process.stdout) await new Promise<void>((resolve) => stream.end(resolve));
  reportCaptureProblems(result.decode);
  return result.decode.error ? ExitCode.UNREADABLE : ExitCode.OK;
}
