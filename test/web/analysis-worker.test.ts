/**
 * The viewer's analyses on worker threads (web/cache.ts, web/analysis-worker.ts): pages answer
 * while an analysis holds a thread busy, analyses beyond the pool's size wait their turn ("queued"),
 * a capture is analysed once at a time, an analysis that throws or kills its thread is that
 * capture's error page, and closing the server stops every analysis and leaves no thread and no
 * spool. No timing is asserted: a "busy" analysis is a worker module that spins forever until
 * its thread is terminated, so "the page answered while it ran" holds by construction, and would
 * hang (then fail on the test timeout) if analyses ran on the viewer's event loop.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { AnalysisCache } from '../../src/web/cache.js';
import { createApp } from '../../src/web/server.js';
import { ROOT, SAMPLES } from '../support/cli.js';

const REAL_WORKER = pathToFileURL(join(ROOT, 'dist', 'src', 'web', 'analysis-worker.js')).href;

/**
 * A worker module: the real analysis, except for captures whose name says otherwise: `spin`
 * says it started and then spins (CPU-bound, never yields), `crash` throws outside the task
 * (an uncaught exception kills the thread), `throw` rejects the task, `oom` fills its heap.
 */
function testWorker(dir: string): string {
  const file = join(dir, 'test-worker.mjs');
  writeFileSync(
    file,
    `import real from ${JSON.stringify(REAL_WORKER)};
export default async function (task) {
  if (task.file.includes('spin')) { task.port.postMessage({ type: 'started' }); for (;;) {} }
  if (task.file.includes('crash')) { setTimeout(() => { throw new Error('the thread fell over'); }, 0); return new Promise(() => {}); }
  if (task.file.includes('throw')) throw new Error('the engine fell over');
  if (task.file.includes('oom')) { const held = []; for (;;) held.push(new Array(1e5).fill(1.5)); }
  return real(task);
}
`,
  );
  return file;
}

interface Served {
  root: string;
  cache: AnalysisCache;
  base: string;
  server: Server;
  close(): Promise<void>;
}

const open: Served[] = [];
afterEach(async () => {
  while (open.length > 0) await (open.pop() as Served).close();
});

async function serve(names: string[], concurrency: number): Promise<Served> {
  const root = mkdtempSync(join(tmpdir(), 'tcplens-worker-'));
  for (const name of names) copyFileSync(join(SAMPLES, 'syn-flood.pcapng'), join(root, name));
  const cache = new AnalysisCache({}, { concurrency, workerFile: testWorker(root), maxHeapMb: 64 });
  const app = createApp({ root, maxUploadBytes: 1024, host: '127.0.0.1', port: 0, pageWaitMs: 0 }, cache);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const addr = server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
  let closed = false;
  const served: Served = {
    root,
    cache,
    base,
    server,
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await cache.close();
    },
  };
  open.push(served);
  return served;
}

/** GETs an /api page; polls while it answers 202 when `final`. */
async function api(s: Served, path: string, final = true): Promise<{ status: number; body: Record<string, unknown> }> {
  for (;;) {
    const r = await fetch(`${s.base}${path}`);
    const body = (await r.json()) as Record<string, unknown>;
    if (r.status !== 202 || !final) return { status: r.status, body };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Polls until the capture's analysis reports `state` (202 answers). */
async function until(s: Served, path: string, state: string): Promise<void> {
  for (;;) {
    const a = await api(s, path, false);
    if (a.body['state'] === state) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The nice value of each thread of this process (Linux /proc: field 19 of stat). */
function niceValues(): number[] {
  return readdirSync('/proc/self/task').map((t) => {
    const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

function ownSpools(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith(`tcplens-viewer-${process.pid}-`));
}

test('while an analysis keeps its thread busy, 200 concurrent requests for other pages all answer', async () => {
  const s = await serve(['spin.pcapng', 'ok.pcapng'], 2);
  await until(s, '/api/c/spin.pcapng', 'running');
  expect((await api(s, '/api/c/ok.pcapng')).status).toBe(200);
  // The thread that analysed ok.pcapng runs at nice 10, below the viewer's own thread (Linux: per thread).
  if (existsSync('/proc/self/task')) expect(niceValues()).toContain(10);
  const paths = ['/api/captures', '/api/c/ok.pcapng', '/api/c/ok.pcapng?view=connections&sort=duration&order=desc', '/api/c/ok.pcapng?view=conn&id=1', '/api/c/ok.pcapng?view=anomalies', '/c/ok.pcapng', '/'];
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => fetch(`${s.base}${paths[i % paths.length]}`).then(async (r) => (await r.arrayBuffer(), r.status))));
  expect(answers.filter((status) => status !== 200)).toEqual([]);
  // Still spinning: the pages above were answered during its analysis, not after it.
  const spin = await api(s, '/api/c/spin.pcapng', false);
  expect([spin.status, spin.body['state']]).toEqual([202, 'running']);
  expect(s.cache.workers()).toHaveLength(3); // two analysis threads and the ladder thread
});

test('analyses beyond the pool\'s size wait their turn ("queued"); one capture is analysed once at a time', async () => {
  const s = await serve(['spin.pcapng', 'waits.pcapng'], 1);
  await until(s, '/api/c/spin.pcapng', 'running');
  const queued = await api(s, '/api/c/waits.pcapng', false);
  expect([queued.status, queued.body['state'], queued.body['bytesRead']]).toEqual([202, 'queued', 0]);
  // The page says so too, and the running one says it is analysing.
  const page = await fetch(`${s.base}/c/waits.pcapng`);
  expect(page.status).toBe(202);
  const html = await page.text();
  expect(html).toContain('<h2 id="state" data-state="queued">Queued: waits.pcapng</h2>');
  expect(html).toContain('queued: waiting for one of the viewer');
  expect(html).not.toContain('Analysing');
  const running = await (await fetch(`${s.base}/c/spin.pcapng`)).text();
  expect(running).toContain('<h2 id="state" data-state="running">Analysing spin.pcapng</h2>');
  expect(running).not.toContain('queued');
  // Every request for the capture joins the one analysis.
  const a = s.cache.get(join(s.root, 'waits.pcapng'));
  expect(s.cache.get(join(s.root, 'waits.pcapng'))).toBe(a);
  expect(s.cache.workers()).toHaveLength(1);
});

test('a changed capture stops the analysis of its older version', async () => {
  const s = await serve(['spin.pcapng'], 2);
  const file = join(s.root, 'spin.pcapng');
  const first = s.cache.get(file);
  await until(s, '/api/c/spin.pcapng', 'running');
  copyFileSync(join(SAMPLES, 'refused.pcap'), file);
  const second = s.cache.get(file);
  expect(second).not.toBe(first);
  const stopped = await first.promise;
  expect([stopped.state, stopped.cancelled, stopped.store]).toEqual(['done', true, null]);
});

test('an analysis that throws, or whose thread dies or runs out of memory, is that capture\'s error page; the viewer goes on', async () => {
  const s = await serve(['throw.pcapng', 'crash.pcapng', 'oom.pcapng', 'ok.pcapng'], 2);
  for (const [name, message] of [['throw.pcapng', 'the engine fell over'], ['crash.pcapng', 'the thread fell over'], ['oom.pcapng', 'Worker terminated due to reaching memory limit: JS heap out of memory']] as const) {
    const a = await api(s, `/api/c/${name}`);
    expect(a.status, name).toBe(500);
    expect(a.body['error']).toContain(`tcplens could not analyse ${name}: ${message}`);
    const html = await (await fetch(`${s.base}/c/${name}`)).text();
    expect(html).toContain(message);
    expect(html).not.toMatch(/\n\s+at /);
  }
  expect((await api(s, '/api/c/ok.pcapng')).body['connections']).toBe(303);
});

test('closing the server stops a running and a queued analysis, and leaves no thread and no spool', async () => {
  const s = await serve(['spin.pcapng', 'spin-too.pcapng', 'ok.pcapng'], 1);
  expect((await api(s, '/api/c/ok.pcapng')).status).toBe(200);
  await until(s, '/api/c/spin.pcapng', 'running');
  const queued = s.cache.get(join(s.root, 'spin-too.pcapng'));
  expect(queued.state).toBe('queued');
  expect(ownSpools().length).toBeGreaterThanOrEqual(2);
  const workers = s.cache.workers();
  expect(workers.length).toBe(1);
  expect(workers[0]?.threadId).toBeGreaterThan(0);
  await s.close();
  // A worker's threadId is -1 once its thread has stopped (node:worker_threads).
  expect(workers.map((w) => w.threadId)).toEqual([-1]);
  expect(s.cache.workers()).toEqual([]);
  const done = await queued.promise;
  expect([done.state, done.cancelled]).toEqual(['done', true]);
  expect(ownSpools()).toEqual([]);
  expect(existsSync(join(s.root, 'spin.pcapng'))).toBe(true);
});
