/** `tcplens slice FILE|- (--conn ID | --stream N | filters) -o OUT`: the selected connections' frames, as a capture. */
import type { Argv } from 'yargs';
import { withFilters } from '../common.js';
import { CAPTURE_FILE_POSITIONAL } from '../stdin.js';
import { withEngineOptions, type SliceArgs } from './args.js';

export function sliceBuilder(y: Argv): Argv<SliceArgs> {
  return withFilters(
    withEngineOptions(
      y
        .positional('file', CAPTURE_FILE_POSITIONAL)
        .option('output', {
          alias: 'o',
          type: 'string',
          demandOption: 'say where to write: -o OUT (a file; OUT.gz is gzip-compressed; - is standard output)',
          describe: 'the capture to write, in the input\'s format (pcap or pcapng); a name ending in .gz is gzip-compressed; - writes standard output',
        }),
    ),
  )
    .example('$0 slice capture.pcapng --conn 7 -o conn-7.pcapng', "connection 7's frames, byte for byte, with the file's interfaces and comments")
    .example('$0 slice capture.pcap --stream 4 -o - | tshark -r -', "Wireshark's tcp.stream eq 4, into tshark")
    .example('$0 slice big.pcap.gz --anomaly rst-abort --port https -o aborted.pcap.gz', 'every aborted HTTPS connection, compressed') as unknown as Argv<SliceArgs>;
}

/** Runs the command; the engine loads here, not when the command line is read. */
export async function runSlice(args: SliceArgs): Promise<number> {
  const { slice } = await import('./slice-run.js');
  return slice(args);
}

/** The command as the command line loads it (cli/program.ts). */
export const command = { builder: sliceBuilder, run: runSlice };
