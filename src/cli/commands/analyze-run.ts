/** `tcplens analyze`, run: the engine over one capture, written in the chosen format. */
import { ANOMALY_IDS } from '../../analysis/anomaly-ids.js';
import { analyzeCapture } from '../../pipeline.js';
import { isEmptyFilter, matches } from '../../report/filters.js';
import { csvHeader, csvRow } from '../../report/formats/csv.js';
import { JsonDocument } from '../../report/formats/json.js';
import { TextSummary } from '../../report/formats/text.js';
import { timeDigits, TimeFormatter } from '../../report/time-format.js';
import { PerformanceTally } from '../../report/performance.js';
import { ZeekWeirdLog, zeekWeirdFooter, zeekWeirdHeader } from '../../report/formats/zeek-weird.js';
import { zeekFooter, zeekHeader, zeekRow } from '../../report/formats/zeek.js';
import { openOutput, progressBar, readFilter, styleFor, refusedInput } from '../common.js';
import { ExitCode, LineWriter } from '../output.js';
import { reportCaptureProblems } from '../report-errors.js';
import { inputArg } from '../stdin.js';
import { engineOptions, readOptions, VERSION, type AnalyzeArgs } from './args.js';

/**
 * Segments embedded for HTML ladders and graphs: a whole bulk transfer of 50,000 segments (its
 * time-sequence graph is wrong if cut at the start; the graphs decimate per pixel and the
 * ladder folds), bounded on big captures (about 200 bytes of JSON a segment).
 */
const HTML_SEGMENT_BUDGET = { perConnection: 50_000, total: 200_000 };

export async function analyze(args: AnalyzeArgs): Promise<number> {
  const filter = readFilter(args, ANOMALY_IDS);
  const file = inputArg(args.file);
  if (refusedInput(file)) return ExitCode.UNREADABLE;
  const stream = openOutput(args.output);
  const out = new LineWriter(stream);
  // json and html spool connections (report/formats/id-spool.ts), the rest stream.
  const summary = args.format === 'text' ? new TextSummary({ allFigures: (filter.ids?.length ?? 0) > 0 || (filter.streams?.length ?? 0) > 0 }) : null;
  const json = args.format === 'json' ? new JsonDocument() : null;
  // ejs loads only for html.
  const html = args.format === 'html' ? new (await import('../../report/formats/html.js')).HtmlReport({ version: VERSION, time: { mode: args.time, digits: 6 } }) : null;
  const keep = isEmptyFilter(filter) ? () => true : (r: Parameters<typeof matches>[0]) => matches(r, filter);
  if (args.format === 'zeek') out.line(zeekHeader());
  const weirdLog = args.format === 'zeek-weird' ? new ZeekWeirdLog() : null;
  if (weirdLog !== null) out.line(zeekWeirdHeader());
  if (args.format === 'csv') out.line(csvHeader());
  const progress = progressBar();
  let shown = 0;
  /** ndjson's summary: every anomaly id, the connections' and the capture-wide ones. */
  const byId: Record<string, number> = {};
  const performance = args.format === 'ndjson' ? new PerformanceTally() : null;
  const result = await analyzeCapture(file, file, engineOptions(args), {
    capHeapGrowth: true,
    collect: false,
    read: readOptions(args),
    ...(args.format === 'html' ? { segmentBudget: HTML_SEGMENT_BUDGET } : {}),
    afterChunk: () => out.wait(),
    onProgress: (read, total) => progress.update(read, total),
    onConnection(record, segments) {
      if (!keep(record)) return;
      shown++;
      if (summary !== null) summary.add(record);
      else if (html !== null) html.add(record, segments);
      else if (json !== null) json.add(record);
      else if (args.format === 'ndjson') {
        out.line(JSON.stringify({ type: 'connection', ...record }));
        performance?.add(record);
        for (const a of record.anomalies) byId[a.id] = (byId[a.id] ?? 0) + 1;
      }
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
    for (const a of anomalies) byId[a.id] = (byId[a.id] ?? 0) + 1;
    out.line(JSON.stringify({ type: 'summary', tcplens: 1, capture: result.capture, connections: isEmptyFilter(filter) ? result.connectionCount : shown, anomalies: byId, warnings: result.warnings, performance: performance?.summary() }));
  } else if (args.format === 'zeek') {
    out.line(zeekFooter());
  } else if (weirdLog !== null) {
    out.line(zeekWeirdFooter());
  } else if (json !== null) {
    await json.finish(out, result.capture, anomalies, result.warnings);
  } else if (summary !== null) {
    const filteredFrom = isEmptyFilter(filter) ? null : result.connectionCount;
    out.line(summary.render(result.capture, anomalies, styleFor(stream), result.warnings, new TimeFormatter(args.time, timeDigits(result.decode.info.interfaces), result.capture.first), filteredFrom));
  } else if (html !== null) {
    await html.finish(out, result.capture, anomalies, result.warnings, timeDigits(result.decode.info.interfaces));
  }
  await out.end(stream !== process.stdout);
  reportCaptureProblems(result.decode, result.warnings);
  // An empty report must not read as an empty capture.
  if (!isEmptyFilter(filter) && shown === 0 && result.connectionCount > 0) {
    const none = result.connectionCount === 1 ? 'its one TCP connection does not match' : `none of its ${result.connectionCount} TCP connections matches`;
    process.stderr.write(`tcplens: warning: ${file}: ${none} the filters\n`);
  }
  return result.decode.error ? ExitCode.UNREADABLE : ExitCode.OK;
}
