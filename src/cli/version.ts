/**
 * tcplens's version, from its package.json, found upwards from this module (src/cli/ when run
 * from source, dist/src/cli/ when built). Its own tiny module so that `--version` and `--help`
 * read it without loading the engine's options.
 */
import { createRequire } from 'node:module';

export const VERSION = packageVersion();

function packageVersion(): string {
  const require = createRequire(import.meta.url);
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = require(up) as { name?: string; version?: string };
      if (pkg.name === 'tcplens' && pkg.version !== undefined) return pkg.version;
    } catch {
      // not at this depth
    }
  }
  return 'unknown';
}
