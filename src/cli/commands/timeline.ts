/** `tcplens timeline FILE --conn ID`: one connection's ladder in the terminal. */
import type { Argv } from 'yargs';
import { analyzeCapture } from '../../pipeline.js';
import { timelineText } from '../../report/formats/timeline.js';
import { openOutput, progressBar, styleFor } from '../common.js';
import { ExitCode, LineWriter } from '../output.js';
import { reportCaptureProblems } from '../report-errors.js';
import { CAPTURE_FILE_POSITIONAL, inputArg } from '../stdin.js';
import { UsageError } from '../usage.js';
import { engineOptions, withEngineOptions, type AnalyzeArgs } from './analyze.js';

export interface TimelineArgs extends AnalyzeArgs {
  conn?: number[];
  stream?: number[];
}

export function timelineBuilder(y: Argv): Argv<TimelineArgs> {
  return withEngineOptions(
    y
      .positional('file', CAPTURE_FILE_POSITIONAL)
      .option('conn', { alias: 'c', type: 'number', array: true, describe: 'the connection id (as analyze numbers them)' })
      .option('stream', { type: 'number', array: true, describe: "the connection(s) of Wireshark's tcp.stream N (0-based)" })
      .check((a) => {
        if (a['conn'] === undefined && a['stream'] === undefined) throw new UsageError('say which connection: --conn ID or --stream N');
        return true;
      })
      .option('output', { alias: 'o', type: 'string', describe: 'write to this file instead of standard output' }),
  )
    .example('$0 timeline samples/simultaneous-close.pcap --conn 1', 'the ladder of connection 1 with both sides\' states')
    .example('$0 timeline capture.pcap --stream 4', "the connection Wireshark shows as tcp.stream eq 4")
    .example('$0 analyze capture.pcap --anomaly missing-final-ack', 'find the connection ids first') as unknown as Argv<TimelineArgs>;
}

export async function runTimeline(args: TimelineArgs): Promise<number> {
  const ids = args.conn ?? [];
  const streams = args.stream ?? [];
  const bad = ids.filter((c) => !Number.isInteger(c) || c < 1);
  if (bad.length) throw new UsageError(`--conn must be a connection id (1, 2, …), not ${bad.join(', ')}`);
  const badStreams = streams.filter((c) => !Number.isInteger(c) || c < 0);
  if (badStreams.length) throw new UsageError(`--stream must be a Wireshark tcp.stream number (0, 1, …), not ${badStreams.join(', ')}`);
  const seenStreams = new Set<number>();
  const file = inputArg(args.file);
  const stream = openOutput(args.output);
  const out = new LineWriter(stream);
  const progress = progressBar();
  const result = await analyzeCapture(file, file, engineOptions(args), {
    collect: false,
    keepSegmentsOf: new Set(ids),
    keepSegmentsOfStreams: new Set(streams),
    onProgress: (read, total) => progress.update(read, total),
    onConnection(record, segments) {
      if (!ids.includes(record.id) && !streams.includes(record.stream)) return;
      seenStreams.add(record.stream);
      out.line(timelineText(record, segments ?? [], styleFor(stream)));
      out.line('');
    },
  });
  progress.stop();
  const missing = [...ids.filter((id) => id > result.connectionCount), ...streams.filter((s) => !seenStreams.has(s)).map((s) => `in tcp.stream ${s}`)];
  await out.end();
  if (stream !== process.stdout) await new Promise<void>((resolve) => stream.end(resolve));
  reportCaptureProblems(result.decode);
  if (missing.length > 0) {
    process.stderr.write(`tcplens: ${args.file} has ${result.connectionCount} TCP connection${result.connectionCount === 1 ? '' : 's'}; no connection ${missing.join(', ')}\n`);
    return ExitCode.USAGE;
  }
  return result.decode.error ? ExitCode.UNREADABLE : ExitCode.OK;
}
