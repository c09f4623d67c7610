/**
 * `tcplens audit PATH…`: many captures in parallel on worker threads, one line per file as it
 * finishes, one summary, and an exit code (audit-run.ts runs it).
 */
import { availableParallelism } from 'node:os';
import type { Argv } from 'yargs';
import { withEngineOptions, type AuditArgs } from './args.js';

export type { AuditArgs } from './args.js';

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
      .option('queue', { type: 'string', describe: 'enqueue the captures on this Redis (redis://HOST:PORT[/DB]) for `tcplens worker`s on many machines, and wait' })
      .option('redis-timeout', { type: 'number', default: 60, describe: 'with --queue: seconds without Redis before the audit ends, naming what finished' })
      .option('parquet', { type: 'string', describe: 'write the tables as files.parquet, connections.parquet, anomalies.parquet into this folder (added to what it holds)' }),
  )
    .example('$0 audit /var/captures', 'every capture under the folder, in parallel')
    .example("$0 audit 'dumps/*.pcap.gz' --fail-on syn-flood,missing-final-ack", 'exit 1 when either is found')
    .example('$0 audit dumps --fail-on-severity error --html report/', 'HTML reports and an index')
    .example('$0 audit /shared/dumps --queue redis://queue.example:6379', 'on the tcplens workers of many machines')
    .example('$0 audit dumps --db audits.duckdb', "then: $0 query audits.duckdb \"SELECT …\"") as unknown as Argv<AuditArgs>;
}

/** Runs the command; the worker pool, the queue, the database and the templates load here, not when the command line is read. */
export async function runAudit(args: AuditArgs): Promise<number> {
  const { audit } = await import('./audit-run.js');
  return audit(args);
}

/** The command as the command line loads it (cli/program.ts). */
export const command = { builder: auditBuilder, run: runAudit };
