/** `tcplens packets`, run: every frame, with Wireshark's view of the TCP ones. */
import type { InterfaceInfo } from '../../capture/frame.js';
import { formatTimestamp } from '../../capture/timestamp.js';
import { analyzeCapture, linkTypeName } from '../../pipeline.js';
import { packetJson, packetText, tcpAnalysisJson } from '../../report/packet-lines.js';
import { timeDigits, TimeFormatter } from '../../report/time-format.js';
import { refusedInput } from '../common.js';
import { ExitCode, LineWriter } from '../output.js';
import { reportCaptureProblems } from '../report-errors.js';
import { inputArg } from '../stdin.js';
import { readOptions, type PacketsArgs } from './args.js';

export async function packets(args: PacketsArgs): Promise<number> {
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
      if (!json && time === null && frame.hasTimestamp) time = new TimeFormatter(args.time, timeDigits(interfaces), formatTimestamp(frame.tsSec, frame.tsNsec));
      if (!json) out.line(packetText(frame, packet, linkTypeName, time));
      else out.line(packetJson(frame, packet, conn === null || sequence === null ? '' : tcpAnalysisJson(conn.stream, sequence)));
    },
    afterChunk: () => out.wait(),
  });
  await out.end();
  reportCaptureProblems(result);
  return result.error ? ExitCode.UNREADABLE : ExitCode.OK;
}
