// @ts-check
/**
 * `npm run build`, after tsc: bundles the compiled command line (dist/src/cli/program.js and
 * what it imports, dynamic imports included) into dist/cli/ with esbuild, for startup (issue 15).
 * Loaded one by one, the 128 modules of `analyze`'s engine cost node a resolution, a file read
 * and a compile each: importing them took about 62 ms of a 200 ms run on a one-packet file,
 * 33 ms from the bundle.
 *
 * - Code splitting keeps laziness: each command, the HTML report and the web viewer stay behind
 *   their `await import()`, as separate chunks; modules shared by several land in shared chunks.
 * - npm packages stay outside (express, ejs, piscina, bullmq, duckdb, pcap-parser, …): node
 *   loads them from node_modules when a chunk that imports them is loaded, as before.
 * - Each module's `import.meta.url` is rewritten to the URL of its compiled file under dist/src/,
 *   so what it finds beside itself is found as before: the worker files (range-worker.js,
 *   analysis-worker.js, audit-worker.js, which run unbundled from dist/src/), views/, package.json.
 *   Any other use of import.meta fails the build rather than point somewhere else.
 * - yargs (CommonJS, with cliui, y18n, yargs-parser, string-width, …: about twenty files) is
 *   bundled apart into dist/cli/yargs.cjs, which program.ts requires in the bundle (its
 *   yargsModule()). yargs finds its translations (locales/) from its own folder: that one
 *   __dirname is pointed back at the installed yargs, so `LANG=de_DE.UTF-8 tcplens --help` still
 *   says "Kommandos:".
 * - dist/cli/meta.json is esbuild's metafile: which modules each chunk holds
 *   (test/cli/startup.test.ts reads it to name the modules a command loaded).
 */
import { build } from 'esbuild';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'cli');
const compiled = join(root, 'dist', 'src');
const programFile = join(compiled, 'cli', 'program.js');
const yargsEntry = createRequire(join(root, 'package.json')).resolve('yargs/yargs');
const yargsBuild = join(dirname(yargsEntry), 'build', 'index.cjs');

/** @type {import('esbuild').Plugin} */
const yargsOwnFolder = {
  name: 'yargs-own-folder',
  setup(b) {
    b.onLoad({ filter: /\.cjs$/ }, async (args) => {
      if (args.path !== yargsBuild) return undefined;
      const text = await readFile(args.path, 'utf8');
      // The installed yargs's build/ folder, found at run time as node found yargs before.
      const folder = 'require("path").join(require("path").dirname(require.resolve("yargs/package.json")), "build")';
      return { contents: replaceOnce(text, '__dirname', folder, relative(root, args.path)), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

/** Replaces `from` by `to` in `text`, which must hold it exactly once (else the build fails: the source it expects has changed). */
function replaceOnce(text, from, to, where) {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + from.length) >= 0) throw new Error(`${where}: expected exactly one ${from}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** @type {import('esbuild').Plugin} */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(compiled + '/')) return undefined;
      const text = await readFile(args.path, 'utf8');
      const other = /import\.meta(?!\.url\b)/.exec(text);
      if (other !== null) {
        const line = text.slice(0, other.index).split('\n').length;
        throw new Error(`${relative(root, args.path)}:${line}: import.meta other than import.meta.url: the bundle cannot keep its meaning`);
      }
      // The chunk sits in dist/cli/, the module's compiled file in dist/src/...: the same file, seen from the chunk.
      const own = `new URL(${JSON.stringify(relative(outdir, args.path))}, import.meta.url).href`;
      let contents = text.replaceAll('import.meta.url', own);
      // program.js requires yargs relative to its own (rewritten) URL, dist/src/cli/: the bundled copy is ../../cli/yargs.cjs.
      if (args.path === programFile) contents = replaceOnce(contents, "return 'yargs/yargs';", "return '../../cli/yargs.cjs';", relative(root, args.path));
      return { contents, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: [programFile],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  // Function and class names as written (stack traces of internal errors), not esbuild's renames.
  keepNames: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [ownImportMetaUrl],
});
await writeFile(join(outdir, 'meta.json'), JSON.stringify(result.metafile));

await build({
  absWorkingDir: root,
  entryPoints: [yargsEntry],
  outfile: join(outdir, 'yargs.cjs'),
  bundle: true,
  external: ['yargs/package.json'],
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  plugins: [yargsOwnFolder],
});
