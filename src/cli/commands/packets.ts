/** `tcplens packets FILE|- [--format text|ndjson] [--host|--port|--conn|--stream …]`: one line per frame. */
import type { Argv } from 'yargs';
import { withFilters } from '../common.js';
import { CAPTURE_FILE_POSITIONAL } from '../stdin.js';

import { PACKET_FORMATS, withReadOptions, withTimeOption, type PacketsArgs } from './args.js';

export { PACKET_FORMATS, type PacketsArgs } from './args.js';

export function packetsBuilder(y: Argv): Argv<PacketsArgs> {
  return withFilters(withTimeOption(withReadOptions(y)))
    .positional('file', CAPTURE_FILE_POSITIONAL)
    .option('format', { alias: 'f', choices: PACKET_FORMATS, default: 'text' as const, describe: 'text reads like tcpdump -n; ndjson is one JSON object per frame (its ts stays the exact epoch string)' })
    .example('$0 packets capture.pcap --time delta', 'seconds since the previous frame, as tshark -t dd')
    .example('$0 packets capture.pcap --stream 4', "one conversation's frames, numbered as in the capture (tshark -Y 'tcp.stream eq 4')")
    .example('$0 packets samples/handshake-close.pcap', 'list every frame, tcpdump style')
    .example('$0 packets capture.pcapng.gz --format ndjson | jq .flags', 'frames as JSON lines')
    .example('tcpdump -i lo -w - | $0 packets -', 'read a live capture from standard input') as unknown as Argv<PacketsArgs>;
}

/** Runs the command; the reader and the engine load here, not when the command line is read. */
export async function runPackets(args: PacketsArgs): Promise<number> {
  const { packets } = await import('./packets-run.js');
  return packets(args);
}

/** The command as the command line loads it (cli/program.ts). */
export const command = { builder: packetsBuilder, run: runPackets };
