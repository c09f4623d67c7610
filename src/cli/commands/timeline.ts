/** `tcplens timeline FILE --conn ID`: one connection's ladder in the terminal. */
import type { Argv } from 'yargs';
import { CAPTURE_FILE_POSITIONAL } from '../stdin.js';
import { UsageError } from '../usage.js';
import { withEngineOptions, withTimeOption, type TimelineArgs } from './args.js';

export type { TimelineArgs } from './args.js';

export function timelineBuilder(y: Argv): Argv<TimelineArgs> {
  return withEngineOptions(
    withTimeOption(y)
      .positional('file', CAPTURE_FILE_POSITIONAL)
      .option('conn', { alias: 'c', type: 'string', array: true, describe: 'the connection id (as analyze numbers them; comma-separated for several)' })
      .option('stream', { type: 'string', array: true, describe: "the connection(s) of Wireshark's tcp.stream N (0-based; comma-separated for several)" })
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

/** Runs the command; the engine loads here, not when the command line is read. */
export async function runTimeline(args: TimelineArgs): Promise<number> {
  const { timeline } = await import('./timeline-run.js');
  return timeline(args);
}

/** The command as the command line loads it (cli/program.ts). */
export const command = { builder: timelineBuilder, run: runTimeline };
