/** `tcplens packets`, run: every frame, with Wireshark's view of the TCP ones. */
import type { InterfaceInfo } from '../../capture/frame.js';
import { formatTimestamp } from '../../capture/timestamp.js';
import { analyzeCapture, linkTypeName } from '../../pipeline.js';
import { packetJson, packetText, tcpAnalysisJson } from '../../report/packet-lines.js';
import { timeDigits, TimeFormatter } from '../../report/time-format.js';
import { ANOMALY_IDS } from '../../analysis/anomaly-ids.js';
import { connectionMatchesStart, isEmptyFilter, needsEnd } from '../../report/filters.js';
import { readFilter, refusedInput } from '../common.js';
import { UsageError } from '../usage.js';
import { ExitCode, LineWriter } from '../output.js';
import { reportCaptureProblems } from '../report-errors.js';
import { inputArg } from '../stdin.js';
import { readOptions, type PacketsArgs } from './args.js';

export async function packets(args: PacketsArgs): Promise<number> {
  const filter = readFilter(args, ANOMALY_IDS);
  if (needsEnd(filter)) {
    // Frames are written as they are read; these filters are known only when a connection ends.
    throw new UsageError(
      'packets filters by what a connection\'s first packet shows (--host, --port, --conn, --stream); for --state, --anomaly, --conn-state, --history-has or --flag, ' +
        'select the frames with slice first (tcplens slice FILE --flag retransmission -o - | tcplens packets -; frames are numbered afresh there)',
    );
  }
  const filtered = !isEmptyFilter(filter);
  /** Connections whose first packet passed the filter (forgotten as each ends). */
  const chosen = new Set<number>();
  const file = inputArg(args.file);
  if (refusedInput(file)) return ExitCode.UNREADABLE;
  const out = new LineWriter();
  const json = args.format === 'ndjson';
  const interfaces: InterfaceInfo[] = [];
  /** Made at the first frame with a time: relative times count from it. */
  let time: TimeFormatter | null = null;
  // The engine runs too, so that each TCP frame carries Wireshark's tcp.stream and analysis.
  const { decode: result } = await analyzeCapture(file, file, {}, {
    capHeapGrowth: true,
    collect: false,
    onInterface: (iface) => interfaces.push(iface),
    read: readOptions(args),
    onFrame(frame, packet, conn, sequence) {
      if (out.closed) return;
      // Relative times count from the capture's first frame, shown or not (Wireshark's frame.time_relative).
      if (!json && time === null && frame.hasTimestamp) time = new TimeFormatter(args.time, timeDigits(interfaces), formatTimestamp(frame.tsSec, frame.tsNsec));
      if (filtered) {
        if (conn === null) return;
        if (conn.firstFrame === frame.frame && connectionMatchesStart(conn, filter)) chosen.add(conn.id);
        if (!chosen.has(conn.id)) return;
      }
      if (!json) out.line(packetText(frame, packet, linkTypeName, time));
      else out.line(packetJson(frame, packet, conn === null || sequence === null ? '' : tcpAnalysisJson(conn.stream, sequence)));
    },
    onConnection: (record) => {
      chosen.delete(record.id);
    },
    afterChunk: () => out.wait(),
  });
  await out.end();
  reportCaptureProblems(result);
  return result.error ? ExitCode.UNREADABLE : ExitCode.OK;
}
