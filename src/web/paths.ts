/**
 * Capture paths in URLs are relative to the served folder, and must stay inside it: after
 * decoding, after resolving "..", and after following symbolic links (realpath). Anything else
 * is "not found", whatever the reason, so the answer reveals nothing about the file system.
 */
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export function insideRoot(realRoot: string, requested: string): string | null {
  if (requested.includes('\0')) return null;
  const candidate = resolve(realRoot, requested);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return null;
  }
  const rel = relative(realRoot, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null;
  try {
    if (!statSync(real).isFile()) return null;
  } catch {
    return null;
  }
  return real;
}

/** The path to show and to put in URLs: relative to the root, with forward slashes. */
export function displayPath(realRoot: string, real: string): string {
  return relative(realRoot, real).split(sep).join('/');
}

/** A URL path for a capture: each segment encoded. */
export function captureUrl(display: string): string {
  return `/c/${display.split('/').map(encodeURIComponent).join('/')}`;
}
