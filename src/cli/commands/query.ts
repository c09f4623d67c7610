/**
 * `tcplens query FILE.duckdb "SQL"`: answers a question about audits (--db, or a --parquet folder)
 * without another tool. Prints a table, or JSON / CSV for scripts. Opens the database read-only.
 */
import { existsSync } from 'node:fs';
import type { Argv } from 'yargs';
import { formatQuery, query, type QueryFormat } from '../../report/audit-store.js';
import { ExitCode } from '../output.js';
import { UsageError } from '../usage.js';

export interface QueryArgs {
  database: string;
  sql: string;
  format: QueryFormat;
}

export function queryBuilder(y: Argv): Argv<QueryArgs> {
  return y
    .positional('database', { type: 'string', demandOption: true, describe: 'a DuckDB file written by audit --db, or a folder written by audit --parquet' })
    .positional('sql', { type: 'string', demandOption: true, describe: 'the query, over tables files, connections, anomalies' })
    .option('format', { alias: 'f', choices: ['table', 'json', 'csv'] as const, default: 'table' as const, describe: 'how to print the rows' })
    .example('$0 query audits.duckdb "SELECT file, count(*) FROM anomalies WHERE id = \'syn-flood\' GROUP BY file"', 'captures with SYN floods') as unknown as Argv<QueryArgs>;
}

export async function runQuery(args: QueryArgs): Promise<number> {
  if (!existsSync(args.database)) throw new UsageError(`no such database: ${args.database}`);
  let res;
  try {
    res = await query(args.database, args.sql);
  } catch (err) {
    throw new UsageError(`query failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.stdout.write(`${formatQuery(res, args.format)}\n`);
  return ExitCode.OK;
}

/** The command as the command line loads it (cli/program.ts). */
export const command = { builder: queryBuilder, run: runQuery };
