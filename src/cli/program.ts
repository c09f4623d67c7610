/**
 * tcplens command line (started by the bin, cli/main.ts, from its bundle). Exit codes are part
 * of the API: 0 done, 1 findings at or above --fail-on, 2 usage error, 3 a capture could not be
 * read to its end, 74 the output could not be written (sysexits.h EX_IOERR).
 */
import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import { ExitCode, OutputError } from './output.js';
import { STDIN_TOKEN } from './stdin.js';
import { UsageError } from './usage.js';
import { VERSION } from './version.js';

/**
 * yargs's CommonJS build: its ESM build bootstraps cliui with a wrap that cuts lines at the
 * column, inside words ("anomalie|s"); the CommonJS one wraps at word boundaries (wrap-ansi).
 * `yargs/yargs` is the factory alone: `yargs` itself also builds a global instance of
 * process.argv when loaded (its index.cjs), and `yargs/helpers` would load the ESM build
 * beside the CommonJS one, for hideBin, which the factory carries too.
 */
const yargs = createRequire(import.meta.url)(yargsModule()) as { (args: string[]): Argv; hideBin(argv: string[]): string[] };

/**
 * Where yargs is required from. The bundle (scripts/bundle-cli.mjs) replaces this body with
 * its one-file copy of yargs and its dependencies, dist/cli/yargs.cjs (about twenty files
 * fewer for node to find and read at every start).
 */
function yargsModule(): string {
  return 'yargs/yargs';
}

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
    // The version read beside this module: yargs's own guess looks for a package.json upwards
    // from the working directory (its main file under ESM), so outside the project it said "unknown".
    .version(VERSION)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((msg, err) => {
      if (err instanceof UsageError) throw err;
      if (err) throw err;
      // Throwing stops yargs here: without it the command would still run. The options known
      // here are the chosen command's (its builder ran on this instance).
      throw new UsageError(msg?.startsWith('Unknown argument') ? unknownOptions(msg, knownOptions(parser)) : msg);
    });
  skipHelpCache(parser);
  try {
    await parser.parseAsync();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    // The chosen command's own help names its options; without one, the list of commands.
    process.stderr.write(`tcplens: ${err.message}\nRun 'tcplens ${chosen === undefined ? '' : `${chosen[0]} `}--help' for usage.\n`);
    return ExitCode.USAGE;
  }
  return code;
}

/**
 * yargs renders the whole help of the command it runs, right after starting the handler, and
 * keeps it for a later showHelp() (yargs 17 command.js calls usage.cacheHelpMessage): measuring
 * and wrapping every option's text, 15 to 25 ms of `analyze` on a one-packet file. Nothing
 * shows yargs's help once a command runs here (.fail throws, and main prints its own message),
 * so it is not rendered. Through yargs's internal methods: if they change, the help is
 * rendered as before.
 */
function skipHelpCache(parser: Argv): void {
  type Internals = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = (parser as unknown as Internals).getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/**
 * "Unknown arguments: prot" → "unknown option --prot; did you mean --port?": each unknown option
 * (yargs names it twice, as typed and in camelCase) with the closest known one, if one is close.
 */
export function unknownOptions(msg: string, known: readonly string[]): string {
  const names = msg.replace(/^Unknown arguments?: /, '').split(', ').filter((n) => n !== '');
  const typed = names.filter((n) => !names.some((m) => m !== n && m.includes('-') && camel(m) === n));
  const options = known.filter((k) => k.length > 1 && k === k.toLowerCase() && k !== '$0');
  const parts = typed.map((n) => {
    const dash = n.length === 1 ? `-${n}` : `--${n}`;
    let best = '';
    let bestDistance = Infinity;
    for (const k of options) {
      const d = distance(n, k);
      if (d < bestDistance) [best, bestDistance] = [k, d];
    }
    return bestDistance <= Math.max(2, Math.floor(n.length / 3)) ? `${dash} (did you mean --${best}?)` : dash;
  });
  return `unknown option${parts.length === 1 ? '' : 's'} ${parts.join(', ')}`;
}

/** The option names yargs knows (getOptions is yargs's own, not in its typings). */
function knownOptions(y: Argv): string[] {
  const get = (y as unknown as { getOptions?: () => { key?: Record<string, unknown> } }).getOptions;
  return Object.keys(get?.call(y).key ?? {});
}

function camel(s: string): string {
  return s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Levenshtein distance, with a transposition counting one (Damerau's: "prot" is one from "port"). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((d[i - 1]?.[j] ?? 0) + 1, (d[i]?.[j - 1] ?? 0) + 1, (d[i - 1]?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (d[i - 2]?.[j - 2] ?? 0) + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return d[a.length]?.[b.length] ?? 0;
}

main(yargs.hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof OutputError) {
      process.stderr.write(`tcplens: error: ${err.message}\n`);
      process.exitCode = ExitCode.OUTPUT;
      return;
    }
    process.stderr.write(`tcplens: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  },
);
