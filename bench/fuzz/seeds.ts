/**
 * The campaign's seeds: the samples and the corpus captures (../shared/corpus/DEV.txt and its
 * _derived/ truncations, when the corpus is there), plus snoop files made from pcap seeds, in a
 * fixed order so a seed value names the same mutants on every machine with the same corpus.
 * Regression inputs (test/fuzz/regressions/) are files, or recipes for inputs too big to keep.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatOf, Rng, snoopFrom, type Seed } from './mutate.js';

/** Seeds larger than this are skipped (mutants are made in memory, thousands of them). */
const MAX_SEED_BYTES = 2 << 20;

export function loadSeeds(root: string): Seed[] {
  const paths: string[] = [];
  const samples = join(root, 'samples');
  for (const f of readdirSync(samples).sort()) if (/\.(pcap|pcapng|cap)$/.test(f)) paths.push(join(samples, f));
  const corpus = join(root, '..', 'shared', 'corpus');
  const list = join(corpus, 'DEV.txt');
  if (existsSync(list)) {
    for (const line of readFileSync(list, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean).sort()) paths.push(join(corpus, line));
    const derived = join(corpus, '_derived');
    if (existsSync(derived)) for (const f of readdirSync(derived).sort()) if (/\.(pcap|pcapng|cap)$/.test(f)) paths.push(join(derived, f));
  }
  const seeds: Seed[] = [];
  for (const p of paths) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(p);
    } catch {
      continue;
    }
    const format = formatOf(bytes);
    if (format === null || bytes.length > MAX_SEED_BYTES) continue;
    seeds.push({ name: p.slice(p.indexOf(p.includes('/corpus/') ? 'corpus/' : 'samples/')), bytes, format });
  }
  const snoops = seeds.map(snoopFrom).filter((s): s is Seed => s !== null && s.bytes.length > 16);
  return [...seeds, ...snoops.filter((_, i) => i % 4 === 0)];
}

/**
 * A recipe: `{ "gzip": true, "head": "d4c3b2a109000900", "noise": 4194304, "noiseSeed": 1 }` is
 * the head followed by that much seeded noise, gzip'd — the 4 MiB crashing input of the gzip
 * bug, kept as 80 bytes.
 */
export interface Recipe {
  head: string;
  noise: number;
  noiseSeed: number;
  gzip: boolean;
}

export function bytesOfRecipe(r: Recipe): Buffer {
  const body = Buffer.concat([Buffer.from(r.head, 'hex'), new Rng(r.noiseSeed, 0).bytes(r.noise)]);
  return r.gzip ? gzipSync(body, { level: 1 }) : body;
}

/** "12345", "0x3039" or a commit hash (its first 8 hex digits). */
export function parseSeed(text: string): number {
  if (/^\d+$/.test(text)) return Number(text) >>> 0;
  const hex = text.replace(/^0x/, '');
  if (/^[0-9a-f]+$/i.test(hex)) return parseInt(hex.slice(0, 8), 16) >>> 0;
  throw new Error(`--seed must be a number or hex, not ${text}`);
}
