// @ts-check
/**
 * `npm run build`, after tsc: bundles the compiled command line (dist/src/cli/program.js and
 * what it imports, dynamic imports included) into dist/cli/ with esbuild, for startup (issue 15).
 * Loaded one by one, the hundred-odd modules of `analyze` cost node a resolution, a file read
 * and a compile each: about 60 ms of a 200 ms run on a one-packet file.
 *
 * - Code splitting keeps laziness: each command, the HTML report and the web viewer stay behind
 *   their `await import()`, as separate chunks; modules shared by several land in shared chunks.
 * - npm packages stay outside (express, ejs, piscina, bullmq, duckdb, yargs, pcap-parser): node
 *   loads them from node_modules when a chunk that imports them is loaded, as before.
 * - Each module's `import.meta.url` is rewritten to the URL of its compiled file under dist/src/,
 *   so what it finds beside itself is found as before: the worker files (range-worker.js,
 *   analysis-worker.js, audit-worker.js, which run unbundled from dist/src/), views/, package.json.
 *   Any other use of import.meta fails the build rather than point somewhere else.
 * - dist/cli/meta.json is esbuild's metafile: which modules each chunk holds
 *   (test/cli/startup.test.ts reads it to name the modules a command loaded).
 */
import { build } from 'esbuild';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'cli');
const compiled = join(root, 'dist', 'src');

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
      return { contents: text.replaceAll('import.meta.url', own), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: [join(compiled, 'cli', 'program.js')],
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
