/**
 * Which files an audit reads and the viewer lists: files named on the command line as they are; directories walked
 * recursively, keeping the files whose magic number says capture (pcap, pcapng, snoop, or gzip
 * holding one of them); quoted globs expanded (tinyglobby). Never by file name.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { globSync } from 'tinyglobby';
import { sniffFormat } from './open-capture.js';

const HEAD = 4096;

function head(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD);
    const n = readSync(fd, buf, 0, HEAD, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Whether a file found in a directory is a capture, by its magic number (through gzip too). */
export function looksLikeCapture(path: string): boolean {
  try {
    const h = head(path);
    const format = sniffFormat(h);
    if (format !== 'gzip') return format !== null;
    const inner = gunzipSync(h, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    const f = sniffFormat(inner);
    return f !== null && f !== 'gzip';
  } catch {
    return false;
  }
}

/** Symbolic links are followed to files, never to folders (no loops). */
function isFileTarget(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if ((entry.isFile() || (entry.isSymbolicLink() && isFileTarget(p))) && looksLikeCapture(p)) out.push(p);
  }
}

/** Files to audit, in a stable order, without duplicates. Unknown paths are returned as missing. */
export function discover(args: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  for (const arg of args) {
    if (existsSync(arg)) {
      if (statSync(arg).isDirectory()) walk(arg, files);
      else files.push(arg);
    } else if (/[*?[\]{}]/.test(arg)) {
      const matched = globSync(arg, { onlyFiles: true, expandDirectories: false }).sort();
      if (matched.length === 0) missing.push(arg);
      files.push(...matched);
    } else missing.push(arg);
  }
  return { files: [...new Set(files)], missing };
}
