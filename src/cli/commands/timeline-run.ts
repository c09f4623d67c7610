/** `tcplens timeline`, run: the ladders of the connections asked for. */
import { analyzeCapture } from '../../pipeline.js';
import { timelineText } from '../../report/formats/timeline.js';
import type { ConnectionRecord, SegmentRecord } from '../../report/model.js';
import { timeDigits, TimeFormatter } from '../../report/time-format.js';
import { ANOMALY_IDS } from '../../analysis/anomaly-ids.js';
import { openOutput, progressBar, readFilter, styleFor, refusedInput } from '../common.js';
import { ExitCode, LineWriter } from '../output.js';
import { reportCaptureProblems } from '../report-errors.js';
import { inputArg } from '../stdin.js';
import { engineOptions, readOptions, type TimelineArgs } from './args.js';

export async function timeline(args: TimelineArgs): Promise<number> {
  // Read as the filters read them (repeated or comma-separated, the same errors); either may match here.
  const asked = readFilter({ ...(args.conn ? { conn: args.conn } : {}), ...(args.stream ? { stream: args.stream } : {}) }, ANOMALY_IDS);
  const ids = asked.ids ?? [];
  const streams = asked.streams ?? [];
  const seenStreams = new Set<number>();
  const file = inputArg(args.file);
  if (refusedInput(file)) return ExitCode.UNREADABLE;
  const stream = openOutput(args.output);
  const out = new LineWriter(stream);
  const progress = progressBar();
  /** Rendered at the end, when the capture's first time (for --time relative) is known. */
  const shown: { record: ConnectionRecord; segments: SegmentRecord[] }[] = [];
  const result = await analyzeCapture(file, file, engineOptions(args), {
    capHeapGrowth: true,
    collect: false,
    read: readOptions(args),
    keepSegmentsOf: new Set(ids),
    keepSegmentsOfStreams: new Set(streams),
    onProgress: (read, total) => progress.update(read, total),
    onConnection(record, segments) {
      if (!ids.includes(record.id) && !streams.includes(record.stream)) return;
      seenStreams.add(record.stream);
      shown.push({ record, segments: segments ?? [] });
    },
  });
  progress.stop();
  const digits = timeDigits(result.decode.info.interfaces);
  for (const { record, segments } of shown) {
    out.line(timelineText(record, segments, styleFor(stream), new TimeFormatter(args.time, digits, result.capture.first)));
    out.line('');
  }
  const missing = [...ids.filter((id) => id > result.connectionCount), ...streams.filter((s) => !seenStreams.has(s)).map((s) => `in tcp.stream ${s}`)];
  await out.end(stream !== process.stdout);
  reportCaptureProblems(result.decode);
  if (missing.length > 0) {
    process.stderr.write(`tcplens: ${args.file} has ${result.connectionCount} TCP connection${result.connectionCount === 1 ? '' : 's'}; no connection ${missing.join(', ')}\n`);
    return ExitCode.USAGE;
  }
  return result.decode.error ? ExitCode.UNREADABLE : ExitCode.OK;
}
