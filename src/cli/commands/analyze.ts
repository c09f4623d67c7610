/** `tcplens analyze FILE|- [--format text|json|ndjson|csv|zeek] [filters] [-o FILE]`. */
import type { Argv } from 'yargs';
import { withFilters } from '../common.js';
import { CAPTURE_FILE_POSITIONAL } from '../stdin.js';
import { ANALYZE_FORMATS, withEngineOptions, withTimeOption, type AnalyzeArgs } from './args.js';

export { ANALYZE_FORMATS, engineOptions, VERSION, withEngineOptions, type AnalyzeArgs } from './args.js';

export function analyzeBuilder(y: Argv): Argv<AnalyzeArgs> {
  return withFilters(
    withEngineOptions(
      withTimeOption(y)
        .positional('file', CAPTURE_FILE_POSITIONAL)
        .option('format', { alias: 'f', choices: ANALYZE_FORMATS, default: 'text' as const, describe: 'text report, one JSON document, NDJSON (one connection per line, streamed), CSV (one row per connection), a Zeek conn.log, a Zeek weird.log (TCP weirds), or a self-contained HTML report' })
        .option('output', { alias: 'o', type: 'string', describe: 'write to this file instead of standard output' }),
    ),
  )
    .example('$0 analyze samples/handshake-close.pcap', 'the report: states, Zeek verdicts, anomalies, a table of connections')
    .example('$0 analyze capture.pcapng -f json | jq ".connections[].transitions"', "each side's RFC 9293 states")
    .example('$0 analyze big.pcap.gz -f ndjson', 'stream connections as they finish (bounded memory)')
    .example('$0 analyze capture.pcap --state time_wait --port 443 -f csv -o tw.csv', 'filter, then save as CSV')
    .example('$0 analyze capture.pcap -f zeek -o conn.log', 'a Zeek conn.log (zeek-cut reads it)')
    .example('$0 analyze capture.pcap -f zeek-weird -o weird.log', "Zeek's weird.log for the TCP weirds")
    .example('$0 analyze capture.pcap -f html -o report.html', 'one HTML file with ladders; opens offline') as unknown as Argv<AnalyzeArgs>;
}

/** Runs the command; the engine and the formats load here, not when the command line is read. */
export async function runAnalyze(args: AnalyzeArgs): Promise<number> {
  const { analyze } = await import('./analyze-run.js');
  return analyze(args);
}

/** The command as the command line loads it (cli/program.ts). */
export const command = { builder: analyzeBuilder, run: runAnalyze };
