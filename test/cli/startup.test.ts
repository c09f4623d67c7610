/**
 * Startup (issue 15): each command loads what it needs, when it needs it. Not a timed test (the
 * times are in `npm run bench`, bench/startup.ts): what is held here is *which* modules a run
 * loads, so that laziness cannot regress unnoticed.
 *
 * The modules are recorded by node itself: a module given with --import registers a resolve
 * hook (node:module register) that writes every URL node resolves through the ESM loader to a
 * log, and at exit adds the CommonJS modules in require's cache (yargs, cli-progress, and the
 * packages ESM imports of CommonJS load). A chunk of the bundle (dist/cli/) stands for the
 * modules esbuild put in it (dist/cli/meta.json); a package for its name.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { generateManyConnections } from '../../bench/generate-many.js';
import { CLI, ROOT, runCli, SAMPLES } from '../support/cli.js';

const META = join(ROOT, 'dist', 'cli', 'meta.json');
const tmp = mkdtempSync(join(tmpdir(), 'tcplens-startup-'));
const ONE_PACKET = join(tmp, 'one-packet.pcap');
generateManyConnections(ONE_PACKET, 1, 10, 'unanswered');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The --import module: the hook (its own data: module, run by node's loader) and the exit hook, both appending to LOG. */
function recorder(log: string): string {
  const hooks = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (r.url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}`;
  const main = `import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});
const cache = createRequire(pathToFileURL(process.cwd() + '/').href).cache;
process.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(cache).map((f) => pathToFileURL(f).href + '\\n').join('')));`;
  return `data:text/javascript,${encodeURIComponent(main)}`;
}

interface Loaded {
  /** Compiled modules, as dist/src/… paths: loaded as files, or inside a loaded chunk of the bundle. */
  modules: Set<string>;
  /** npm packages, by name. */
  packages: Set<string>;
  /** Files of dist/ node loaded (chunks, the bin, worker files), as dist/… paths. */
  files: Set<string>;
  run: { code: number | null; stdout: string; stderr: string };
}

function chunkInputs(): Map<string, string[]> {
  if (!existsSync(META)) throw new Error(`${META} is missing: npm run build writes the bundle (npm test builds first)`);
  const meta = JSON.parse(readFileSync(META, 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  return new Map(Object.entries(meta.outputs).map(([file, o]) => [file, Object.keys(o.inputs)]));
}

async function loadedBy(args: string[]): Promise<Loaded> {
  const log = join(tmp, `loaded-${Math.random().toString(36).slice(2)}.log`);
  const run = await runCli(args, { nodeArgs: ['--no-warnings', '--import', recorder(log)] });
  const chunks = chunkInputs();
  const loaded: Loaded = { modules: new Set(), packages: new Set(), files: new Set(), run };
  for (const url of readFileSync(log, 'utf8').split('\n').filter((l) => l !== '')) {
    const path = fileURLToPath(url);
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
    if (pkg !== null) {
      loaded.packages.add(pkg[1] as string);
      continue;
    }
    const file = relative(ROOT, path);
    if (!file.startsWith('dist/')) continue;
    loaded.files.add(file);
    if (file.startsWith('dist/src/')) loaded.modules.add(file);
    for (const m of chunks.get(file) ?? []) loaded.modules.add(m);
  }
  return loaded;
}

/** What no command below may load: the web stack, the audit pool and queue, the database, the HTML report's templates, the progress bar (not on a pipe). */
const NEVER_PACKAGES = ['express', 'ejs', 'helmet', 'multer', 'piscina', 'bullmq', 'ioredis', '@duckdb/node-api', 'cli-progress'];
const NEVER_MODULES = /^dist\/src\/(web\/|report\/formats\/html\.js|report\/audit|cli\/commands\/(audit|serve|worker|query|slice|timeline)|cli\/queue\/|cli\/audit-worker)/;
/** The engine: --version and --help load none of it. */
const ENGINE = /^dist\/src\/(pipeline\.js|capture\/|decode\/|tcp\/|analysis\/|report\/)/;

function forbidden(l: Loaded): string[] {
  return [...[...l.packages].filter((p) => NEVER_PACKAGES.includes(p)), ...[...l.modules].filter((m) => NEVER_MODULES.test(m))];
}

describe('what a command loads', () => {
  test('--version and --help: yargs and the command line, no command, not the engine', async () => {
    for (const args of [['--version'], ['--help']]) {
      const l = await loadedBy(args);
      expect(l.run.code, l.run.stderr).toBe(0);
      expect(l.modules).toContain('dist/src/cli/program.js');
      expect(l.files).toContain('dist/cli/yargs.cjs');
      expect(forbidden(l), args.join(' ')).toEqual([]);
      expect([...l.modules].filter((m) => ENGINE.test(m) || m.startsWith('dist/src/cli/commands/')), args.join(' ')).toEqual([]);
    }
  });

  test("each command's --help: its options, not its run (no pool, queue, database, web stack, reader or engine)", async () => {
    for (const name of ['analyze', 'packets', 'timeline', 'audit', 'worker', 'query', 'slice', 'serve']) {
      const l = await loadedBy([name, '--help']);
      expect(l.run.code, l.run.stderr).toBe(0);
      expect(l.run.stdout).toContain(`tcplens ${name}`);
      expect([...l.packages].filter((p) => NEVER_PACKAGES.includes(p)), `${name} --help`).toEqual([]);
      // A builder may read the engine's defaults and names (analysis/options.js, tcp/state.js), never its run.
      expect([...l.modules].filter((m) => /-run\.js$|^dist\/src\/(pipeline\.js|capture\/|decode\/|web\/|cli\/queue\/)/.test(m)), `${name} --help`).toEqual([]);
    }
  });

  test('analyze (text and json) and packets on a one-packet capture: the engine, not the web stack, the audit pool, the HTML report or the progress bar', async () => {
    for (const args of [['analyze', ONE_PACKET], ['analyze', ONE_PACKET, '-f', 'json'], ['packets', ONE_PACKET]]) {
      const l = await loadedBy(args);
      expect(l.run.code, l.run.stderr).toBe(0);
      expect(l.run.stdout).toContain('192.0.2.80');
      // The recorder sees the engine and the packages it needs: it would see the others.
      expect(l.modules).toContain('dist/src/pipeline.js');
      expect(l.packages).toContain('pcap-parser');
      expect(forbidden(l), args.join(' ')).toEqual([]);
    }
  });

  test('the recorder sees what is loaded late: analyze -f html loads ejs, serve loads express', async () => {
    const html = await loadedBy(['analyze', join(SAMPLES, 'missing-final-ack.pcap'), '-f', 'html']);
    expect(html.run.code, html.run.stderr).toBe(0);
    expect(html.packages).toContain('ejs');
    expect(html.modules).toContain('dist/src/report/formats/html.js');
    expect(html.packages).not.toContain('express');

    // serve runs until stopped: stopped by its pid once it says where it listens.
    const log = join(tmp, 'serve.log');
    const child = spawn(process.execPath, ['--no-warnings', '--import', recorder(log), CLI, 'serve', SAMPLES, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('serving')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${String(code)} before serving`)));
      });
    } finally {
      child.kill();
    }
    expect(readFileSync(log, 'utf8')).toMatch(/\/node_modules\/express\//);
  });

  test('the command line runs from its bundle: no compiled module but the bin is loaded from dist/src/, and yargs from its one-file copy', async () => {
    const l = await loadedBy(['analyze', ONE_PACKET]);
    expect(l.files).toContain('dist/src/cli/main.js');
    expect([...l.files].filter((f) => f.startsWith('dist/cli/')).length).toBeGreaterThan(1);
    expect([...l.files].filter((f) => f.startsWith('dist/src/') && f !== 'dist/src/cli/main.js')).toEqual([]);
    expect(l.packages).not.toContain('yargs');
    expect(l.packages).not.toContain('cliui');
  });
});

describe('what the bundle keeps', () => {
  test('a bundle older than the compiled modules (tsc ran since npm run build) is left aside: they start as they are', async () => {
    // A copy of dist/ beside the project's node_modules, package.json and views/, so the other suites' dist/ is never touched.
    const copy = join(tmp, 'stale');
    mkdirSync(copy);
    cpSync(join(ROOT, 'dist', 'src'), join(copy, 'dist', 'src'), { recursive: true });
    cpSync(join(ROOT, 'dist', 'cli'), join(copy, 'dist', 'cli'), { recursive: true });
    for (const name of ['node_modules', 'package.json', 'views']) symlinkSync(join(ROOT, name), join(copy, name));
    const bin = join(copy, 'dist', 'src', 'cli', 'main.js');
    const loadedFiles = (): string[] => {
      const log = join(copy, `loaded-${Math.random().toString(36).slice(2)}.log`);
      const run = spawnSync(process.execPath, ['--no-warnings', '--import', recorder(log), bin, 'analyze', ONE_PACKET, '-f', 'csv'], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('192.0.2.80');
      return readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('/stale/dist/')).map((l) => l.replace(/.*\/stale\//, ''));
    };
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(copy, 'dist', 'cli', 'program.js'), new Date(), new Date());
    utimesSync(join(copy, 'dist', 'src', 'cli', 'program.js'), past, past);
    expect(loadedFiles()).toContain('dist/cli/program.js');
    utimesSync(join(copy, 'dist', 'cli', 'program.js'), past, past);
    utimesSync(join(copy, 'dist', 'src', 'cli', 'program.js'), new Date(), new Date());
    const stale = loadedFiles();
    expect(stale).toContain('dist/src/cli/program.js');
    expect(stale).toContain('dist/src/pipeline.js');
    expect(stale.filter((f) => f.startsWith('dist/cli/'))).toEqual([]);
  });

  test("yargs's translations, found from the installed yargs: its German and French messages", async () => {
    const de = await runCli(['--help'], { env: { LANG: 'de_DE.UTF-8', LC_ALL: '' } });
    expect(de.stdout).toMatch(/^Kommandos:$/m);
    expect(de.stdout).toMatch(/^Optionen:$/m);
    const fr = await runCli(['analyze'], { env: { LC_ALL: 'fr_FR.UTF-8' } });
    expect(fr.code).toBe(2);
    expect(fr.stderr).toContain("Pas assez d'arguments");
  });

  test('--version reads the version beside the package, from any working directory', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const run = spawnSync(process.execPath, [CLI, '--version'], { cwd: tmp, encoding: 'utf8' });
    expect(run.stdout.trim()).toBe(pkg.version);
  });

  test("yargs still has the internals program.ts uses to skip rendering the running command's help (skipHelpCache)", () => {
    const factory = createRequire(CLI)('yargs/yargs') as (a: string[]) => { getInternalMethods(): { getUsageInstance(): { cacheHelpMessage: unknown } } };
    expect(typeof factory([]).getInternalMethods().getUsageInstance().cacheHelpMessage).toBe('function');
  });
});
