/**
 * `tcplens audit --queue` with `tcplens worker`s on BullMQ + Redis: the same report as the local
 * pool, one job per capture identity, the per-job path check, and the faults: a worker SIGKILLed
 * mid-capture, a capture that kills its worker every time, Redis restarted mid-audit, Redis lost
 * for good, Redis unreachable at start. Each test starts its own redis-server (persistence off)
 * on a free loopback port and stops it by pid; without redis-server the suite is skipped.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { SAMPLES, runCli } from '../support/cli.js';
import { REDIS_SERVER, freePort, startRedis, startWorker, stopChild, waitFor, type RedisServer, type WorkerProcess } from '../support/redis.js';

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-queue-'));
  copyFileSync(join(SAMPLES, 'handshake-close.pcap'), join(dir, 'good.pcap'));
  copyFileSync(join(SAMPLES, 'syn-flood.pcapng'), join(dir, 'flood.pcapng'));
  copyFileSync(join(SAMPLES, 'missing-final-ack.pcap'), join(dir, 'mfa.pcap'));
  return dir;
}

type AuditDoc = { files: { file: string; seconds: number; host?: string }[]; summary: unknown };
const strip = (doc: AuditDoc) => ({
  files: doc.files.map(({ seconds: _s, host: _h, ...f }) => f).sort((a, b) => a.file.localeCompare(b.file)),
  summary: doc.summary,
});

const started: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  while (started.length > 0) await (started.pop() as { stop(): Promise<void> }).stop();
});
async function redis(port?: number): Promise<RedisServer> {
  const r = await startRedis(port);
  started.push(r);
  return r;
}
async function worker(url: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<WorkerProcess> {
  const w = await startWorker(url, args, env);
  started.push({ stop: () => stopChild(w.child, 'SIGKILL') });
  return w;
}

test('Redis unreachable at start: a clear error, exit 2, nothing written', async () => {
  const port = await freePort();
  const dir = folder();
  const run = await runCli(['audit', dir, '--queue', `redis://127.0.0.1:${port}`, '--db', join(dir, 'a.duckdb')]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(`cannot reach Redis at redis://127.0.0.1:${port} (connect ECONNREFUSED`);
  expect(run.stdout).toBe('');
  expect(existsSync(join(dir, 'a.duckdb'))).toBe(false);
  const w = await runCli(['worker', '--queue', `redis://127.0.0.1:${port}`]);
  expect(w.code).toBe(2);
  expect(w.stderr).toContain('cannot reach Redis');
});

describe.skipIf(REDIS_SERVER === null)('audit --queue on BullMQ + Redis', { timeout: 120_000 }, () => {
  test('the same lines, summary, exit codes, json, --html and --db as the local pool; results carry the worker host', async () => {
    const r = await redis();
    await worker(r.url, ['--jobs', '2']);
    await worker(r.url, ['--jobs', '1']);
    const dir = folder();
    const out = mkdtempSync(join(tmpdir(), 'tcplens-queue-out-'));
    const local = await runCli(['audit', dir, '-f', 'json', '--db', join(out, 'local.duckdb')]);
    const queued = await runCli(['audit', dir, '--queue', r.url, '-f', 'json', '--db', join(out, 'queued.duckdb')]);
    expect(queued.code).toBe(local.code);
    const q = JSON.parse(queued.stdout) as AuditDoc;
    expect(strip(q)).toEqual(strip(JSON.parse(local.stdout)));
    for (const f of q.files) expect(f.host).toBe(hostname());
    const text = await runCli(['audit', dir, '--queue', r.url]);
    expect(text.stdout).toContain(`${join(dir, 'flood.pcapng')}: 612 packets, 303 TCP connections, syn-flood×1`);
    expect(text.stdout).toContain('3 files, 631 packets, 305 TCP connections');
    expect((await runCli(['audit', dir, '--queue', r.url, '--fail-on', 'syn-flood'])).code).toBe(1);
    const html = join(out, 'html');
    expect((await runCli(['audit', dir, '--queue', r.url, '--html', html])).code).toBe(0);
    expect([...readFileSync(join(html, 'index.html'), 'utf8').matchAll(/href="([^"]+)"/g)]).toHaveLength(3);
    const sql = 'SELECT file, id, stream, client_ip, client_port, server_ip, server_port, start, "end", conn_state, history, retransmission FROM connections ORDER BY ALL';
    const rows = async (db: string) => (await runCli(['query', join(out, db), sql, '-f', 'csv'])).stdout;
    expect(await rows('queued.duckdb')).toEqual(await rows('local.duckdb'));
    expect((await runCli(['query', join(out, 'queued.duckdb'), 'SELECT DISTINCT host FROM files', '-f', 'csv'])).stdout.trim()).toBe(`host\n${hostname()}`);
  });

  test('one job per capture identity: two audits at once share the jobs; a path the worker cannot read is that file\'s error', async () => {
    const r = await redis();
    const w = await worker(r.url, ['--jobs', '2'], { TCPLENS_TEST_QUEUE_HOLD: 'good.pcap' });
    const dir = folder();
    const a = runCli(['audit', dir, '--queue', r.url, '-f', 'json']);
    const b = runCli(['audit', dir, '--queue', r.url, '-f', 'json']);
    await waitFor(w.child, 'stderr', 'holding');
    // Held: the capture disappears before the worker reads it (another machine without the share).
    const good = join(dir, 'good.pcap');
    rmSync(good);
    writeFileSync(`${good}.release`, '');
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.code).toBe(3);
    expect(strip(JSON.parse(ra.stdout))).toEqual(strip(JSON.parse(rb.stdout)));
    const doc = JSON.parse(ra.stdout) as { summary: { unreadable: { file: string; error: string }[] } };
    expect(doc.summary.unreadable).toEqual([{ file: good, error: expect.stringMatching(/^cannot be read on worker .* \(ENOENT\): captures must be on a file system every worker shares/) }]);
    // One hold: the worker saw good.pcap once for both audits.
    expect(w.stderr().match(/holding/g)).toHaveLength(1);
  });

  test('a worker SIGKILLed in the middle of a capture: the job is retried on another worker and counted once', async () => {
    const r = await redis();
    const fast = ['--lock-duration', '1000'];
    const doomed = await startWorker(r.url, fast, { TCPLENS_TEST_QUEUE_HOLD: 'flood' });
    const dir = folder();
    const audit = runCli(['audit', dir, '--queue', r.url, '-f', 'ndjson']);
    await waitFor(doomed.child, 'stderr', 'holding');
    await stopChild(doomed.child, 'SIGKILL');
    await worker(r.url, fast);
    const run = await audit;
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const files = lines.filter((l) => l.type === 'file').map((l) => l.file);
    expect(files.sort()).toEqual(['flood.pcapng', 'good.pcap', 'mfa.pcap'].map((f) => join(dir, f)));
    expect(lines.at(-1)).toMatchObject({ type: 'summary', files: 3, packets: 631, anomalies: { 'syn-flood': 1 } });
  });

  test('a capture that kills its worker every time fails after the configured attempts: exit 3, the rest audited', async () => {
    const r = await redis();
    const dir = folder();
    // One capture at a time: a worker that dies takes the other captures in its hands with it
    // (each counts a start), so with --jobs 2 good.pcap could share flood's fate (README).
    const args = ['--lock-duration', '1000', '--attempts', '2', '--jobs', '1'];
    const env = { TCPLENS_TEST_QUEUE_CRASH: 'flood' };
    let stopped = false;
    let starts = 0;
    // A supervisor, as systemd would be: a worker that dies is started again.
    const supervise = async (): Promise<void> => {
      while (!stopped) {
        // (A worker can take the capture and die before it says it is ready.)
        const w = await startWorker(r.url, args, env).catch(() => null);
        starts++;
        if (w === null) continue;
        started.push({ stop: () => stopChild(w.child, 'SIGKILL') });
        if (w.child.exitCode === null && w.child.signalCode === null) await new Promise((res) => w.child.once('exit', res));
      }
    };
    const supervisor = supervise();
    const run = await runCli(['audit', dir, '--queue', r.url]);
    stopped = true;
    for (const s of started.splice(0)) await s.stop();
    await supervisor.catch(() => {});
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(new RegExp(`${join(dir, 'flood.pcapng')}: could not be read: failed on the queue: job started more than allowable limit`));
    expect(run.stdout).toContain(`${join(dir, 'good.pcap')}: 10 packets`);
    expect(run.stdout).toContain('1 file could not be read to the end:');
    expect(starts).toBeGreaterThanOrEqual(2);
  });

  test('Redis restarted in the middle of an audit: coordinator and worker reconnect, the lost job is enqueued again', async () => {
    const first = await startRedis();
    const w = await worker(first.url, ['--lock-duration', '1000'], { TCPLENS_TEST_QUEUE_HOLD: 'flood' });
    const dir = folder();
    const audit = runCli(['audit', dir, '--queue', first.url]);
    await waitFor(w.child, 'stderr', 'holding');
    await first.stop('SIGKILL');
    await redis(first.port);
    writeFileSync(join(dir, 'flood.pcapng.release'), '');
    const run = await audit;
    expect(run.code).toBe(0);
    expect(run.stdout.match(/flood\.pcapng: 612 packets/g)).toHaveLength(1);
    expect(run.stdout).toContain('3 files, 631 packets, 305 TCP connections');
  });

  test('Redis gone for good: the audit ends after --redis-timeout, saying what finished (exit 3)', async () => {
    const r = await startRedis();
    const w = await worker(r.url, [], { TCPLENS_TEST_QUEUE_HOLD: 'flood' });
    const dir = folder();
    const audit = runCli(['audit', dir, '--queue', r.url, '--redis-timeout', '2']);
    await waitFor(w.child, 'stderr', 'holding');
    await r.stop('SIGKILL');
    const run = await audit;
    expect(run.code).toBe(3);
    // The held capture cannot have finished; the others may or may not have, when Redis went.
    expect(run.stderr).toMatch(new RegExp(`lost Redis at ${r.url} for more than 2 s: [0-2] of 3 captures finished; not finished: .*flood\\.pcapng`));
    expect(run.stdout).toContain(`${join(dir, 'flood.pcapng')}: could not be read: not finished: lost Redis`);
    expect(run.stdout).toContain('3 files, ');
  });
});
