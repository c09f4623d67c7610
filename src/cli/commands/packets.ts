/** `tcplens packets FILE|- [--format text|ndjson]`: one line per frame. */
import type { Argv } from 'yargs';
import { analyzeCapture, linkTypeName } from '../../pipeline.js';
import { packetJson, packetText, tcpAnalysisJson } from '../../report/packet-lines.js';
import { ExitCode, LineWriter } from '../output.js';
import { reportCaptureProblems } from '../report-errors.js';
import { CAPTURE_FILE_POSITIONAL, inputArg } from '../stdin.js';

export const PACKET_FORMATS = ['text', 'ndjson'] as const;

export interface PacketsArgs {
  file: string;
  format: (typeof PACKET_FORMATS)[number];
}

export function packetsBuilder(y: Argv): Argv<PacketsArgs> {
  return y
    .positional('file', CAPTURE_FILE_POSITIONAL)
    .option('format', { alias: 'f', choices: PACKET_FORMATS, default: 'text' as const, describe: 'text reads like tcpdump -n; ndjson is one JSON object per frame' })
    .example('$0 packets samples/handshake-close.pcap', 'list every frame, tcpdump style')
    .example('$0 packets capture.pcapng.gz --format ndjson | jq .flags', 'frames as JSON lines')
    .example('tcpdump -i lo -w - | $0 packets -', 'read a live capture from standard input') as unknown as Argv<PacketsArgs>;
}

export async function runPackets(args: PacketsArgs): Promise<number> {
  const file = inputArg(args.file);
  const out = new LineWriter();
  const json = args.format === 'ndjson';
  // The engine runs too, so that each TCP frame carries Wireshark's tcp.stream and analysis.
  const { decode: result } = await analyzeCapture(file, file, {}, {
    collect: false,
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
