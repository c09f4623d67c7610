/**
 * What the audit coordinator and `tcplens worker` agree on: the queue's name, the job (one
 * capture), its id (the capture's identity and the analysis asked for), and how to reach Redis.
 * bullmq and ioredis are imported lazily, by the commands that use them.
 */
import { createHash } from 'node:crypto';
import { captureId, type CaptureIdentity } from '../../report/audit-rows.js';
import type { AuditTask } from '../audit-worker.js';
import { UsageError } from '../usage.js';

export const QUEUE_NAME = 'tcplens-audit';

export interface CaptureJob {
  task: AuditTask;
  identity: CaptureIdentity;
}

/** Progress a worker reports for a job (BullMQ progress events). */
export interface CaptureProgress {
  host: string;
  bytes: number;
  phase: 'started' | 'done';
}

/**
 * The capture's identity and the analysis asked for: enqueueing the same capture twice (or a job
 * delivered twice) is one job and one result; other options are another job.
 */
export function jobIdFor(job: CaptureJob): string {
  const { file: _file, ...asked } = job.task;
  const options = createHash('sha256').update(JSON.stringify(asked)).digest('hex').slice(0, 12);
  return `${captureId(job.identity)}-${options}`;
}

/** How to reach Redis: what ioredis and BullMQ take as `connection`. */
export interface RedisConnection {
  host: string;
  port: number;
  db: number;
  password?: string;
  username?: string;
  maxRetriesPerRequest: null;
  retryStrategy(times: number): number;
}

/** redis://HOST:PORT[/DB] → ioredis options that retry forever (BullMQ needs maxRetriesPerRequest: null). */
export function redisOptions(url: string): RedisConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--queue must be redis://HOST:PORT[/DB], not ${url}`);
  }
  if (u.protocol !== 'redis:') throw new UsageError(`--queue must be redis://HOST:PORT[/DB], not ${url}`);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new UsageError(`--queue: the database must be a number, not ${db}`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port === '' ? 6379 : Number(u.port),
    db: db === '' ? 0 : Number(db),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
}

/** One connection attempt, no retries: a Redis that cannot be reached at start is a usage error (exit 2). */
export async function probeRedis(url: string): Promise<RedisConnection> {
  const options = redisOptions(url);
  const { Redis } = await import('ioredis');
  const probe = new Redis({ host: options.host, port: options.port, db: options.db, ...(options.password !== undefined ? { password: options.password } : {}), ...(options.username !== undefined ? { username: options.username } : {}), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 5000 });
  let cause: Error | null = null;
  probe.on('error', (err: Error) => {
    cause ??= err;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    const why = (cause as Error | null)?.message ?? (err instanceof Error ? err.message : String(err));
    throw new UsageError(`cannot reach Redis at ${url} (${why}); start it, or audit without --queue on this machine's worker threads`);
  } finally {
    probe.disconnect();
  }
  return options;
}
