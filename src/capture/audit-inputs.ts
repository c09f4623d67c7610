/**
 * What an audit makes of its PATH arguments, with nothing dropped in silence: every file it will
 * read, every path it cannot (a file's error: exit 3), and every file it passes over because it
 * is no capture (counted, listed with --verbose).
 *
 * The viewer keeps `discover` (find-captures.ts), which lists by magic number only; an audit
 * must also answer for a file that is *named* like a capture but does not start like one.
 */
import { lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { globSync } from 'tinyglobby';
import { looksLikeCapture } from './find-captures.js';

/** Names that promise a capture (gzip'd or not): such a file that cannot be read is an error, never skipped. */
export const CAPTURE_NAME = /\.(pcap|pcapng|cap|ntar|snoop|dmp|erf|trc)(\.gz)?$|\.(pcap|pcapng|cap)\d*$/i;

export interface AuditInputs {
  /** Files to analyse, in a stable order, without duplicates. */
  files: string[];
  /** Paths that cannot be audited, with why (missing, dangling link, FIFO, unreadable …). */
  problems: { file: string; error: string }[];
  /** Files inside folders that are no captures, with why. */
  skipped: { file: string; reason: string }[];
  /** Arguments that named nothing at all (no file, no folder, no glob match). */
  missing: string[];
}

function kind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * One path named on the command line (or matched by a glob). Its type is checked before it is
 * opened, so a FIFO without a writer is reported instead of blocking the audit forever.
 */
function named(path: string, out: AuditInputs): void {
  let link: Stats;
  try {
    link = lstatSync(path);
  } catch (err) {
    out.problems.push({ file: path, error: `no such file or folder (${(err as NodeJS.ErrnoException).code ?? 'ENOENT'})` });
    return;
  }
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    out.problems.push({ file: path, error: link.isSymbolicLink() ? `dangling symbolic link (${code})` : `cannot be read (${code})` });
    return;
  }
  if (st.isDirectory()) walk(path, out);
  else if (st.isFile()) out.files.push(path);
  else out.problems.push({ file: path, error: `${kind(st)}, not a capture file: audit reads regular files only` });
}

function walk(dir: string, out: AuditInputs): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (err) {
    out.problems.push({ file: dir, error: `folder cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    return;
  }
  for (const entry of entries) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      walk(p, out);
      continue;
    }
    const promised = CAPTURE_NAME.test(entry.name);
    let st: Stats | null = null;
    try {
      st = statSync(p); // follows links; links to folders are never followed (no loops)
    } catch (err) {
      const why = entry.isSymbolicLink() ? 'dangling symbolic link' : 'cannot be read';
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      if (promised) out.problems.push({ file: p, error: `${why} (${code})` });
      else out.skipped.push({ file: p, reason: `${why} (${code})` });
      continue;
    }
    if (!st.isFile()) {
      if (promised) out.problems.push({ file: p, error: `${st.isDirectory() ? 'a link to a folder (not followed)' : kind(st)}, not a capture file` });
      else out.skipped.push({ file: p, reason: st.isDirectory() ? 'link to a folder (not followed)' : kind(st) });
      continue;
    }
    // Named like a capture: the worker reads it and says what is wrong (empty, bad magic …).
    if (promised || looksLikeCapture(p)) out.files.push(p);
    else out.skipped.push({ file: p, reason: st.size === 0 ? 'empty' : 'not a capture (magic number)' });
  }
}

export function auditInputs(args: readonly string[]): AuditInputs {
  const out: AuditInputs = { files: [], problems: [], skipped: [], missing: [] };
  for (const arg of args) {
    let exists = true;
    try {
      lstatSync(arg);
    } catch {
      exists = false;
    }
    if (exists) named(arg, out);
    else if (/[*?[\]{}]/.test(arg)) {
      const matched = globSync(arg, { onlyFiles: true, expandDirectories: false }).sort();
      if (matched.length === 0) out.missing.push(arg);
      for (const m of matched) named(m, out);
    } else out.missing.push(arg);
  }
  const seen = new Set<string>();
  out.files = out.files.filter((f) => !seen.has(f) && (seen.add(f), true));
  return out;
}
