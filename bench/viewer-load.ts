/**
 * node dist/bench/viewer-load.js [DIR] [--concurrency 200] [--rounds 3]
 *
 * The viewer under load, on loopback: for each page type, `concurrency` requests at once
 * (rounds times), then p50/p99/max latency and any status other than 200. Serves DIR (default
 * samples/) in this process. Figures for the robustness note, not a test (no timed tests).
 */
import { Agent, request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
/** A capture under DIR to have analysed while the pages are loaded (--busy big.pcap). */
const busy = arg('busy', '');

const viewer = await listen({ root: dir, maxUploadBytes: 1 << 20, host: '127.0.0.1', port: 0, pageWaitMs: 30_000 });
const url = new URL(viewer.url);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function get(path: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((done) => {
    const req = request({ host: url.hostname, port: url.port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => done({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on('error', () => done({ status: 0, ms: performance.now() - t0 }));
    req.end();
  });
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
await get(c); // analysed once, as a person's first visit would
if (busy !== '') {
  // Starts its analysis; this request waits for it in the background.
  void get(`/api/c/${encodeURIComponent(busy)}?view=bogus`);
  await new Promise((r) => setTimeout(r, 200));
}
console.log(`viewer load: ${concurrency} concurrent requests per page type, ${rounds} rounds, serving ${dir}${busy ? `, while ${busy} is analysed` : ''}`);
for (const [name, path] of pages) {
  const times: number[] = [];
  let bad = 0;
  for (let r = 0; r < rounds; r++) {
    const answers = await Promise.all(Array.from({ length: concurrency }, () => get(path)));
    for (const a of answers) {
      times.push(a.ms);
      if (a.status !== 200) bad++;
    }
  }
  times.sort((a, b) => a - b);
  const q = (p: number): string => (times[Math.min(times.length - 1, Math.floor(p * times.length))] as number).toFixed(0);
  console.log(`${name.padEnd(18)} p50 ${q(0.5).padStart(5)} ms  p99 ${q(0.99).padStart(5)} ms  max ${q(1).padStart(5)} ms  errors ${bad}`);
}
if (busy !== '') {
  const progress = await new Promise<string>((done) => {
    const req = request({ host: url.hostname, port: url.port, path: `/api/c/${encodeURIComponent(busy)}`, agent }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => done(`${res.statusCode} ${body.slice(0, 120)}`));
    });
    req.end();
  });
  console.log(`${busy} at the end: ${progress}`);
}
agent.destroy();
await viewer.close();
