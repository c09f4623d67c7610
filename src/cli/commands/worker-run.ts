/**
 * `tcplens worker`, run (worker.ts reads its options): pulls one BullMQ job per capture and
 * analyses it on the same worker-thread pool (piscina) the local audit uses, so parsing never
 * blocks this thread and BullMQ's lock renewal never stalls. Runs until SIGINT or SIGTERM.
 *
 * Captures are read at the path the coordinator named, so every worker must see them there (a
 * shared file system): a path this machine cannot read, or a file that differs from the one
 * enqueued (size, mtime), is that capture's error, never a retry.
 *
 * A worker that dies mid-capture (SIGKILL, out of memory) loses its lock; another worker's
 * stalled check puts the job back, and after --attempts starts it fails for good.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { Piscina } from 'piscina';
import { failedResult, type AuditFileResult } from '../../report/audit.js';
import { probeRedis, QUEUE_NAME, type CaptureJob, type CaptureProgress } from '../queue/common.js';
import { ExitCode } from '../output.js';
import { UsageError } from '../usage.js';
import type { WorkerArgs } from './args.js';

/** Test hooks (the queue fault tests): hold a capture until FILE.release exists, or die on it. */
const HOLD = process.env.TCPLENS_TEST_QUEUE_HOLD;
const CRASH = process.env.TCPLENS_TEST_QUEUE_CRASH;

async function held(file: string): Promise<void> {
  process.stderr.write(`holding ${file}\n`);
  while (!existsSync(`${file}.release`)) await new Promise((r) => setTimeout(r, 50));
}

/** The shared-file-system check: the worker must read the very capture that was enqueued. */
function pathProblem(job: CaptureJob, host: string): string | null {
  const { file } = job.task;
  try {
    accessSync(file, constants.R_OK);
    const st = statSync(file);
    if (!st.isFile()) return `not a regular file on worker ${host}`;
    if (st.size !== job.identity.size || Math.trunc(st.mtimeMs) !== Math.trunc(job.identity.mtimeMs)) {
      return `differs on worker ${host} (size ${st.size}, was ${job.identity.size}): not the file that was enqueued`;
    }
    return null;
  } catch (err) {
    return `cannot be read on worker ${host} (${(err as NodeJS.ErrnoException).code ?? 'error'}): captures must be on a file system every worker shares, at the same path`;
  }
}

export async function worker(args: WorkerArgs): Promise<number> {
  for (const k of ['jobs', 'attempts', 'lock-duration'] as const) {
    if (!Number.isInteger(args[k]) || args[k] < 1) throw new UsageError(`--${k} must be a whole number of at least 1, not ${String(args[k])}`);
  }
  const connection = await probeRedis(args.queue);
  const { Worker } = await import('bullmq');
  const host = hostname();
  const pool = new Piscina({ filename: new URL('../audit-worker.js', import.meta.url).href, maxThreads: args.jobs, minThreads: 1 });
  const worker = new Worker<CaptureJob, AuditFileResult>(
    QUEUE_NAME,
    async (job) => {
      const { task } = job.data;
      if (CRASH !== undefined && task.file.includes(CRASH)) process.kill(process.pid, 'SIGKILL');
      await job.updateProgress({ host, bytes: 0, phase: 'started' } satisfies CaptureProgress as unknown as object);
      if (HOLD !== undefined && task.file.includes(HOLD)) await held(task.file);
      const problem = pathProblem(job.data, host);
      let r: AuditFileResult;
      if (problem !== null) r = failedResult(task.file, problem);
      else {
        try {
          r = (await pool.run(task)) as AuditFileResult;
        } catch (err) {
          r = failedResult(task.file, err instanceof Error ? err.message : String(err));
        }
      }
      await job.updateProgress({ host, bytes: job.data.identity.size, phase: 'done' } satisfies CaptureProgress as unknown as object);
      return { ...r, host };
    },
    {
      connection,
      concurrency: args.jobs,
      lockDuration: args['lock-duration'],
      stalledInterval: args['lock-duration'],
      maxStalledCount: args.attempts,
      maxStartedAttempts: args.attempts,
      autorun: false,
    },
  );
  // While Redis is away BullMQ reports errors and keeps reconnecting: say so, do not die.
  let lastError = '';
  worker.on('error', (err) => {
    if (err.message !== lastError) process.stderr.write(`tcplens worker: ${err.message}\n`);
    lastError = err.message;
  });
  worker.on('ready', () => {
    lastError = '';
  });
  await worker.waitUntilReady();
  process.stderr.write(`tcplens worker on ${host}: ${QUEUE_NAME} at ${args.queue}, ${args.jobs} at once\n`);
  const running = worker.run();
  // The first SIGINT/SIGTERM lets the captures in hand finish; a second one leaves at once
  // (their jobs go back to the queue when their locks expire).
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const leave = (): void => process.exit(ExitCode.OK);
  process.once('SIGINT', leave);
  process.once('SIGTERM', leave);
  process.stderr.write('tcplens worker: finishing the captures in hand (signal again to leave now)\n');
  await worker.close();
  await running.catch(() => {});
  await pool.destroy();
  return ExitCode.OK;
}
