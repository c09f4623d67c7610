/**
 * Classic pcap read by several pcap-parser instances at once, one per byte range, on worker
 * threads (range-worker.ts), the frames handed to the sink in frame order through the one
 * PcapReader that read the file header, so frame numbers, offsets, warnings and errors are the
 * single reader's.
 *
 * One pcap-parser stream is bound to one core: on a mix of ordinary records it alone takes about
 * a fifth of `analyze`, and on a file of empty records it is most of the time (issue 12). Here the
 * main thread only fills the reused Frame from each range's record fields.
 *
 * Ranges are RANGE_BYTES long and read in order, at most WINDOW per worker ahead of the one being
 * delivered (memory: about 2 × workers × WINDOW × RANGE_BYTES). Range 0 starts at the first
 * record; range i+1 is used only when the record start it found (range-sync.ts) is exactly where
 * range i's walk of the record headers ended. Otherwise it is read again from that exact offset.
 * A range that meets anything the single reader would warn or fail about, or a worker that fails,
 * hands the rest of the file back to the single reader on this thread, from that range's start.
 */
import { createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, Worker } from 'node:worker_threads';
import type { FrameSink } from './frame.js';
import { READ_CHUNK_SIZE } from './limits.js';
import type { PcapReader } from './pcap-reader.js';
import { F, FIELDS, type RangeJob, type RangeResult } from './range-worker.js';
import { FILE_HEADER_LEN, RECORD_HEADER_LEN } from './range-sync.js';

export interface ReadOptions {
  /**
   * pcap-parser instances reading ranges of a classic pcap file at once, on worker threads;
   * 1 reads on the calling thread. Default: the cores (1 on a worker thread, e.g. in `audit`).
   */
  readThreads?: number;
  /** Bytes per range (tests make them small to put boundaries everywhere). */
  rangeBytes?: number;
  /** Files smaller than this are read on the calling thread (workers take ~30 ms to start). */
  parallelMinBytes?: number;
}

export const RANGE_BYTES = 1 << 20;
export const PARALLEL_MIN_BYTES = 16 << 20;
const WINDOW = 2;
/** Records handed on between two looks at the sink's backpressure. */
const BATCH = 8192;

export function readThreadsFor(opts: ReadOptions | undefined): number {
  const n = opts?.readThreads ?? (isMainThread ? availableParallelism() : 1);
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1;
}

/** The compiled worker beside this file (tests run the TypeScript sources, `npm test` builds first). */
function workerUrl(): URL {
  const here = new URL('./range-worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.ts')) return here;
  return new URL(here.href.replace('/src/capture/', '/dist/src/capture/'));
}

/**
 * Reads records from FILE_HEADER_LEN to the end of `path` into `reader` (whose file header is
 * read) and its sink; `head` is the file's first bytes (at least the file header). Returns true when the sink stopped the reading (done()); throws what the
 * single reader throws for damage.
 */
export async function readPcapParallel(path: string, size: number, reader: PcapReader, sink: FrameSink, threads: number, opts: ReadOptions | undefined, head: Uint8Array): Promise<boolean> {
  const layout = reader.layout;
  if (layout === null) throw new Error('readPcapParallel: the file header was not read');
  const rangeBytes = Math.max(RECORD_HEADER_LEN, opts?.rangeBytes ?? RANGE_BYTES);
  const bounds: number[] = [];
  for (let b = FILE_HEADER_LEN; b < size; b += rangeBytes) bounds.push(b);
  bounds.push(size);
  const ranges = bounds.length - 1;
  const headerCopy = new Uint8Array(head.subarray(0, FILE_HEADER_LEN));
  // The first record's seconds anchor the plausibility window (range-sync.ts), when the head holds it.
  const hb = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const firstSec = head.length >= FILE_HEADER_LEN + RECORD_HEADER_LEN ? (layout.littleEndian ? hb.readUInt32LE(FILE_HEADER_LEN) : hb.readUInt32BE(FILE_HEADER_LEN)) : -1;
  const sync = { ...layout, firstSec };

  const workers: Worker[] = [];
  const waiting = new Map<number, { resolve: (r: RangeResult) => void; reject: (e: Error) => void }>();
  let failed: Error | null = null;
  const url = workerUrl();
  for (let i = 0; i < threads; i++) {
    // A range reader keeps nothing between ranges: small heaps keep its share of RSS small (a
    // worker that runs out fails, and the single reader takes over from that range).
    const w = new Worker(fileURLToPath(url), { resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 48 } });
    w.on('message', (r: RangeResult) => {
      const p = waiting.get(r.index);
      waiting.delete(r.index);
      p?.resolve(r);
    });
    w.on('error', (err) => {
      failed = err;
      for (const p of waiting.values()) p.reject(err);
      waiting.clear();
    });
    workers.push(w);
  }
  /**
   * Range buffers handed back for reuse once their frames were delivered: the sink may not keep
   * frame.bytes past its call (capture/frame.ts), so at most a window's worth exists at once.
   */
  const spare: ArrayBuffer[] = [];
  /** Job keys: range i is i, its exact re-read is ranges + i (at most one per range). */
  const submit = (key: number, from: number, exact: boolean, bound: number): Promise<RangeResult> => {
    const job = new Promise<RangeResult>((resolve, reject) => {
      if (failed !== null) {
        reject(failed);
        return;
      }
      waiting.set(key, { resolve, reject });
      const reuse = spare.pop() ?? null;
      const message: RangeJob = { index: key, path, size, from, exact, bound, header: headerCopy, sync, reuse };
      (workers[key % threads] as Worker).postMessage(message, reuse === null ? [] : [reuse]);
    });
    // Ranges requested ahead and never awaited (the reading stopped or fell back) must not fail unheard.
    job.catch(() => {});
    return job;
  };

  const pending: (Promise<RangeResult> | undefined)[] = [];
  const ahead = threads * WINDOW;
  const request = (i: number): void => {
    if (i < ranges && pending[i] === undefined) pending[i] = submit(i, bounds[i] as number, i === 0, bounds[i + 1] as number);
  };
  // A rejected range is awaited in order, so none is left unhandled meanwhile.
  const settle = (p: Promise<RangeResult>): Promise<RangeResult | Error> => p.catch((e: Error) => e);

  let next = FILE_HEADER_LEN;
  let stopped = false;
  let fallbackFrom = -1;
  try {
    for (let i = 0; i < Math.min(ranges, ahead); i++) request(i);
    for (let i = 0; i < ranges; i++) {
      request(i + ahead);
      let r = await settle(pending[i] as Promise<RangeResult>);
      pending[i] = undefined;
      if (!(r instanceof Error) && r.failure === undefined && r.start !== next) {
        // The guessed start is not where the previous range ended: read it again from there.
        r = await settle(submit(ranges + i, next, true, bounds[i + 1] as number));
      }
      if (r instanceof Error || r.failure !== undefined || r.start !== next) {
        fallbackFrom = next;
        break;
      }
      if (await deliver(reader, r, sink)) {
        stopped = true;
        break;
      }
      if (r.data.byteLength > 0) spare.push(r.data);
      next = r.end;
      if (r.unusual) {
        // Let the single reader speak from the first record it would warn or fail about.
        fallbackFrom = next;
        break;
      }
      reader.resumeAt(next);
      sink.onProgress?.(next, size);
      if (sink.afterChunk) await sink.afterChunk();
      if (sink.done?.() === true) {
        stopped = true;
        break;
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (stopped) return true;
  if (fallbackFrom < 0) {
    reader.resumeAt(size);
    return false;
  }
  reader.resumeAt(fallbackFrom);
  if (fallbackFrom >= size) return false;
  const stream = createReadStream(path, { start: fallbackFrom, highWaterMark: READ_CHUNK_SIZE });
  stream.on('error', () => {});
  try {
    for await (const chunk of stream) {
      reader.push(chunk as Buffer);
      sink.onProgress?.(fallbackFrom + stream.bytesRead, size);
      if (sink.afterChunk) await sink.afterChunk();
      if (sink.done?.() === true) return true;
    }
  } finally {
    stream.destroy();
  }
  return false;
}

/**
 * Hands a range's records to the reader, pausing for the sink's backpressure every BATCH records
 * (a range of empty records holds 131,072 of them, and `packets` writes a line for each).
 * Returns true when the sink asked to stop.
 */
async function deliver(reader: PcapReader, r: RangeResult, sink: FrameSink): Promise<boolean> {
  const data = Buffer.from(r.data);
  const f = new Uint32Array(r.fields);
  const base = r.dataOffset;
  const end = r.count * FIELDS;
  for (let from = 0; from < end; from += BATCH * FIELDS) {
    if (from > 0) {
      if (sink.afterChunk) await sink.afterChunk();
      if (sink.done?.() === true) {
        reader.resumeAt(base + (f[from + F.OFFSET] as number) - RECORD_HEADER_LEN);
        return true;
      }
    }
    const to = Math.min(end, from + BATCH * FIELDS);
    for (let k = from; k < to; k += FIELDS) {
      const off = f[k + F.OFFSET] as number;
      reader.deliverRecord(data, off, base + off - RECORD_HEADER_LEN, f[k + F.SEC] as number, f[k + F.FRAC] as number, f[k + F.CAPLEN] as number, f[k + F.ORIGLEN] as number);
    }
  }
  return false;
}
