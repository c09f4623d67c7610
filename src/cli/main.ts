#!/usr/bin/env node
/**
 * tcplens command line. Exit codes are part of the API: 0 done, 1 findings at or
 * above --fail-on, 2 usage error, 3 a capture could not be read to its end.
 */
import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ExitCode } from './output.js';
import { STDIN_TOKEN } from './stdin.js';
import { UsageError } from './usage.js';

/**
 * yargs's CommonJS build: its ESM build bootstraps cliui with a wrap that cuts lines at the
 * column, inside words ("anomalie|s"); the CommonJS one wraps at word boundaries (wrap-ansi).
 */
const yargs = createRequire(import.meta.url)('yargs') as (args: string[]) => Argv;

/** A command as yargs runs it, loaded only when it is the one asked for. */
interface Loaded {
  builder(y: Argv): Argv;
  run(args: never): Promise<number>;
}

/**
 * The commands: name, usage, description, and how to load the module (which exports `command`).
 * Only the module of the command named on the command line is imported (so `--version`,
 * `--help` and a small `analyze` start without the web stack, the audit pool or the queue):
 * yargs calls a command's builder only when that command runs.
 */
const COMMANDS: readonly [string, string, string, () => Promise<{ command: unknown }>][] = [
  ['packets', 'packets <file>', 'list every frame with its decoded IP and TCP fields', () => import('./commands/packets.js')],
  ['analyze', 'analyze <file>', "tell the story of every TCP connection: both endpoints' RFC 9293 states, Zeek and Wireshark verdicts, anomalies", () => import('./commands/analyze.js')],
  ['timeline', 'timeline <file>', "one connection's ladder: every segment, both sides' states, flags and anomalies inline", () => import('./commands/timeline.js')],
  ['audit', 'audit <paths..>', 'many captures in parallel: a line per file, one summary, an exit code for scripts (--fail-on)', () => import('./commands/audit.js')],
  ['worker', 'worker', 'analyse the captures of audits queued with audit --queue (BullMQ on Redis), on this machine', () => import('./commands/worker.js')],
  ['query', 'query <database> <sql>', 'SQL over audit results written with audit --db or --parquet (tables files, connections, anomalies)', () => import('./commands/query.js')],
  ['slice', 'slice <file>', "write the selected connections' frames (--conn, --stream or any filter) as a capture in the input's format, byte for byte", () => import('./commands/slice.js')],
  ['serve', 'serve [dir]', 'the local web viewer: browse a folder of captures, their connections and ladders', () => import('./commands/serve.js')],
];

export async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.OK;
  // yargs-parser turns a lone "-" into an empty string; carry it through as a token.
  const args = argv.map((a) => (a === '-' ? STDIN_TOKEN : a));
  const named = args.find((a) => !a.startsWith('-'));
  const chosen = COMMANDS.find((c) => c[0] === named);
  const loaded = chosen === undefined ? null : ((await chosen[3]()).command as Loaded);
  let parser = yargs(args)
    .scriptName('tcplens')
    .usage('$0 <command> [options]\n\nReads pcap and pcapng captures and tells the story of every TCP connection in them.');
  for (const c of COMMANDS) {
    const mine = c === chosen && loaded !== null ? loaded : null;
    parser = parser.command(
      c[1],
      c[2],
      (y) => (mine === null ? y : mine.builder(y)),
      async (a) => {
        if (mine !== null) code = await mine.run(a as never);
      },
    );
  }
  parser = parser
    .demandCommand(1, `name a command: ${COMMANDS.map((c) => c[0]).join(', ')}`)
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
