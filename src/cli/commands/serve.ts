/** `tcplens serve [DIR] [--port 8080] [--host 127.0.0.1] [--max-upload 512MB]`: the local web viewer. */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../usage.js';

export interface ServeArgs {
  dir: string;
  port: number;
  host: string;
  'max-upload': string;
  data?: string;
}

export function serveBuilder(y: Argv): Argv<ServeArgs> {
  return y
    .positional('dir', { type: 'string', default: '.', describe: 'the folder of captures to serve (searched recursively)' })
    .option('port', { alias: 'p', type: 'number', default: 8080, describe: 'TCP port to listen on (0: any free port)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to bind; the default keeps the viewer on this machine' })
    .option('max-upload', { type: 'string', default: '512MB', describe: 'largest capture accepted by upload (e.g. 64MB, 2GB)' })
    .option('data', { type: 'string', describe: 'where uploads are stored (default DIR/.tcplens-uploads)' })
    .example('$0 serve ~/captures', 'browse the captures under ~/captures at http://127.0.0.1:8080/')
    .example('$0 serve . --port 0 --max-upload 64MB', 'any free port, smaller uploads') as unknown as Argv<ServeArgs>;
}

export async function runServe(args: ServeArgs): Promise<number> {
  // The web stack (express, ejs, multer …) loads only for serve: every other command starts without it.
  const { formatBytes, listen, parseSize } = await import('../../web/server.js');
  const root = resolve(args.dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`DIR must be a folder, not ${args.dir}`);
  const maxUploadBytes = parseSize(args['max-upload']);
  if (maxUploadBytes === null || maxUploadBytes <= 0) throw new UsageError(`--max-upload must be a size such as 512MB, not ${args['max-upload']}`);
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new UsageError(`--port must be a port number from 0 to 65535, not ${args.port}`);
  const dataDir = args.data !== undefined ? resolve(args.data) : undefined;
  // Last resort: a fault no route caught is logged and the viewer carries on serving the other
  // captures (each capture's own failures already become its error page, web/cache.ts).
  const survive = (err: unknown): void => {
    process.stderr.write(`tcplens serve: internal error, the viewer carries on: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  };
  process.on('uncaughtException', survive);
  process.on('unhandledRejection', survive);
  const viewer = await listen({ root, ...(dataDir ? { dataDir } : {}), maxUploadBytes, host: args.host, port: args.port });
  process.stdout.write(`tcplens: serving ${root} at ${viewer.url} (uploads up to ${formatBytes(maxUploadBytes)}); Ctrl-C stops\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.stdout.write('tcplens: stopping\n');
      void viewer.close().then(done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.removeListener('uncaughtException', survive);
  process.removeListener('unhandledRejection', survive);
  return 0;
}

/** The command as the command line loads it (cli/program.ts). */
export const command = { builder: serveBuilder, run: runServe };
