/**
 * `tcplens worker --queue redis://HOST:PORT[/DB] [--jobs N]`: analyses the captures of audits
 * queued with `audit --queue` on this machine (worker-run.ts runs it).
 */
import { availableParallelism } from 'node:os';
import type { Argv } from 'yargs';
import type { WorkerArgs } from './args.js';

export type { WorkerArgs } from './args.js';

export function workerBuilder(y: Argv): Argv<WorkerArgs> {
  return y
    .option('queue', { type: 'string', demandOption: true, describe: 'the Redis holding the audit queue: redis://HOST:PORT[/DB]' })
    .option('jobs', { alias: 'j', type: 'number', default: availableParallelism(), describe: 'captures analysed at once, on worker threads' })
    .option('attempts', { type: 'number', default: 3, describe: 'starts of a capture before it fails for good when its worker keeps dying' })
    .option('lock-duration', { type: 'number', default: 30_000, describe: 'ms a worker holds a job without renewing its lock before it counts as dead' })
    .example('$0 worker --queue redis://queue.example:6379', 'on each machine that shares the captures') as unknown as Argv<WorkerArgs>;
}

/** Runs the command; BullMQ, Redis and the worker pool load here, not when the command line is read. */
export async function runWorker(args: WorkerArgs): Promise<number> {
  const { worker } = await import('./worker-run.js');
  return worker(args);
}

/** The command as the command line loads it (cli/program.ts). */
export const command = { builder: workerBuilder, run: runWorker };
