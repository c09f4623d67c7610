/** Options and plumbing shared by the commands that read captures. */
import { createWriteStream, openSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import type cliProgress from 'cli-progress';
import type { Argv } from 'yargs';
import { checkFilter, FilterInputError, type ConnectionFilter, type FilterInput } from '../report/filters.js';
import { COLOUR, PLAIN, type Style } from '../report/formats/style.js';
import { UsageError } from './usage.js';

/** The filter options as yargs gives them; checked by report/filters.ts checkFilter. */
export type FilterArgs = FilterInput;

export function withFilters<T>(y: Argv<T>): Argv<T & FilterArgs> {
  return y
    .option('host', { type: 'string', array: true, describe: 'only connections with this address at either end' })
    .option('port', { type: 'string', array: true, describe: 'only connections with this port at either end: a number or a service name (http, https, ssh, …)' })
    .option('state', { type: 'string', array: true, describe: 'only connections with an endpoint left in this state (RFC or netstat spelling: TIME-WAIT, time_wait, syn_rcvd)' })
    .option('anomaly', { type: 'string', array: true, describe: 'only connections with this anomaly id (e.g. missing-final-ack or missing_final_ack)' })
    .option('conn', { type: 'string', array: true, describe: 'only the connection with this id (comma-separated for several)' })
    .option('stream', { type: 'string', array: true, describe: "only the connection with this Wireshark tcp.stream number (0-based, as tshark's tcp.stream eq N; comma-separated for several)" })
    .option('conn-state', { type: 'string', array: true, describe: "only connections with this Zeek conn_state (S0, REJ, SF, …; comma-separated for several)" })
    .option('history-has', { type: 'string', array: true, describe: "only connections whose Zeek history has all these letters (R: the originator sent a RST; r: the responder)" })
    .option('flag', { type: 'string', array: true, describe: 'only connections with a frame carrying this Wireshark analysis flag (retransmission, duplicate-ack, zero_window, tcp.analysis.lost_segment, …)' }) as unknown as Argv<T & FilterArgs>;
}

export function readFilter(args: FilterArgs, knownAnomalies: readonly string[]): ConnectionFilter {
  try {
    return checkFilter(args, knownAnomalies);
  } catch (e) {
    if (e instanceof FilterInputError) throw new UsageError(`--${e.option} ${e.message}`);
    throw e;
  }
}

/** Standard output, or the file named by -o. */
export function openOutput(path: string | undefined): Writable {
  if (path === undefined) return process.stdout;
  // Opened here, before any reading: a path that cannot be written is the user's error at once,
  // not a stream error after the whole capture was analysed.
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such folder' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a folder' : (e as Error).message;
    throw new UsageError(`-o ${path}: cannot write it (${why})`);
  }
  return createWriteStream(path, { fd });
}

/** Colour only on a terminal, and never with NO_COLOR (https://no-color.org). */
export function styleFor(out: Writable): Style {
  const tty = (out as { isTTY?: boolean }).isTTY === true;
  return tty && process.env['NO_COLOR'] === undefined ? COLOUR : PLAIN;
}

/** A progress bar on stderr for long reads, only when stderr is a terminal (never in pipes or CI logs). */
export function progressBar(): { update(read: number, total: number | null): void; stop(): void } {
  if (process.stderr.isTTY !== true || process.env['CI'] !== undefined) return { update() {}, stop() {} };
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(read, total) {
      if (total === null || total < 32 << 20) return; // small files finish before a bar helps
      if (bar === null) {
        // Loaded only when a bar is shown (its 16 modules are a tenth of a small file's startup).
        const progress = createRequire(import.meta.url)('cli-progress') as typeof cliProgress;
        bar = new progress.SingleBar(
          { stream: process.stderr, format: 'reading {bar} {percentage}% | {value}/{total} MB | {eta}s left', clearOnComplete: true, hideCursor: true },
          progress.Presets.shades_classic,
        );
        bar.start(Math.round(total / 1e6), 0);
      }
      bar.update(Math.round(read / 1e6));
    },
    stop() {
      bar?.stop();
    },
  };
}

/**
 * Why a capture path cannot be read at all (missing, a folder), or null: checked before any
 * output is opened, so that such a file gets its error alone, never an empty report first.
 * Standard input ("-") is always there.
 */
function unreadableInput(file: string): string | null {
  if (file === '-') return null;
  try {
    if (statSync(file).isDirectory()) return `${file}: is a folder, not a capture file (tcplens audit reads folders)`;
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `${file}: no such file`;
    if (code === 'EACCES') return `${file}: permission denied`;
    return `${file}: ${(e as Error).message}`;
  }
}

/** Writes the input's error to stderr when it cannot be read (see unreadableInput); true then, and the command exits UNREADABLE. */
export function refusedInput(file: string): boolean {
  const cannot = unreadableInput(file);
  if (cannot === null) return false;
  process.stderr.write(`tcplens: error: ${cannot}\n`);
  return true;
}
