/**
 * Spool folders of the viewer's connection stores: named tcplens-viewer-PID-XXXXXX, so a later
 * viewer can remove those of a viewer that was killed (and so could not clean up).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SPOOL_PREFIX = 'tcplens-viewer-';

/** A new spool folder of this process. */
export function makeSpoolDir(): string {
  return mkdtempSync(join(tmpdir(), `${SPOOL_PREFIX}${process.pid}-`));
}

/** Removes spool folders left by viewers that are no longer running (killed, so they could not clean up). */
export function removeOrphanSpools(): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = new RegExp(`^${SPOOL_PREFIX}(\\d+)-`).exec(name);
    if (m === null || isRunning(Number(m[1]))) continue;
    try {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
      removed++;
    } catch {
      // another user's: not ours to remove
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
