/**
 * node dist/bench/viewer-load.js [DIR] [--concurrency 200] [--rounds 3] [--capture NAME] [--busy FILE]
 *
 * The viewer under load, on loopback: for each page type, `concurrency` requests at once
 * (rounds times), then p50/p99/max latency and any status other than 200. Serves a copy of DIR
 * (default samples/) in this process; `--capture` names the capture whose pages are loaded.
 * Figures for `npm run bench` and the robustness note, not a test (no timed tests).
 *
 * `--busy FILE`: the same load while FILE (a 1 GB capture in `npm run bench`, made by
 * ../shared/tools/gen_pcap.py) is analysed on the viewer's analysis thread (web/cache.ts).
 * FILE is linked into the served copy, its analysis is started, and the load begins once its
 * thread is reading it; after each page type the analysis's progress is printed, so figures
 * taken after it finished can be told apart. Aim (issue 12): p50 < 300 ms, p99 < 1 s.
 */
import { copyFileSync, cpSync, linkSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { listen } from '../src/web/server.js';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, d: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : d;
};
const dir = resolve(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : join(here, '..', '..', 'samples'));
const concurrency = Number(arg('concurrency', '200'));
const rounds = Number(arg('rounds', '3'));
const capture = arg('capture', 'syn-flood.pcapng');
/** A capture to have analysed while the pages are loaded. */
const busyFile = arg('busy', '');

const served = mkdtempSync(join(tmpdir(), 'tcplens-viewer-load-'));
cpSync(dir, served, { recursive: true });
const busy = busyFile === '' ? '' : `busy-${basename(busyFile)}`;
if (busy !== '') {
  try {
    linkSync(busyFile, join(served, busy));
  } catch {
    copyFileSync(busyFile, join(served, busy));
  }
}

const viewer = await listen({ root: served, maxUploadBytes: 1 << 20, host: '127.0.0.1', port: 0, pageWaitMs: 0 });
const url = new URL(viewer.url);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

let retried = 0;

/**
 * One GET. A request on a kept-alive socket that the server closed meanwhile (its 5 s
 * keepAliveTimeout ran out while a slow round was still going) is sent again once on a new
 * socket, as browsers do (node's http docs, "reusedSocket"); such retries are counted.
 */
function get(path: string, again = true): Promise<{ status: number; ms: number; body: string }> {
  const t0 = performance.now();
  return new Promise((done) => {
    const req = request({ host: url.hostname, port: url.port, path, agent }, (res) => {
      // The first 4 KiB are kept (for the statuses' messages and the busy capture's progress),
      // and decoded once at the end: the load shares the viewer's thread, and decoding every
      // body to text (350 KB for a page of the connections API) cost it more than the viewer's
      // own answer did.
      const head: Buffer[] = [];
      let kept = 0;
      res.on('data', (d: Buffer) => {
        if (kept >= 4096) return;
        head.push(d.subarray(0, 4096 - kept));
        kept += Math.min(d.length, 4096 - kept);
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, ms: performance.now() - t0, body: Buffer.concat(head).toString('utf8') }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (again && req.reusedSocket && (e.code === 'ECONNRESET' || e.message === 'socket hang up')) {
        retried++;
        void get(path, false).then((a) => done({ ...a, ms: performance.now() - t0 }));
      } else done({ status: 0, ms: performance.now() - t0, body: e.message });
    });
    req.end();
  });
}

/** The busy capture's state as its API reports it: "running 37 %", "queued", or "done". */
async function busyState(): Promise<{ text: string; running: boolean }> {
  const a = await get(`/api/c/${encodeURIComponent(busy)}`);
  if (a.status !== 202) return { text: `done (${a.status})`, running: false };
  const p = JSON.parse(a.body) as { state: string; percent: number };
  return { text: `${p.state} ${p.percent} %`, running: p.state === 'running' };
}

const c = `/c/${encodeURIComponent(capture)}`;
const pages: [string, string][] = [
  ['list /', '/'],
  ['api captures', '/api/captures'],
  ['overview', c],
  ['connections', `${c}?view=connections&sort=duration&order=desc`],
  ['connection ladder', `${c}?view=conn&id=1`],
  ['anomalies', `${c}?view=anomalies`],
  ['api connections', `/api${c}?view=connections&state=syn_rcvd&page=2`],
  ['asset', '/assets/viewer.css'],
];
// Analysed once, as a person's first visit would (and its first ladder read once).
while ((await get(c)).status === 202) await new Promise((r) => setTimeout(r, 100));
await get(`${c}?view=conn&id=1`);
if (busy !== '') {
  for (let s = await busyState(); !s.running; s = await busyState()) {
    if (s.text.startsWith('done')) throw new Error(`${busy} finished before the load began`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
// The machine's other load changes every figure: printed beside them.
const load = (): string => `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`;
console.log(`viewer load: ${concurrency} concurrent requests per page type, ${rounds} rounds, serving a copy of ${dir}${busy ? `, while ${busyFile} is analysed` : ''}; ${load()}`);
let worstP50 = 0;
let worstP99 = 0;
let errors = 0;
let allDuringBusy = true;
for (const [name, path] of pages) {
  // The viewer's own thread: how long it was busy per request (event loop utilisation: the
  // analysis thread does not count, but time the OS gave other processes meanwhile does).
  const elu0 = performance.eventLoopUtilization();
  const times: number[] = [];
  let bad = 0;
  const statuses = new Map<string, number>();
  for (let r = 0; r < rounds; r++) {
    const answers = await Promise.all(Array.from({ length: concurrency }, () => get(path)));
    for (const a of answers) {
      times.push(a.ms);
      if (a.status === 200) continue;
      bad++;
      const what = a.status === 0 ? `no answer (${a.body})` : `${a.status} ${a.body.slice(0, 80)}`;
      statuses.set(what, (statuses.get(what) ?? 0) + 1);
    }
  }
  const elu = performance.eventLoopUtilization(elu0);
  times.sort((a, b) => a - b);
  const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))] as number;
  worstP50 = Math.max(worstP50, q(0.5));
  worstP99 = Math.max(worstP99, q(0.99));
  errors += bad;
  let state = '';
  if (busy !== '') {
    const s = await busyState();
    allDuringBusy &&= s.running;
    state = `  ${busy}: ${s.text}`;
  }
  console.log(`${name.padEnd(18)} p50 ${q(0.5).toFixed(0).padStart(5)} ms  p99 ${q(0.99).toFixed(0).padStart(5)} ms  max ${q(1).toFixed(0).padStart(5)} ms  errors ${bad}  loop ${(elu.active / times.length).toFixed(2)} ms/request${state}`);
  for (const [what, n] of statuses) console.log(`  ${n} × ${what}`);
}
const verdict = worstP50 < 300 && worstP99 < 1000 && errors === 0 ? 'within' : 'OUTSIDE';
console.log(`worst p50 ${worstP50.toFixed(0)} ms, worst p99 ${worstP99.toFixed(0)} ms, ${errors} errors: ${verdict} the aim (p50 < 300 ms, p99 < 1 s, no error)${busy !== '' && !allDuringBusy ? `; the analysis of ${busy} ended before the last page type, so the last figures are not all under load` : ''}`);
console.log(`at the end: ${load()}; ${retried} requests sent again after the server closed an idle kept-alive socket`);
agent.destroy();
await viewer.close();
rmSync(served, { recursive: true, force: true });
