/**
 * Several pcap-parser instances over byte ranges (capture/parallel-pcap.ts) against the single
 * stream: the same frames (numbers, timestamps, lengths, offsets, bytes), the same warnings and
 * the same error with its offset, on every classic pcap of the corpus and on seeded mutants of
 * them, with ranges small enough that boundaries fall everywhere.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { ReadOptions } from '../../src/capture/parallel-pcap.js';
import { chainHolds, findRecordStart } from '../../src/capture/range-sync.js';
import { analysisDocument, analyzeCapture, decodeCapture } from '../../src/pipeline.js';
import { packetJson } from '../../src/report/packet-lines.js';
import { pcapFile, segment } from '../support/capture-files.js';
import { CORPUS_DIR, HAVE_CORPUS, SKIP_MESSAGE } from '../support/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'tcplens-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything the sink and the result show, digested. */
async function reading(file: string, read: ReadOptions): Promise<string> {
  const h = createHash('sha256');
  let n = 0;
  // Through the decoder too: what `packets` prints of each frame (decode issues name offsets in the frame).
  const r = await decodeCapture(
    file,
    {
      onPacket(f, p) {
        n++;
        h.update(`${f.frame} ${f.tsSec} ${f.tsNsec} ${f.caplen} ${f.origLen} ${f.fileOffset} ${f.linkType}|`);
        h.update(f.bytes.subarray(f.start, f.start + f.caplen));
        h.update(packetJson(f, p));
      },
      read,
    },
    file,
  );
  return JSON.stringify({
    frames: n,
    digest: h.digest('hex'),
    error: r.error && { code: r.error.code, offset: r.error.fileOffset, message: r.error.message },
    warnings: r.warnings,
    warningCount: r.warningCount,
    packets: r.packets,
    lastFrame: r.lastFrame,
    bytesRead: r.bytesRead,
    info: r.info,
  });
}

const parallel = (rangeBytes: number): ReadOptions => ({ readThreads: 2, rangeBytes, parallelMinBytes: 0 });
/** Ranges of `size` bytes, but no more than about 60 of them (each is a message to a worker). */
const ranges = (file: string, size: number): ReadOptions => parallel(Math.max(size, Math.ceil(statSync(file).size / 60)));
const single: ReadOptions = { readThreads: 1 };

function classicPcaps(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const head = readFileSync(p).subarray(0, 4);
        if (head.length === 4 && [head.readUInt32LE(0), head.readUInt32BE(0)].some((m) => m === 0xa1b2c3d4 || m === 0xa1b23c4d)) out.push(p);
      }
    }
  };
  walk(root);
  return out.sort();
}

/** xorshift32, seeded: the mutants are the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

describe('record boundaries from the middle (range-sync.ts)', () => {
  const file = pcapFile(40);
  const params = { littleEndian: true, nanosecond: false, snaplen: 65535, firstSec: file.readUInt32LE(24) };
  const starts: number[] = [];
  for (let at = 24; at < file.length; at += 16 + file.readUInt32LE(at + 8)) starts.push(at);

  test('from any offset, the first consistent chain is the next true record start', () => {
    for (let from = 24; from < (starts[30] as number); from++) {
      const expected = starts.find((s) => s >= from) as number;
      expect(findRecordStart(file, from, file.length, params, file.length), `from ${from}`).toBe(expected);
    }
  });

  test('a chain running into the end of the file is accepted; one running past it is not', () => {
    expect(chainHolds(file, starts[38] as number, params, file.length)).toBe(true);
    expect(chainHolds(file.subarray(0, file.length - 1), starts[38] as number, params, file.length - 1)).toBe(false);
  });

  test('a captured length above the snap length or the original length breaks a chain', () => {
    const bad = Buffer.from(file);
    bad.writeUInt32LE(65536, (starts[3] as number) + 8);
    expect(chainHolds(bad, starts[0] as number, params, bad.length)).toBe(false);
    const bad2 = Buffer.from(file);
    bad2.writeUInt32LE(segment(2).length - 1, (starts[2] as number) + 12);
    expect(chainHolds(bad2, starts[0] as number, params, bad2.length)).toBe(false);
    expect(chainHolds(file, starts[0] as number, params, file.length)).toBe(true);
  });
});

describe('ranges in parallel equal the single stream', () => {
  const cases: [string, Buffer][] = [
    ['little-endian microseconds', pcapFile(300)],
    ['big-endian nanoseconds', pcapFile(300, { bigEndian: true, nanosecond: true })],
  ];
  test.each(cases)('%s, at range sizes from 16 bytes up', async (name, buf) => {
    const file = join(dir, `${name.replace(/ /g, '-')}.pcap`);
    writeFileSync(file, buf);
    const expected = await reading(file, single);
    expect(JSON.parse(expected).frames).toBe(300);
    for (const size of [16, 61, 1000, 1 << 20]) expect(await reading(file, parallel(size)), `ranges of ${size}`).toBe(expected);
  });

  test('a file of empty records (issue 12), whose misaligned chains look consistent for a while', async () => {
    const n = 2000;
    const buf = Buffer.alloc(24 + 16 * n);
    pcapFile(0).copy(buf, 0, 0, 24);
    for (let i = 0; i < n; i++) {
      buf.writeUInt32LE(1_700_000_000 + Math.floor(i / 1000), 24 + 16 * i);
      buf.writeUInt32LE((i % 1000) * 1000, 24 + 16 * i + 4);
    }
    const file = join(dir, 'empty-records.pcap');
    writeFileSync(file, buf);
    const expected = await reading(file, single);
    expect(JSON.parse(expected).frames).toBe(n);
    for (const size of [20, 4096]) expect(await reading(file, parallel(size)), `ranges of ${size}`).toBe(expected);
  });

  test('damage: an absurd length, a length above the snap length, a bad sub-second field, a cut last record', async () => {
    const base = pcapFile(200);
    const starts: number[] = [];
    for (let at = 24; at < base.length; at += 16 + base.readUInt32LE(at + 8)) starts.push(at);
    const mutants: [string, Buffer][] = [];
    const absurd = Buffer.from(base);
    absurd.writeUInt32LE(0x7fffffff, (starts[120] as number) + 8);
    mutants.push(['absurd', absurd]);
    const snap = Buffer.from(base);
    snap.writeUInt32LE(1, 16); // snap length 1: every record above it (read anyway, with a warning)
    mutants.push(['snaplen', snap]);
    const frac = Buffer.from(base);
    frac.writeUInt32LE(2_500_000, (starts[150] as number) + 4);
    mutants.push(['frac', frac]);
    mutants.push(['cut', base.subarray(0, base.length - 7)]);
    mutants.push(['cut-header', base.subarray(0, (starts[199] as number) + 5)]);
    for (const [name, buf] of mutants) {
      const file = join(dir, `damage-${name}.pcap`);
      writeFileSync(file, buf);
      const expected = await reading(file, single);
      expect(JSON.parse(expected).error !== null || JSON.parse(expected).warnings.length > 0, name).toBe(true);
      for (const size of [16, 5000]) expect(await reading(file, ranges(file, size)), `${name}, ranges of ${size}`).toBe(expected);
    }
  });

  test('seeded mutants: a range boundary never yields a frame, a warning or an error the single stream would not', async () => {
    const base = pcapFile(120);
    const next = rng(12);
    for (let m = 0; m < 30; m++) {
      const buf = Buffer.from(base);
      const edits = 1 + Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) {
        const at = 24 + Math.floor(next() * (buf.length - 28));
        const kind = Math.floor(next() * 3);
        if (kind === 0) buf[at] = Math.floor(next() * 256);
        else if (kind === 1) buf.writeUInt32LE(Math.floor(next() * 2000), at);
        else buf.writeUInt32LE(0, at);
      }
      const cut = next() < 0.3 ? buf.subarray(0, Math.floor(next() * buf.length)) : buf;
      const file = join(dir, `mutant-${m}.pcap`);
      writeFileSync(file, cut);
      const expected = await reading(file, single);
      const size = [16, 97, 1500][m % 3] as number;
      expect(await reading(file, ranges(file, size)), `mutant ${m}, ranges of ${size}`).toBe(expected);
    }
  });
});

describe.skipIf(!HAVE_CORPUS)('every classic pcap of the corpus', () => {
  const files = HAVE_CORPUS ? classicPcaps(CORPUS_DIR) : [];
  test('there are classic pcaps to read', () => {
    expect(files.length).toBeGreaterThan(50);
  });
  test.each(files.map((f) => [f.slice(CORPUS_DIR.length + 1), f]))('%s: the same frames, warnings and error', async (_name, file) => {
    const expected = await reading(file, single);
    expect(await reading(file, ranges(file, 37))).toBe(expected);
  });
  test.each(files.filter((_f, i) => i % 8 === 0).map((f) => [f.slice(CORPUS_DIR.length + 1), f]))('%s: the same JSON document', async (_name, file) => {
    const doc = async (read: ReadOptions): Promise<string> => JSON.stringify(analysisDocument(await analyzeCapture(file, file, {}, { read })));
    expect(await doc(ranges(file, 500))).toBe(await doc(single));
  });
});
if (!HAVE_CORPUS) console.warn(SKIP_MESSAGE);
