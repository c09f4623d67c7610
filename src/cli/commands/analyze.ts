/** `tcplens analyze FILE|- [--format text|json|ndjson|zeek]`: the story of every TCP connection. */
import type { Argv } from 'yargs';
import { analysisDocument, analyzeCapture, DEFAULT_ANALYZE_OPTIONS } from '../../pipeline.js';
import { textSummary } from '../../report/formats/text.js';
import { zeekFooter, zeekHeader, zeekRow } from '../../report/formats/zeek.js';
import { ExitCode, LineWriter } from '../output.js';
import { reportCaptureProblems } from '../report-errors.js';
import { CAPTURE_FILE_POSITIONAL, inputArg } from '../stdin.js';
import { UsageError } from '../usage.js';

export const ANALYZE_FORMATS = ['text', 'json', 'ndjson', 'zeek'] as const;

export interface AnalyzeArgs {
  file: string;
  format: (typeof ANALYZE_FORMATS)[number];
  msl: number;
  'long-close-wait': number;
  'idle-timeout': number;
  'syn-flood-min': number;
  'syn-flood-max-completed': number;
  'port-scan-min-ports': number;
  'port-scan-min-failed': number;
}

const d = DEFAULT_ANALYZE_OPTIONS;

export function analyzeBuilder(y: Argv): Argv<AnalyzeArgs> {
  return y
    .positional('file', CAPTURE_FILE_POSITIONAL)
    .option('format', { alias: 'f', choices: ANALYZE_FORMATS, default: 'text' as const, describe: 'text summary, one JSON document, NDJSON (one connection per line, streamed), or a Zeek conn.log' })
    .option('msl', { type: 'number', default: d.msl, describe: 'maximum segment lifetime in seconds; TIME-WAIT lasts 2×MSL' })
    .option('long-close-wait', { type: 'number', default: d.longCloseWait, describe: 'seconds in CLOSE-WAIT before long-close-wait is reported' })
    .option('idle-timeout', { type: 'number', default: d.idleTimeout, describe: 'seconds without packets before a connection is closed out (bounds memory)' })
    .option('syn-flood-min', { type: 'number', default: d.captureRules.synFloodMinHalfOpen, describe: 'syn-flood: never-completed SYNs to one ip:port alive at once (within 63 s)' })
    .option('syn-flood-max-completed', { type: 'number', default: d.captureRules.synFloodMaxCompletedShare, describe: 'syn-flood: not reported when more than this share of handshakes completes' })
    .option('port-scan-min-ports', { type: 'number', default: d.captureRules.portScanMinPorts, describe: 'port-scan: distinct destination ports tried by one source' })
    .option('port-scan-min-failed', { type: 'number', default: d.captureRules.portScanMinFailedShare, describe: 'port-scan: share of those attempts refused or unanswered' })
    .check((a) => {
      for (const k of ['msl', 'long-close-wait', 'idle-timeout', 'syn-flood-min', 'port-scan-min-ports'] as const) {
        const v = a[k];
        if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new UsageError(`--${k} must be a positive number, not ${String(v)}`);
      }
      for (const k of ['syn-flood-max-completed', 'port-scan-min-failed'] as const) {
        const v = a[k];
        if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new UsageError(`--${k} must be a share between 0 and 1, not ${String(v)}`);
      }
      return true;
    })
    .example('$0 analyze samples/handshake-close.pcap', 'summary of every connection')
    .example('$0 analyze capture.pcapng -f json | jq ".connections[].transitions"', 'each side\'s RFC 9293 states')
    .example('$0 analyze big.pcap.gz -f ndjson', 'stream connections as they finish (bounded memory)')
    .example('$0 analyze capture.pcap -f zeek > conn.log', 'a Zeek conn.log (zeek-cut reads it)') as unknown as Argv<AnalyzeArgs>;
}

export async function runAnalyze(args: AnalyzeArgs): Promise<number> {
  const file = inputArg(args.file);
  const out = new LineWriter();
  const streaming = args.format === 'ndjson' || args.format === 'zeek';
  if (args.format === 'zeek') out.line(zeekHeader());
  const result = await analyzeCapture(
    file,
    file,
    {
      msl: args.msl,
      longCloseWait: args['long-close-wait'],
      idleTimeout: args['idle-timeout'],
      captureRules: {
        ...d.captureRules,
        synFloodMinHalfOpen: args['syn-flood-min'],
        synFloodMaxCompletedShare: args['syn-flood-max-completed'],
        portScanMinPorts: args['port-scan-min-ports'],
        portScanMinFailedShare: args['port-scan-min-failed'],
      },
    },
    {
      collect: !streaming,
      afterChunk: () => out.wait(),
      onConnection(record) {
        if (args.format === 'ndjson') out.line(JSON.stringify({ type: 'connection', ...record }));
        else if (args.format === 'zeek') out.line(zeekRow(record));
      },
    },
  );
  if (args.format === 'ndjson') {
    for (const a of result.anomalies) out.line(JSON.stringify({ type: 'anomaly', ...a }));
    const byId: Record<string, number> = {};
    out.line(JSON.stringify({ type: 'summary', tcplens: 1, capture: result.capture, connections: result.connectionCount, anomalies: countAnomalies(result.anomalies, byId) }));
  } else if (args.format === 'zeek') {
    out.line(zeekFooter());
  } else if (args.format === 'json') {
    out.line(JSON.stringify(analysisDocument(result), null, 1));
  } else {
    out.line(textSummary(analysisDocument(result)));
  }
  await out.end();
  reportCaptureProblems(result.decode);
  return result.decode.error ? ExitCode.UNREADABLE : ExitCode.OK;
}

function countAnomalies(list: { id: string }[], into: Record<string, number>): Record<string, number> {
  for (const a of list) into[a.id] = (into[a.id] ?? 0) + 1;
  return into;
}
