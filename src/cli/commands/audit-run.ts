/**
 * `tcplens audit`, run: many captures in parallel on worker threads, one line per file as it
 * finishes, one summary, and an exit code: 3 when a file could not be read to its end, else 1
 * when --fail-on / --fail-on-severity finds something, else 0.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import ejs from 'ejs';
import { Piscina } from 'piscina';
import { auditLine, failedResult, failures, skippedText, summarize, summaryText, type AuditFileResult } from '../../report/audit.js';
import { viewsDir } from '../../report/views.js';
import type { CaptureIdentity } from '../../report/audit-rows.js';
import { AuditStore } from '../../report/audit-store.js';
import { probeRedis, type CaptureProgress } from '../queue/common.js';
import { RedisLostError, queueRunner, type Runner } from '../queue/coordinator.js';
import type { AuditTask } from '../audit-worker.js';
import { auditInputs } from '../../capture/audit-inputs.js';
import { ExitCode, LineWriter } from '../output.js';
import { UsageError } from '../usage.js';
import { ANOMALY_IDS, isAnomalyId } from '../../analysis/anomaly-ids.js';
import { VERSION, engineOptions, type AnalyzeArgs, type AuditArgs } from './args.js';

function htmlName(file: string, index: number): string {
  return `${String(index + 1).padStart(4, '0')}-${basename(file).replace(/[^A-Za-z0-9._-]/g, '_')}.html`;
}

/** Path, size and modification time: what makes two audits of a capture the same one. */
export function identityOf(path: string): CaptureIdentity {
  try {
    const st = statSync(path);
    return { path, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return { path, size: 0, mtimeMs: 0 };
  }
}

/** The embedded default: captures on this machine's worker threads. */
function localRunner(jobs: number, files: number): Runner {
  const pool = new Piscina({ filename: new URL('../audit-worker.js', import.meta.url).href, maxThreads: jobs, minThreads: Math.min(jobs, files) });
  return {
    async run(task) {
      try {
        return (await pool.run(task)) as AuditFileResult;
      } catch (err) {
        // Whatever a worker throws belongs to its file: the audit goes on.
        return failedResult(task.file, err instanceof Error ? err.message : String(err));
      }
    },
    close: () => pool.destroy(),
  };
}

/**
 * Files and bytes done across all workers, on stderr (a terminal only), from BullMQ progress
 * events (each worker reports a capture started and done) and the results as they arrive.
 */
async function progressBar(identities: readonly CaptureIdentity[]): Promise<{ progress(p: CaptureProgress, file: string): void; done(r: AuditFileResult, id: CaptureIdentity): void; stop(): void }> {
  const { default: cliProgress } = await import('cli-progress');
  const totalMb = identities.reduce((n, i) => n + i.size, 0) / 1e6;
  const bar = new cliProgress.SingleBar({ format: 'queue |{bar}| {value}/{total} files | {mb}/{totalMb} MB | {workers}', stream: process.stderr, clearOnComplete: true, hideCursor: true }, cliProgress.Presets.shades_classic);
  // By file, so a capture delivered twice (a retry, a Redis restart) is counted once.
  const bytes = new Map<string, number>();
  let files = 0;
  const hosts = new Set<string>();
  const values = (): Record<string, string> => {
    let b = 0;
    for (const n of bytes.values()) b += n;
    return { mb: (b / 1e6).toFixed(1), totalMb: totalMb.toFixed(1), workers: `${hosts.size} worker host${hosts.size === 1 ? '' : 's'}` };
  };
  bar.start(identities.length, 0, values());
  return {
    progress(p, file) {
      hosts.add(p.host);
      bytes.set(file, Math.max(bytes.get(file) ?? 0, p.bytes));
      bar.update(files, values());
    },
    done(_r, id) {
      files++;
      bytes.set(id.path, id.size);
      bar.update(files, values());
    },
    stop: () => bar.stop(),
  };
}

export async function audit(args: AuditArgs): Promise<number> {
  if (!(args['redis-timeout'] > 0)) throw new UsageError(`--redis-timeout must be a number of seconds above 0, not ${String(args['redis-timeout'])}`);
  if (!Number.isInteger(args.jobs) || args.jobs < 1) throw new UsageError(`--jobs must be a whole number of at least 1, not ${String(args.jobs)}`);
  const failOn = (args['fail-on'] ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const unknown = failOn.filter((id) => !isAnomalyId(id));
  if (unknown.length) throw new UsageError(`--fail-on must name anomaly ids (${ANOMALY_IDS.join(', ')}); not ${unknown.join(', ')}`);
  const inputs = auditInputs(args.paths);
  const { files, skipped } = inputs;
  // A missing path among others is that path's error; only an audit of nothing is a usage error.
  if (files.length === 0 && inputs.problems.length === 0) {
    if (inputs.missing.length > 0) throw new UsageError(`no such file, folder or matching glob: ${inputs.missing.join(', ')}`);
    throw new UsageError(`no capture files found in ${args.paths.join(', ')}${skipped.length > 0 ? ` (${skippedText(skipped.length)})` : ''}`);
  }
  const problems = [
    ...inputs.missing.map((file) => ({ file, error: 'no such file, folder or matching glob' })),
    ...inputs.problems,
  ].map((p) => failedResult(p.file, p.error));
  if (args.html !== undefined) mkdirSync(args.html, { recursive: true });

  const identities = files.map(identityOf);
  // Redis is checked before anything is written: unreachable at start is a usage error (exit 2).
  const connection = args.queue !== undefined && files.length > 0 ? await probeRedis(args.queue) : null;
  const out = new LineWriter();
  const withRows = args.db !== undefined || args.parquet !== undefined;
  const store = withRows ? await AuditStore.open({ ...(args.db !== undefined ? { db: args.db } : {}), ...(args.parquet !== undefined ? { parquet: args.parquet } : {}) }) : null;
  const host = hostname();
  const bar = connection !== null && process.stderr.isTTY ? await progressBar(identities) : null;
  const report = (r: AuditFileResult, identity: CaptureIdentity): void => {
    if (store !== null) {
      store.add(identity, r, host);
      delete r.rows;
    }
    bar?.done(r, identity);
    if (args.format === 'text') out.line(auditLine(r));
    else if (args.format === 'ndjson') out.line(JSON.stringify({ type: 'file', ...r }));
    out.flush();
  };
  for (const r of problems) report(r, identityOf(r.file));
  const results: AuditFileResult[] = [...problems, ...new Array<AuditFileResult>(files.length)];
  const options = { ...engineOptions({ ...args, file: '', format: 'json' } as AnalyzeArgs) };
  let runner: Runner | null = null;
  let lost: Promise<never> = new Promise(() => {});
  try {
    if (files.length > 0) {
      if (connection !== null) {
        const q = await queueRunner(connection, args.queue as string, { redisTimeoutMs: args['redis-timeout'] * 1000, onProgress: (p, file) => bar?.progress(p, file) });
        runner = q;
        lost = q.lost;
      } else runner = localRunner(args.jobs, files.length);
    }
    const all = Promise.all(
      files.map(async (file, i) => {
        const task: AuditTask = { file, options, htmlDir: args.html ?? null, htmlName: htmlName(file, i), version: VERSION, rows: withRows };
        const r = await (runner as Runner).run(task, identities[i] as CaptureIdentity);
        results[problems.length + i] = r;
        report(r, identities[i] as CaptureIdentity);
      }),
    );
    try {
      await Promise.race([all, lost]);
    } catch (err) {
      if (!(err instanceof RedisLostError)) throw err;
      // Say what finished; what did not is each file's error, so the exit code is 3.
      const missing = files.filter((_, i) => results[problems.length + i] === undefined);
      process.stderr.write(`tcplens: ${err.message}: ${files.length - missing.length} of ${files.length} captures finished; not finished: ${missing.join(', ')}\n`);
      files.forEach((file, i) => {
        if (results[problems.length + i] !== undefined) return;
        const r = failedResult(file, `not finished: ${err.message}`);
        results[problems.length + i] = r;
        report(r, identities[i] as CaptureIdentity);
      });
    }
  } finally {
    bar?.stop();
    await runner?.close();
    await store?.close();
  }
  const summary = summarize(results, skipped);
  const failed = failures(results, { ids: failOn, severity: args['fail-on-severity'] ?? null });
  if (args.html !== undefined) {
    const template = readFileSync(join(viewsDir(), 'audit-index.ejs'), 'utf8');
    writeFileSync(join(args.html, 'index.html'), ejs.render(template, { summary, results }));
  }
  if (args.format === 'text') {
    out.line('');
    out.line(summaryText(summary));
    if (args.verbose) for (const k of skipped) out.line(`  skipped ${k.file}: ${k.reason}`);
    if (failed.length > 0) out.line(`failing (${[...failOn, ...(args['fail-on-severity'] ? [`severity ≥ ${args['fail-on-severity']}`] : [])].join(', ')}): ${failed.length} finding kinds, e.g. ${failed.slice(0, 3).join('; ')}`);
  } else if (args.format === 'ndjson') {
    out.line(JSON.stringify({ type: 'summary', ...summary, failing: failed }));
  } else {
    out.line(JSON.stringify({ tcplens: 1, files: results, summary, failing: failed }, null, 1));
  }
  await out.end();
  if (summary.unreadable.length > 0) return ExitCode.UNREADABLE;
  return failed.length > 0 ? ExitCode.FINDINGS : ExitCode.OK;
}
