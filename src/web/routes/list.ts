import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { captureUrl, displayPath, insideRoot } from '../paths.js';

export interface CaptureEntry {
  path: string;
  url: string;
  size: number;
  modified: string;
}

/** The captures under root (recursive, by magic number), with size and date; only those that resolve inside root. */
export function listCaptures(root: string, find: (dir: string) => string[]): CaptureEntry[] {
  return find(root)
    .filter((file) => insideRoot(root, displayPath(root, file)) !== null)
    .map((file) => {
      const st = statSync(file);
      const path = displayPath(root, file);
      return { path, url: captureUrl(path), size: st.size, modified: st.mtime.toISOString() };
    });
}

/** How long a listing is kept when nothing says it changed (a file rewritten in place changes no folder). */
export const LISTING_TTL_MS = 1000;

/**
 * The folder's listing, kept a moment: walking the folder opens every file to read its magic
 * number, which made the list page the costliest of the viewer under load (each of 200
 * requests at once walked it again). A listing is made again when
 * - the viewer itself changed the folder (an upload: invalidate()),
 * - a folder it was made from (the root and each folder holding a capture) has another
 *   modification time: a file was added, removed or renamed there,
 * - or it is older than `ttlMs`: a capture grown or rewritten in place, a file added in a
 *   folder that held none, shows within that time.
 * Each listing is a new object, so the answers made from it (web/response-cache.ts) go with it.
 */
export class CaptureListing {
  private kept: { captures: CaptureEntry[]; made: number; folders: [string, number][] } | null = null;

  constructor(
    private readonly root: string,
    private readonly find: (dir: string) => string[],
    private readonly ttlMs = LISTING_TTL_MS,
    /** Told when a listing is replaced (its answers are dropped). */
    private readonly onReplace: (old: object) => void = () => undefined,
  ) {}

  /** The current listing: the same array (the same scope) as long as nothing changed. */
  current(): CaptureEntry[] {
    const k = this.kept;
    if (k !== null && Date.now() - k.made < this.ttlMs && k.folders.every(([dir, mtime]) => mtimeOf(dir) === mtime)) return k.captures;
    if (k !== null) this.onReplace(k.captures);
    const made = Date.now();
    // The root's time before the walk: a file added to it meanwhile shows at the next request.
    const folders = new Map<string, number>([[this.root, mtimeOf(this.root)]]);
    const found = this.find(this.root);
    for (const file of found) {
      const dir = dirname(file);
      if (!folders.has(dir)) folders.set(dir, mtimeOf(dir));
    }
    const captures = listCaptures(this.root, () => found);
    this.kept = { captures, made, folders: [...folders] };
    return captures;
  }

  /** The folder changed (an upload): the next request walks it again. */
  invalidate(): void {
    if (this.kept !== null) this.onReplace(this.kept.captures);
    this.kept = null;
  }
}

function mtimeOf(dir: string): number {
  try {
    return statSync(dir).mtimeMs;
  } catch {
    return NaN; // gone: never equal, so the listing is made again
  }
}
