/** Options and plumbing shared by the commands that read captures. */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import type { Argv } from 'yargs';
import { parseStates, type ConnectionFilter } from '../report/filters.js';
import { COLOUR, PLAIN, type Style } from '../report/formats/style.js';
import { UsageError } from './usage.js';

export interface FilterArgs {
  host?: string[];
  port?: number[];
  state?: string[];
  anomaly?: string[];
  conn?: number[];
}

export function withFilters<T>(y: Argv<T>): Argv<T & FilterArgs> {
  return y
    .option('host', { type: 'string', array: true, describe: 'only connections with this address at either end' })
    .option('port', { type: 'number', array: true, describe: 'only connections with this port at either end' })
    .option('state', { type: 'string', array: true, describe: 'only connections with an endpoint left in this state (RFC or netstat spelling: TIME-WAIT, time_wait, syn_rcvd)' })
    .option('anomaly', { type: 'string', array: true, describe: 'only connections with this anomaly id (e.g. missing-final-ack)' })
    .option('conn', { type: 'number', array: true, describe: 'only the connection with this id' }) as unknown as Argv<T & FilterArgs>;
}

export function readFilter(args: FilterArgs, knownAnomalies: readonly string[]): ConnectionFilter {
  const f: ConnectionFilter = {};
  if (args.host?.length) f.hosts = args.host;
  if (args.port?.length) {
    const bad = args.port.filter((p) => !Number.isInteger(p) || p < 0 || p > 65535);
    if (bad.length) throw new UsageError(`--port must be a port number from 0 to 65535, not ${bad.join(', ')}`);
    f.ports = args.port;
  }
  if (args.state?.length) {
    const { states, unknown } = parseStates(args.state);
    if (unknown.length) throw new UsageError(`--state must be a TCP state (CLOSED, LISTEN, SYN-SENT, SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT, or netstat's spelling), not ${unknown.join(', ')}`);
    f.states = states;
  }
  if (args.anomaly?.length) {
    const unknown = args.anomaly.filter((a) => !knownAnomalies.includes(a));
    if (unknown.length) throw new UsageError(`--anomaly must be one of ${knownAnomalies.join(', ')}; not ${unknown.join(', ')}`);
    f.anomalies = args.anomaly;
  }
  if (args.conn?.length) {
    const bad = args.conn.filter((c) => !Number.isInteger(c) || c < 1);
    if (bad.length) throw new UsageError(`--conn must be a connection id (1, 2, …), not ${bad.join(', ')}`);
    f.ids = args.conn;
  }
  return f;
}

/** Standard output, or the file named by -o. */
export function openOutput(path: string | undefined): Writable {
  return path === undefined ? process.stdout : createWriteStream(path);
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
        bar = new cliProgress.SingleBar(
          { stream: process.stderr, format: 'reading {bar} {percentage}% | {value}/{total} MB | {eta}s left', clearOnComplete: true, hideCursor: true },
          cliProgress.Presets.shades_classic,
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
