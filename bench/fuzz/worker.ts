/**
 * One fuzz worker (a child process of run.ts, heap capped at 1 GB): takes mutant indexes (or
 * regression files) over IPC, writes each mutant to a file, runs the commands in-process
 * (check.ts) and answers with the problems found. An uncaught exception is reported as a crash
 * of the mutant in hand, then the worker exits; run.ts starts another. FUZZ_TIMING=1 prints each
 * mutant's size and time on stderr (to see where a campaign's time goes).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen, type Viewer } from '../../src/web/server.js';
import { ANALYZE_EXTRA_FORMATS, checkRun, checkTruncation, framesBefore, runInProcess } from './check.js';
import { makeMutant, Rng, type Seed } from './mutate.js';
import { bytesOfRecipe, loadSeeds, type Recipe } from './seeds.js';

export type Job = { kind: 'mutant'; seed: number; index: number } | { kind: 'file'; path: string };
export interface Answer {
  job: Job;
  problems: string[];
  /** What was run, for the artifact's note. */
  ran: string[];
  rssMb: number;
}

const MEMORY_LIMIT_MB = 1024;
const root = process.argv[2] as string;
const seeds: Seed[] = loadSeeds(root);
const dir = mkdtempSync(join(tmpdir(), 'tcplens-fuzz-'));
const file = join(dir, 'mutant.cap');
const wholeFile = join(dir, 'whole.cap');
let current: Job | null = null;
/** The job answered last: a stream error that fires after its answer is still its crash. */
let last: Job | null = null;
let viewer: Viewer | null = null;
const viewerRoot = join(dir, 'served');
mkdirSync(viewerRoot);

process.on('uncaughtException', (err) => crash(err));
process.on('unhandledRejection', (err) => crash(err));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function crash(err: unknown): void {
  const answer: Answer = { job: (current ?? last) as Job, problems: [`uncaught: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`], ran: [], rssMb: 0 };
  process.send?.({ answer }, () => process.exit(1));
}

async function viewerUpload(bytes: Buffer): Promise<string[]> {
  if (viewer === null) viewer = await listen({ root: viewerRoot, maxUploadBytes: 64 << 20, host: '127.0.0.1', port: 0, pageWaitMs: 0 });
  const problems: string[] = [];
  const form = new FormData();
  form.append('capture', new Blob([new Uint8Array(bytes)]), 'mutant.pcap');
  const up = await fetch(new URL('/api/upload', viewer.url), { method: 'POST', body: form });
  const upBody = (await up.json()) as { api?: string; error?: string };
  if (up.status === 400) return problems; // not a capture by its magic number: refused, fine
  if (up.status !== 201 || upBody.api === undefined) return [`viewer upload: ${up.status} ${JSON.stringify(upBody).slice(0, 200)}`];
  const deadline = Date.now() + 25_000;
  let overview: Response;
  for (;;) {
    overview = await fetch(new URL(upBody.api, viewer.url));
    if (overview.status !== 202 || Date.now() > deadline) break;
    await overview.body?.cancel();
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const [view, res] of [
    ['overview', overview],
    ['connections', await fetch(new URL(`${upBody.api}?view=connections&sort=duration&order=desc`, viewer.url))],
    ['anomalies', await fetch(new URL(`${upBody.api}?view=anomalies`, viewer.url))],
    ['conn', await fetch(new URL(`${upBody.api}?view=conn&id=1`, viewer.url))],
    ['page', await fetch(new URL(upBody.api.replace(/^\/api/, ''), viewer.url))],
  ] as const) {
    const text = await res.text();
    const ok = res.status === 200 || (view === 'conn' && res.status === 404);
    if (!ok) problems.push(`viewer ${view}: status ${res.status}: ${text.slice(0, 200)}`);
    else if (view !== 'page') {
      try {
        JSON.parse(text);
      } catch {
        problems.push(`viewer ${view}: JSON does not parse`);
      }
    }
  }
  for (const f of readdirSync(join(viewerRoot, '.tcplens-uploads'))) unlinkSync(join(viewerRoot, '.tcplens-uploads', f));
  return problems;
}

async function runJob(job: Job): Promise<Answer> {
  const t0 = performance.now();
  let bytes: Buffer;
  let cut: number | null = null;
  let whole: Buffer | null = null;
  const extra = new Rng(job.kind === 'mutant' ? job.seed ^ 0x5bd1e995 : 7, job.kind === 'mutant' ? job.index : 0);
  if (job.kind === 'mutant') {
    const m = makeMutant(seeds, job.seed, job.index);
    bytes = m.bytes;
    cut = m.cut;
    whole = m.whole;
  } else {
    bytes = job.path.endsWith('.recipe.json') ? bytesOfRecipe(JSON.parse(readFileSync(job.path, 'utf8')) as Recipe) : readFileSync(job.path);
  }
  writeFileSync(file, bytes);
  const problems: string[] = [];
  const ran: string[] = [];
  const run = async (command: string, format: string, more: string[] = []): Promise<string[]> => {
    const argv = [command, file, ...(command === 'timeline' ? [] : ['--format', format]), ...more];
    ran.push(argv.join(' '));
    const r = await runInProcess(argv);
    problems.push(...checkRun(command, format, file, r));
    return r.stdout.split('\n').filter((l) => l !== '');
  };
  const lines = await run('packets', 'ndjson');
  await run('analyze', 'json');
  const everything = job.kind === 'file';
  if (everything || extra.chance(0.35)) for (const f of everything ? ANALYZE_EXTRA_FORMATS : [extra.pick(ANALYZE_EXTRA_FORMATS)]) await run('analyze', f);
  if (everything || extra.chance(0.1)) await run('timeline', 'text', ['--conn', String(1 + extra.int(3))]);
  if (cut !== null && whole !== null) {
    writeFileSync(wholeFile, whole);
    const r = await runInProcess(['packets', wholeFile, '--format', 'ndjson']);
    const wholeLines = r.stdout.split('\n').filter((l) => l !== '');
    problems.push(...checkTruncation(lines, wholeLines, await framesBefore(whole, cut)));
    ran.push(`truncation at ${cut} of ${whole.length}`);
  }
  if (everything || extra.chance(0.03)) {
    ran.push('viewer upload');
    problems.push(...(await viewerUpload(bytes)));
  }
  const rssMb = process.memoryUsage().rss / 1048576;
  if (process.env['FUZZ_TIMING'] !== undefined) process.stderr.write(`timing ${job.kind === 'mutant' ? job.index : job.path} ${bytes.length} ${(performance.now() - t0).toFixed(0)} ${ran.length}\n`);
  if (rssMb > MEMORY_LIMIT_MB) problems.push(`memory: ${rssMb.toFixed(0)} MB resident after the mutant`);
  return { job, problems, ran, rssMb };
}

process.on('message', (msg: { job?: Job; stop?: true }) => {
  if (msg.stop) {
    void (viewer?.close() ?? Promise.resolve()).then(() => process.exit(0));
    return;
  }
  const job = msg.job as Job;
  current = job;
  void runJob(job).then(
    async (answer) => {
      // Let what the run left behind (destroyed streams, timers) fire now, while it is still this job's.
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
      last = job;
      current = null;
      process.send?.({ answer });
    },
    (err: unknown) => crash(err),
  );
});
process.send?.({ ready: seeds.length });
