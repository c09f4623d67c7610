/**
 * `tcplens audit --queue redis://…`: enqueues one BullMQ job per capture and waits for each
 * result, so the audit command reports, summarises and exits exactly as with the local pool.
 *
 * Results arrive by QueueEvents; a sweep every second also asks Redis for each job still awaited,
 * so an event missed during a reconnect costs a second, and a job Redis lost (a restart without
 * persistence) is enqueued again. When Redis stays away longer than `redisTimeout`, the audit ends
 * with an error naming what finished and what did not.
 */
import { failedResult, type AuditFileResult } from '../../report/audit.js';
import type { CaptureIdentity } from '../../report/audit-rows.js';
import type { AuditTask } from '../audit-worker.js';
import { QUEUE_NAME, jobIdFor, type CaptureJob, type CaptureProgress, type RedisConnection } from './common.js';

export interface Runner {
  run(task: AuditTask, identity: CaptureIdentity): Promise<AuditFileResult>;
  close(): Promise<void>;
}

export class RedisLostError extends Error {}

interface Awaited {
  job: CaptureJob;
  resolve(r: AuditFileResult): void;
}

export async function queueRunner(
  connection: RedisConnection,
  url: string,
  opts: { redisTimeoutMs: number; onProgress?(p: CaptureProgress, file: string): void },
): Promise<Runner & { lost: Promise<never> }> {
  const { Queue, QueueEvents } = await import('bullmq');
  const queue = new Queue<CaptureJob, AuditFileResult>(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  // Errors while Redis is away are expected: the sweep and the timeout below decide what they mean.
  queue.on('error', () => {});
  events.on('error', () => {});
  await events.waitUntilReady();
  const awaited = new Map<string, Awaited>();

  const settle = (id: string, value: unknown): void => {
    const w = awaited.get(id);
    const r = (typeof value === 'string' ? JSON.parse(value) : value) as AuditFileResult | null | undefined;
    if (w === undefined || r === null || r === undefined) return; // no value yet: the sweep asks again
    awaited.delete(id);
    w.resolve(r);
  };
  const fail = (id: string, reason: string): void => {
    const w = awaited.get(id);
    if (w === undefined) return;
    awaited.delete(id);
    w.resolve(failedResult(w.job.task.file, `failed on the queue: ${reason}`));
  };
  events.on('completed', ({ jobId, returnvalue }) => settle(jobId, returnvalue));
  events.on('failed', ({ jobId, failedReason }) => fail(jobId, failedReason));
  events.on('progress', ({ jobId, data }) => {
    const w = awaited.get(jobId);
    if (w !== undefined && typeof data === 'object' && data !== null) opts.onProgress?.(data as unknown as CaptureProgress, w.job.task.file);
  });

  const enqueue = async (id: string, job: CaptureJob): Promise<void> => {
    const j = await queue.add('capture', job, { jobId: id, removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 24 * 3600 } });
    // The same capture enqueued before: reuse its result, or try a failed one again.
    // (queue.add hands back the job as asked, not as stored: read the stored one.)
    const state = await j.getState();
    if (state === 'completed') settle(id, (await queue.getJob(id))?.returnvalue);
    else if (state === 'failed') await j.retry('failed');
  };

  let lastContact = Date.now();
  let lostReject: (e: Error) => void = () => {};
  const lost = new Promise<never>((_, reject) => {
    lostReject = reject;
  });
  lost.catch(() => {});
  let sweeping = false;
  const sweep = async (): Promise<void> => {
    sweeping = true;
    try {
      for (const [id, w] of [...awaited]) {
        const j = await queue.getJob(id);
        if (j === undefined || j === null) {
          await enqueue(id, w.job); // Redis lost it (restarted without persistence)
          continue;
        }
        const state = await j.getState();
        if (state === 'completed') settle(id, j.returnvalue);
        else if (state === 'failed') fail(id, j.failedReason);
      }
      lastContact = Date.now();
    } catch {
      // Redis away: the clock below decides
    } finally {
      sweeping = false;
    }
  };
  // While Redis is away, commands wait for the reconnection: a sweep still waiting is the sign.
  const timer = setInterval(() => {
    if (!sweeping) void sweep();
    else if (Date.now() - lastContact > opts.redisTimeoutMs) {
      lostReject(new RedisLostError(`lost Redis at ${url} for more than ${Math.round(opts.redisTimeoutMs / 1000)} s`));
    }
  }, 1000);

  return {
    lost,
    run(task, identity) {
      const job: CaptureJob = { task, identity };
      const id = jobIdFor(job);
      return new Promise<AuditFileResult>((resolve, reject) => {
        const earlier = awaited.get(id);
        if (earlier !== undefined) {
          // The same capture named twice in one audit: one job, the result given to both.
          const first = earlier.resolve;
          earlier.resolve = (r) => {
            first(r);
            resolve(r);
          };
          return;
        }
        awaited.set(id, { job, resolve });
        enqueue(id, job).catch(reject);
      });
    },
    async close() {
      clearInterval(timer);
      // Closing waits for Redis; one that is gone gets a moment, then the connections are dropped.
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise((r) => {
        graceTimer = setTimeout(r, 2000);
      });
      await Promise.race([Promise.allSettled([events.close(), queue.close()]), grace]);
      clearTimeout(graceTimer);
      void Promise.allSettled([events.disconnect(), queue.disconnect()]);
    },
  };
}

/** The files that did not finish, for the error when Redis is lost. */
export function unfinished(results: readonly (AuditFileResult | undefined)[], files: readonly string[]): string[] {
  return files.filter((_, i) => results[i] === undefined);
}
