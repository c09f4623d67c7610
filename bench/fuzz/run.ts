/**
 * npm run fuzz -- --count N --seed S [--jobs J] [--only I] [--artifacts DIR] [--json FILE]
 * npm run fuzz -- --replay test/fuzz/regressions
 *
 * The seeded fuzz campaign: mutant i of seed S (mutate.ts) goes through packets and analyze
 * in-process on a worker (worker.ts, check.ts), with a watchdog here: no answer in 30 s is a
 * hang, a worker that dies is a crash (its heap is capped at 1 GB, so a blow-up is one too).
 * Each failure leaves its input and a note in the artifacts folder (default test-artifacts/fuzz);
 * keep it as a regression in test/fuzz/regressions/. S may be a number or hex (CI passes the
 * commit: `--seed $(git rev-parse HEAD)` uses its first 8 hex digits). Exit 1 when anything failed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeMutant } from './mutate.js';
import { bytesOfRecipe, loadSeeds, parseSeed, type Recipe } from './seeds.js';
import type { Answer, Job } from './worker.js';
import { readFileSync } from 'node:fs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..', '..');
const HANG_MS = 30_000;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Failure {
  job: Job;
  problems: string[];
  ran: string[];
}

async function main(): Promise<number> {
  const seedText = arg('seed') ?? String(Date.now() >>> 0);
  const seed = parseSeed(seedText);
  const count = Number(arg('count') ?? 1000);
  const only = arg('only');
  const replay = arg('replay');
  const jobsWanted = Number(arg('jobs') ?? availableParallelism());
  const artifacts = resolve(arg('artifacts') ?? join(root, 'test-artifacts', 'fuzz'));
  const jsonOut = arg('json');

  let jobs: Job[];
  if (replay !== undefined) {
    jobs = readdirSync(replay)
      .filter((f) => !f.endsWith('.md') && !f.endsWith('.note.json'))
      .sort()
      .map((f) => ({ kind: 'file', path: resolve(replay, f) }));
  } else if (only !== undefined) jobs = [{ kind: 'mutant', seed, index: Number(only) }];
  else jobs = Array.from({ length: count }, (_, index) => ({ kind: 'mutant', seed, index }));
  const seeds = loadSeeds(root);
  const started = Date.now();
  if (replay === undefined) console.log(`fuzz: seed ${seed} (from ${seedText}), ${jobs.length} mutants of ${seeds.length} seeds, ${Math.min(jobsWanted, jobs.length)} workers`);
  else console.log(`fuzz: replaying ${jobs.length} inputs of ${replay}`);

  const failures: Failure[] = [];
  let done = 0;
  let next = 0;
  let maxRss = 0;
  const record = (f: Failure): void => {
    failures.push(f);
    mkdirSync(artifacts, { recursive: true });
    const name = f.job.kind === 'mutant' ? `seed${f.job.seed}-mutant${f.job.index}` : `replay-${f.job.path.split('/').pop()}`;
    let bytes: Buffer;
    let about: Record<string, unknown> = {};
    if (f.job.kind === 'mutant') {
      const m = makeMutant(seeds, f.job.seed, f.job.index);
      bytes = m.bytes;
      about = { seed: m.seed, mutations: m.mutations, cut: m.cut, replay: `npm run fuzz -- --seed ${f.job.seed} --only ${f.job.index}` };
    } else bytes = f.job.path.endsWith('.recipe.json') ? bytesOfRecipe(JSON.parse(readFileSync(f.job.path, 'utf8')) as Recipe) : readFileSync(f.job.path);
    writeFileSync(join(artifacts, `${name}.bin`), bytes);
    writeFileSync(join(artifacts, `${name}.note.json`), JSON.stringify({ ...about, problems: f.problems, ran: f.ran }, null, 1));
    console.log(`FAIL ${name}: ${f.problems.join(' | ').slice(0, 600)}`);
  };

  await new Promise<void>((finish) => {
    let live = 0;
    const start = (): void => {
      if (next >= jobs.length) return;
      live++;
      const child: ChildProcess = fork(join(here, 'worker.js'), [root], { execArgv: ['--max-old-space-size=1024'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      let stderrTail = '';
      child.stderr?.on('data', (c: Buffer) => (stderrTail = (stderrTail + c.toString()).slice(-2000)));
      let inHand: Job | null = null;
      let timer: NodeJS.Timeout | undefined;
      let answered = false;
      const give = (): void => {
        if (next >= jobs.length) {
          inHand = null;
          child.send({ stop: true });
          return;
        }
        inHand = jobs[next++] as Job;
        answered = false;
        child.send({ job: inHand });
        timer = setTimeout(() => {
          record({ job: inHand as Job, problems: [`hang: no answer in ${HANG_MS / 1000} s`], ran: [] });
          answered = true;
          done++;
          child.kill('SIGKILL');
        }, HANG_MS);
      };
      child.on('message', (msg: { ready?: number; answer?: Answer }) => {
        if (msg.ready !== undefined) return give();
        const a = msg.answer as Answer;
        clearTimeout(timer);
        if (answered && a.problems.some((p) => p.startsWith('uncaught:'))) {
          // An error after the answer: still that mutant's crash.
          record({ job: a.job, problems: a.problems, ran: a.ran });
        } else if (!answered) {
          answered = true;
          done++;
          maxRss = Math.max(maxRss, a.rssMb);
          if (a.problems.length > 0) record({ job: a.job ?? inHand, problems: a.problems, ran: a.ran });
          if (done % 1000 === 0) console.log(`fuzz: ${done}/${jobs.length} in ${((Date.now() - started) / 1000).toFixed(0)} s, ${failures.length} failed`);
        }
        if (a.problems.some((p) => p.startsWith('uncaught:'))) return; // the worker exits; 'exit' restarts
        give();
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        live--;
        if (inHand !== null && !answered) {
          done++;
          record({ job: inHand, problems: [`crash: the worker died (exit ${code}, signal ${signal}): ${stderrTail.slice(-800)}`], ran: [] });
        }
        if (next < jobs.length) start();
        else if (live === 0) finish();
      });
    };
    for (let i = 0; i < Math.min(jobsWanted, jobs.length); i++) start();
    if (jobs.length === 0) finish();
  });

  const seconds = (Date.now() - started) / 1000;
  const summary = { seed, seedText, mutants: jobs.length, failed: failures.length, seconds, seeds: seeds.length, maxRssMb: Math.round(maxRss), failures: failures.map((f) => ({ job: f.job, problems: f.problems })) };
  if (jsonOut !== undefined) writeFileSync(jsonOut, JSON.stringify(summary, null, 1));
  console.log(`fuzz: ${jobs.length} ${replay === undefined ? 'mutants' : 'inputs'} in ${seconds.toFixed(0)} s (${(jobs.length / seconds).toFixed(1)}/s, worker peak RSS ${Math.round(maxRss)} MB): ${jobs.length - failures.length} passed, ${failures.length} failed`);
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
