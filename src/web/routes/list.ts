import { statSync } from 'node:fs';
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
