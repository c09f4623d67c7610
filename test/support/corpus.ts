/**
 * Access to ../shared/corpus: real captures written by others, each beside its oracles
 * (capinfos, tshark, tcpdump, tcptrace, upstream expected output). See its MANIFEST-DEV.md.
 * Suites that need it skip with a message where it is absent (TCPLENS_CORPUS overrides the path).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const CORPUS_DIR = resolve(process.env['TCPLENS_CORPUS'] ?? join(here, '..', '..', '..', 'shared', 'corpus'));
export const HAVE_CORPUS = existsSync(join(CORPUS_DIR, 'manifest-dev.json'));
export const SKIP_MESSAGE = `corpus not found at ${CORPUS_DIR} (set TCPLENS_CORPUS); corpus suites skipped`;

export interface ManifestEntry {
  file: string;
  tags: string;
  behavior: string;
  fmt: string;
  packets: string;
  capinfos_rc: number;
  tshark_err: string;
  frames_tsv_rows: number;
  tcp_streams: number;
  upstream_oracles: { kind: string; file: string }[];
  facts: string[];
}

export function manifest(): ManifestEntry[] {
  if (!HAVE_CORPUS) return [];
  const dev = JSON.parse(readFileSync(join(CORPUS_DIR, 'manifest-dev.json'), 'utf8')) as ManifestEntry[];
  const derivedPath = join(CORPUS_DIR, 'manifest-derived.json');
  const derived = existsSync(derivedPath) ? (JSON.parse(readFileSync(derivedPath, 'utf8')) as ManifestEntry[]) : [];
  return [...dev, ...derived];
}

export function corpusPath(file: string): string {
  return join(CORPUS_DIR, file);
}

export function oracleText(file: string, suffix: string): string | null {
  const p = join(CORPUS_DIR, `${file}.${suffix}`);
  return existsSync(p) ? readFileSync(p, 'utf8') : null;
}

/** Rows of a tshark `-T fields -E header=y` TSV as objects keyed by field name. */
export function readTsv(file: string, suffix: string): Record<string, string>[] {
  const text = oracleText(file, suffix);
  if (text === null) return [];
  // The oracle scripts append the tool's stderr after a "# stderr" line.
  const stderrAt = text.indexOf('\n# stderr');
  const body = stderrAt >= 0 ? text.slice(0, stderrAt) : text;
  const lines = body.split('\n').filter((l) => l.length > 0 && !l.startsWith('#'));
  const header = (lines.shift() ?? '').split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    const row: Record<string, string> = {};
    header.forEach((h, i) => {
      row[h] = cells[i] ?? '';
    });
    return row;
  });
}
