/** `tcplens packets`, run: every frame, with Wireshark's view of the TCP ones. */
import { analyzeCapture, linkTypeName } from '../../pipeline.js';
import { packetJson, packetText, tcpAnalysisJson } from '../../report/packet-lines.js';
import { ExitCode, LineWriter } from '../output.js';
import { reportCaptureProblems } from '../report-errors.js';
import { inputArg } from '../stdin.js';
import { readOptions, type PacketsArgs } from './args.js';

export async function packets(args: PacketsArgs): Promise<number> {
  const file = inputArg(args.file);
  const out = new LineWriter();
  const json = args.format === 'ndjson';
  // The engine runs too, so that each TCP frame carries Wireshark's tcp.stream and analysis.
  const { decode: result } = await analyzeCapture(file, file, {}, {
    collect: false,
    read: readOptions(args),
    onFrame(frame, packet, conn, sequence) {
      if (out.closed) return;
      if (!json) out.line(packetText(frame, packet, linkTypeName));
      else out.line(packetJson(frame, packet, conn === null || sequence === null ? '' : tcpAnalysisJson(conn.stream, sequence)));
    },
    afterChunk: () => out.wait(),
  });
  await out.end();
  reportCaptureProblems(result);
  return result.error ? ExitCode.UNREADABLE : ExitCode.OK;
}
