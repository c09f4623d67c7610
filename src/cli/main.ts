#!/usr/bin/env node
/**
 * tcplens command line. Exit codes are part of the API: 0 done, 1 findings at or
 * above --fail-on, 2 usage error, 3 a capture could not be read to its end.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { analyzeBuilder, runAnalyze, type AnalyzeArgs } from './commands/analyze.js';
import { auditBuilder, runAudit, type AuditArgs } from './commands/audit.js';
import { packetsBuilder, runPackets, type PacketsArgs } from './commands/packets.js';
import { queryBuilder, runQuery, type QueryArgs } from './commands/query.js';
import { runServe, serveBuilder, type ServeArgs } from './commands/serve.js';
import { runTimeline, timelineBuilder, type TimelineArgs } from './commands/timeline.js';
import { runWorker, workerBuilder, type WorkerArgs } from './commands/worker.js';
import { ExitCode } from './output.js';
import { STDIN_TOKEN } from './stdin.js';
import { UsageError } from './usage.js';

export async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.OK;
  // yargs-parser turns a lone "-" into an empty string; carry it through as a token.
  const args = argv.map((a) => (a === '-' ? STDIN_TOKEN : a));
  const parser = yargs(args)
    .scriptName('tcplens')
    .usage('$0 <command> [options]\n\nReads pcap and pcapng captures and tells the story of every TCP connection in them.')
    .command<PacketsArgs>(
      'packets <file>',
      'list every frame with its decoded IP and TCP fields',
      packetsBuilder,
      async (args) => {
        code = await runPackets(args);
      },
    )
    .command<AnalyzeArgs>(
      'analyze <file>',
      'tell the story of every TCP connection: both endpoints\' RFC 9293 states, Zeek and Wireshark verdicts, anomalies',
      analyzeBuilder,
      async (args) => {
        code = await runAnalyze(args);
      },
    )
    .command<TimelineArgs>(
      'timeline <file>',
      "one connection's ladder: every segment, both sides' states, flags and anomalies inline",
      timelineBuilder,
      async (args) => {
        code = await runTimeline(args);
      },
    )
    .command<AuditArgs>(
      'audit <paths..>',
      'many captures in parallel: a line per file, one summary, an exit code for scripts (--fail-on)',
      auditBuilder,
      async (args) => {
        code = await runAudit(args);
      },
    )
    .command<WorkerArgs>(
      'worker',
      'analyse the captures of audits queued with audit --queue (BullMQ on Redis), on this machine',
      workerBuilder,
      async (args) => {
        code = await runWorker(args);
      },
    )
    .command<QueryArgs>(
      'query <database> <sql>',
      'SQL over audit results written with audit --db or --parquet (tables files, connections, anomalies)',
      queryBuilder,
      async (args) => {
        code = await runQuery(args);
      },
    )
    .command<ServeArgs>(
      'serve [dir]',
      'the local web viewer: browse a folder of captures, their connections and ladders',
      serveBuilder,
      async (args) => {
        code = await runServe(args);
      },
    )
    .demandCommand(1, 'name a command: analyze, timeline, audit, worker, query, serve or packets')
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((msg, err) => {
      if (err instanceof UsageError) throw err;
      if (err) throw err;
      // Throwing stops yargs here: without it the command would still run.
      throw new UsageError(msg);
    });
  try {
    await parser.parseAsync();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`tcplens: ${err.message}\nRun 'tcplens --help' for usage.\n`);
    return ExitCode.USAGE;
  }
  return code;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tcplens: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  },
);
