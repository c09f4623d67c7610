#!/usr/bin/env node
/**
 * The `tcplens` bin. It starts the command line (program.ts) from its bundle, dist/cli/, which
 * `npm run build` writes with esbuild from the compiled modules (scripts/bundle-cli.mjs): the
 * modules a command needs in a few files instead of a hundred and more, each command and the
 * web viewer still loaded only when named. Every module keeps its own import.meta.url there, so
 * the worker files, views/ and package.json are found as from dist/src/. Without the bundle
 * (only `tsc` ran), the compiled modules start as they are.
 */
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node ≥ 22.1 keeps the compiled code on disk between runs (module.enableCompileCache); node 20 has no such cache.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const bundle = new URL('../../cli/program.js', import.meta.url);
await import(existsSync(bundle) ? bundle.href : './program.js');
