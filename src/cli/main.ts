#!/usr/bin/env node
/**
 * tcplens command line. Exit codes are part of the API: 0 done, 1 findings at or
 * above --fail-on, 2 usage error, 3 a capture could not be read to its end.
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ExitCode } from './output.js';
import { STDIN_TOKEN } from './stdin.js';
import { UsageError } from './usage.js';

/** A command as yargs runs it, loaded only when it is the one asked for. */
interface Loaded {
  builder(y: Argv): Argv;
  run(args: never): Promise<number>;
}

/**
 * The commands. Only the module of the command named on the command line is imported (so
 * `--version`, `--help` and a small `analyze` start without the web stack, the audit pool or the
 * queue): yargs calls a command's builder only when that command runs.
 */
const COMMANDS: { name: string; usage: string; describe: string; load(): Promise<Loaded> }[] = [
  {
    name: 'packets',
    usage: 'packets <file>',
    describe: 'list every frame with its decoded IP and TCP fields',
    load: async () => {
      const m = await import('./commands/packets.js');
      return { builder: m.packetsBuilder as Loaded['builder'], run: m.runPackets };
    },
  },
  {
    name: 'analyze',
    usage: 'analyze <file>',
    describe: "tell the story of every TCP connection: both endpoints' RFC 9293 states, Zeek and Wireshark verdicts, anomalies",
    load: async () => {
      const m = await import('./commands/analyze.js');
      return { builder: m.analyzeBuilder as Loaded['builder'], run: m.runAnalyze };
    },
  },
  {
    name: 'timeline',
    usage: 'timeline <file>',
    describe: "one connection's ladder: every segment, both sides' states, flags and anomalies inline",
    load: async () => {
      const m = await import('./commands/timeline.js');
      return { builder: m.timelineBuilder as Loaded['builder'], run: m.runTimeline };
    },
  },
  {
    name: 'audit',
    usage: 'audit <paths..>',
    describe: 'many captures in parallel: a line per file, one summary, an exit code for scripts (--fail-on)',
    load: async () => {
      const m = await import('./commands/audit.js');
      return { builder: m.auditBuilder as Loaded['builder'], run: m.runAudit };
    },
  },
  {
    name: 'worker',
    usage: 'worker',
    describe: 'analyse the captures of audits queued with audit --queue (BullMQ on Redis), on this machine',
    load: async () => {
      const m = await import('./commands/worker.js');
      return { builder: m.workerBuilder as Loaded['builder'], run: m.runWorker };
    },
  },
  {
    name: 'query',
    usage: 'query <database> <sql>',
    describe: 'SQL over audit results written with audit --db or --parquet (tables files, connections, anomalies)',
    load: async () => {
      const m = await import('./commands/query.js');
      return { builder: m.queryBuilder as Loaded['builder'], run: m.runQuery };
    },
  },
  {
    name: 'serve',
    usage: 'serve [dir]',
    describe: 'the local web viewer: browse a folder of captures, their connections and ladders',
    load: async () => {
      const m = await import('./commands/serve.js');
      return { builder: m.serveBuilder as Loaded['builder'], run: m.runServe };
    },
  },
];

export async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.OK;
  // yargs-parser turns a lone "-" into an empty string; carry it through as a token.
  const args = argv.map((a) => (a === '-' ? STDIN_TOKEN : a));
  const named = args.find((a) => !a.startsWith('-'));
  const chosen = COMMANDS.find((c) => c.name === named);
  const loaded = chosen === undefined ? null : await chosen.load();
  let parser = yargs(args)
    .scriptName('tcplens')
    .usage('$0 <command> [options]\n\nReads pcap and pcapng captures and tells the story of every TCP connection in them.');
  for (const c of COMMANDS) {
    const mine = c === chosen && loaded !== null ? loaded : null;
    parser = parser.command(
      c.usage,
      c.describe,
      (y) => (mine === null ? y : mine.builder(y)),
      async (a) => {
        if (mine !== null) code = await mine.run(a as never);
      },
    );
  }
  parser = parser
    .demandCommand(1, `name a command: ${COMMANDS.map((c) => c.name).join(', ')}`)
    .recommendCommands()
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
