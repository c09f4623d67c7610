/**
 * `tcplens audit PATH…`: many captures in parallel on worker threads, one line per file as it
 * finishes, one summary, and an exit code: 3 when a file could not be read to its end, else 1
 * when --fail-on / --fail-on-severity finds something, else 0.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { basename, join } from 'node:path';
import ejs from 'ejs';
import { Piscina } from 'piscina';
import type { Argv } from 'yargs';
import type { Severity } from '../../analysis/anomaly.js';
import { auditLine, failedResult, failures, skippedText, summarize, summaryText, type AuditFileResult } from '../../report/audit.js';
import { viewsDir } from '../../report/views.js';
import type { CaptureIdentity } from '../../report/audit-rows.js';
import { AuditStore } from '../../report/audit-store.js';
import type { AuditTask } from '../audit-worker.js';
import { auditInputs } from '../../capture/audit-inputs.js';
import { ExitCode, LineWriter } from '../output.js';
import { UsageError } from '../usage.js';
import { ANOMALY_IDS, VERSION, engineOptions, withEngineOptions, type AnalyzeArgs } from './analyze.js';

export interface AuditArgs extends Omit<AnalyzeArgs, 'file' | 'format'> {
  paths: string[];
  format: 'text' | 'json' | 'ndjson';
  jobs: number;
  html?: string;
  'fail-on'?: string[];
  'fail-on-severity'?: Severity;
  verbose?: boolean;
  db?: string;
  parquet?: string;
}

export function auditBuilder(y: Argv): Argv<AuditArgs> {
  return withEngineOptions(
    y
      .positional('paths', { type: 'string', array: true, demandOption: true, describe: 'capture files, directories (searched recursively, by magic number) or quoted globs' })
      .option('format', { alias: 'f', choices: ['text', 'json', 'ndjson'] as const, default: 'text' as const, describe: 'a line per file and a summary, one JSON document, or NDJSON lines' })
      .option('jobs', { alias: 'j', type: 'number', default: availableParallelism(), describe: 'captures analysed at once, on worker threads' })
      .option('html', { type: 'string', describe: 'write each capture\'s HTML report and an index.html into this folder' })
      .option('fail-on', { type: 'string', array: true, describe: 'exit 1 when any of these anomaly ids is found (comma-separated or repeated)' })
      .option('fail-on-severity', { choices: ['note', 'warning', 'error'] as const, describe: 'exit 1 when any finding of this severity or above is found' })
      .option('verbose', { alias: 'v', type: 'boolean', describe: 'list the files skipped in folders because they are no captures' })
      .option('db', { type: 'string', describe: 'add the results to this DuckDB database (tables files, connections, anomalies; a capture already there is not added again)' })
      .option('parquet', { type: 'string', describe: 'write the tables as files.parquet, connections.parquet, anomalies.parquet into this folder (added to what it holds)' }),
  )
    .example('$0 audit /var/captures', 'every capture under the folder, in parallel')
    .example("$0 audit 'dumps/*.pcap.gz' --fail-on syn-flood,missing-final-ack", 'exit 1 when either is found')
    .example('$0 audit dumps --fail-on-severity error --html report/', 'HTML reports and an index')
    .example('$0 audit dumps --db audits.duckdb', "then: $0 query audits.duckdb \"SELECT …\"") as unknown as Argv<AuditArgs>;
}

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

export async function runAudit(args: AuditArgs): Promise<number> {
  if (!Number.isInteger(args.jobs) || args.jobs < 1) throw new UsageError(`--jobs must be a whole number of at least 1, not ${String(args.jobs)}`);
  const failOn = (args['fail-on'] ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const unknown = failOn.filter((id) => !ANOMALY_IDS.includes(id));
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

  const out = new LineWriter();
  const withRows = args.db !== undefined || args.parquet !== undefined;
  const store = withRows ? await AuditStore.open({ ...(args.db !== undefined ? { db: args.db } : {}), ...(args.parquet !== undefined ? { parquet: args.parquet } : {}) }) : null;
  const host = hostname();
  const report = (r: AuditFileResult): void => {
    if (store !== null) {
      store.add(identityOf(r.file), r, host);
      delete r.rows;
    }
    if (args.format === 'text') out.line(auditLine(r));
    else if (args.format === 'ndjson') out.line(JSON.stringify({ type: 'file', ...r }));
    out.flush();
  };
  for (const r of problems) report(r);
  const results: AuditFileResult[] = [...problems, ...new Array<AuditFileResult>(files.length)];
  const options = { ...engineOptions({ ...args, file: '', format: 'json' } as AnalyzeArgs) };
  const pool = files.length === 0 ? null : new Piscina({ filename: new URL('../audit-worker.js', import.meta.url).href, maxThreads: args.jobs, minThreads: Math.min(args.jobs, files.length) });
  try {
    await Promise.all(
      files.map(async (file, i) => {
        const task: AuditTask = { file, options, htmlDir: args.html ?? null, htmlName: htmlName(file, i), version: VERSION, rows: withRows };
        let r: AuditFileResult;
        try {
          r = (await (pool as Piscina).run(task)) as AuditFileResult;
        } catch (err) {
          // Whatever a worker throws belongs to its file: the audit goes on.
          r = failedResult(file, err instanceof Error ? err.message : String(err));
        }
        results[problems.length + i] = r;
        report(r);
      }),
    );
  } finally {
    await pool?.destroy();
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
