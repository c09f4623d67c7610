/**
 * Every format of `analyze` (and `packets`) on every capture of ../shared/corpus and samples/,
 * written by two builds of tcplens, compared byte for byte: a change that should not change any
 * output (streaming the JSON document, reading ranges in parallel) is checked by this.
 *
 *   node dist/bench/compare-outputs.js --base OLD/dist/src/cli/main.js [--new-args "--read-threads 1"] [FILE…]
 *
 * OLD is a build of main (e.g. `git worktree add /tmp/main main && cd /tmp/main && npm install`).
 * Zeek logs carry the time they were written (#open, #close); those lines are left out of the
 * comparison. Prints one line per difference and the counts; exits 1 if any output differs.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discover } from '../src/capture/find-captures.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const base = opt('--base') ?? process.env['COMPARE_BASE'];
const newArgs = (opt('--new-args') ?? '').split(' ').filter((s) => s !== '');
const baseArgs = (opt('--base-args') ?? '').split(' ').filter((s) => s !== '');
const formats = (opt('--formats') ?? 'text,json,ndjson,csv,zeek,zeek-weird,html,packets-ndjson,packets-text').split(',');
const jobs = Number(opt('--jobs') ?? availableParallelism());
if (base === undefined || !existsSync(base)) {
  console.error('usage: compare-outputs.js --base OLD/dist/src/cli/main.js [--new-args ARGS] [--formats a,b] [FILE…]');
  process.exit(2);
}
const ours = join(root, 'dist', 'src', 'cli', 'main.js');


// The captures under the corpus and samples/, found as `tcplens audit` finds them (by magic number, through gzip too).
const files = args.length > 0 ? args : discover([join(root, '..', 'shared', 'corpus'), join(root, 'samples')].filter((d) => existsSync(d))).files;

function commandFor(format: string, file: string): string[] {
  if (format === 'packets-ndjson') return ['packets', file, '--format', 'ndjson'];
  if (format === 'packets-text') return ['packets', file, '--format', 'text'];
  return ['analyze', file, '--format', format];
}

/** The output's digest (without Zeek's #open/#close lines), the exit code and stderr's digest. */
function run(cli: string, argv: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const out = createHash('sha256');
    const err = createHash('sha256');
    let rest = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      const text = rest + s;
      const nl = text.lastIndexOf('\n');
      rest = text.slice(nl + 1);
      if (nl < 0) return;
      // Whole lines only (the last piece is the start of the next line), so chunking cannot change the digest.
      for (const line of text.slice(0, nl).split('\n')) if (!line.startsWith('#open\t') && !line.startsWith('#close\t')) out.update(`${line}\n`);
    });
    child.stderr.on('data', (b: Buffer) => err.update(b));
    child.on('close', (code) => {
      out.update(rest);
      resolve(`${code} ${out.digest('hex').slice(0, 16)} ${err.digest('hex').slice(0, 16)}`);
    });
  });
}

const tasks: { file: string; format: string }[] = [];
for (const file of files) for (const format of formats) tasks.push({ file, format });
let differ = 0;
let same = 0;
let next = 0;
async function worker(): Promise<void> {
  while (next < tasks.length) {
    const t = tasks[next++] as { file: string; format: string };
    const argv = commandFor(t.format, t.file);
    const [a, b] = await Promise.all([run(base as string, [...argv, ...baseArgs]), run(ours, [...argv, ...newArgs])]);
    if (a === b) same++;
    else {
      differ++;
      console.log(`DIFFERS ${t.format} ${t.file}: base ${a}, ours ${b}`);
    }
  }
}
await Promise.all(Array.from({ length: Math.max(1, Math.floor(jobs / 2)) }, worker));
console.log(`${files.length} captures × ${formats.length} outputs: ${same} identical, ${differ} differ`);
process.exit(differ === 0 ? 0 : 1);
