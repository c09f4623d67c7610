#!/usr/bin/env node
/**
 * The `tcplens` bin. It starts the command line (program.ts) from its bundle, dist/cli/, which
 * `npm run build` writes with esbuild from the compiled modules (scripts/bundle-cli.mjs): the
 * modules a command needs in a few files instead of a hundred and more, each command and the
 * web viewer still loaded only when named. Every module keeps its own import.meta.url there, so
 * the worker files, views/ and package.json are found as from dist/src/. Without a current
 * bundle (missing, or older than the compiled modules: only `tsc` ran since), the compiled
 * modules start as they are.
 */
import { statSync } from 'node:fs';
import module from 'node:module';

// Node ≥ 22.1 keeps the compiled code on disk between runs (module.enableCompileCache); node 20 has no such cache.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const bundle = new URL('../../cli/program.js', import.meta.url);
const compiled = new URL('./program.js', import.meta.url);

/**
 * tsc rewrites every file it emits, so a bundle older than program.js predates the last
 * compile. A second's grace: a package manager that unpacks files with the time of unpacking
 * writes dist/src/ a moment after dist/cli/ (npm keeps the tarball's one fixed time for all).
 */
function bundleIsCurrent(): boolean {
  try {
    return statSync(bundle).mtimeMs + 1000 >= statSync(compiled).mtimeMs;
  } catch {
    return false;
  }
}

await import(bundleIsCurrent() ? bundle.href : compiled.href);
