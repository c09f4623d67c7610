/**
 * Analyses on demand, cached by real path, size and modification time: a second visit is
 * instant, and a changed file is analysed again. A capture's connections live in a
 * ConnectionStore (columns in memory, records in a spool file), so a million of them fit.
 *
 * Each analysis runs on a worker thread (analysis-worker.ts, a piscina pool), so the viewer's
 * event loop answers other pages while a 1 GB capture is read:
 * - at most `concurrency` analyses at once (2 by default); the others wait in the pool's queue,
 *   and their pages say "queued";
 * - one analysis per capture: a second request joins the first, and a changed file stops the
 *   analysis of its older version;
 * - progress (bytes read) comes from the worker every 100 ms;
 * - whatever goes wrong in the worker (an exception, a crash, memory) rejects that task only:
 *   the capture's pages show the failure, the viewer goes on;
 * - an analysis whose capture leaves the cache (least recently used out first) is stopped, and
 *   close() stops every one, terminates the threads and removes every spool.
 */
import type { TrackerWarning } from '../tcp/tracker.js';
import { rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { MessageChannel, type Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Finding } from '../analysis/anomaly.js';
import type { AnalyzeOptions } from '../pipeline.js';
import type { LadderTask, SliceResult, SliceTask, ViewerMessage, ViewerResult, ViewerTask } from './analysis-worker.js';
import type { CaptureRecord, ConnectionRecord, SegmentRecord } from '../report/model.js';
import { ConnectionStore, removeOrphanSpools } from './connection-store.js';
import { ResponseCache } from './response-cache.js';
import { makeSpoolDir } from './spool-cleanup.js';

/** Ladders kept for a second visit: at most this many segments in all (a ladder may hold 100,000). */
const TIMELINE_SEGMENTS_KEPT = 200_000;

/** A store that leaves the cache stays readable this long, for requests still using it. */
const RETIRE_AFTER_MS = 60_000;

/** An idle analysis thread is kept this long for the next capture (starting one loads the engine). */
const IDLE_THREAD_MS = 30_000;

export interface Analysis {
  key: string;
  file: string;
  /** queued: waiting for a thread of the pool; running: on one; done: finished, failed or stopped. */
  state: 'queued' | 'running' | 'done';
  bytesRead: number;
  totalBytes: number;
  /** When it was asked for, then when its thread started it (ms since the epoch). */
  started: number;
  capture: CaptureRecord | null;
  /** Capture-wide findings (syn-flood, port-scan). */
  captureWide: Finding[];
  /** About the analysis, not the file (CONNECTION_LIMIT). */
  warnings: TrackerWarning[];
  /** The connections, once done (null when the analysis failed or was stopped). */
  store: ConnectionStore | null;
  /** Exit-like status: the capture could not be read to its end. */
  error: string | null;
  /** The analysis itself failed (a fault of tcplens, not of the file): the capture's pages say so. */
  failure: string | null;
  /** Stopped before its end (its capture left the cache, or the viewer closed): a later visit starts again. */
  cancelled: boolean;
  promise: Promise<Analysis>;
}

export interface Timeline {
  segments: SegmentRecord[];
  /** More segments than a timeline shows (connection-segments.ts MAX_TIMELINE_SEGMENTS). */
  truncated: boolean;
}

export interface AnalysisCacheSettings {
  /** Captures kept (default 4). */
  maxEntries?: number;
  /** Analyses run at once (default 2, or 1 on a single core); the others wait their turn. */
  concurrency?: number;
  /** The worker module (tests give one that fails); default analysis-worker.js beside this file. */
  workerFile?: string;
  /**
   * Heap of each analysis thread (old generation, MB; default: the viewer's own limit, so
   * NODE_OPTIONS=--max-old-space-size bounds the threads too): past it that analysis fails, alone.
   */
  maxHeapMb?: number;
}

/** The built worker: beside this file, or under dist/ when this file runs as TypeScript source (vitest). */
function defaultWorkerFile(): string {
  const here = import.meta.url;
  return new URL(here.endsWith('.ts') ? '../../dist/src/web/analysis-worker.js' : './analysis-worker.js', here).href;
}

interface Running {
  analysis: Analysis;
  spoolDir: string;
  abort: AbortController;
}

export class AnalysisCache {
  /** Finished pages and JSON answers, by analysis (routes/capture.ts); an analysis's go when it leaves. */
  readonly answers = new ResponseCache();
  private readonly entries = new Map<string, Analysis>();
  private readonly running = new Map<Analysis, Running>();
  private readonly timelines = new Map<string, Timeline>();
  private timelineSegments = 0;
  /** Analyses evicted from the cache, whose stores close a while later (see RETIRE_AFTER_MS). */
  private readonly retiring = new Set<Analysis>();
  private readonly removeOnExit = (): void => void this.close();
  private pool: Piscina | null = null;
  /** One thread that reads ladders (connection-segments.ts), apart from the analyses. */
  private ladders: Piscina | null = null;
  /** One thread that writes connections out for the packets download. */
  private slices: Piscina | null = null;
  private readonly readingTimelines = new Map<string, Promise<Timeline>>();
  private closed = false;
  private readonly maxEntries: number;
  private readonly concurrency: number;
  private readonly workerFile: string;
  private readonly maxHeapMb: number;

  constructor(
    private readonly options: Partial<AnalyzeOptions> = {},
    settings: AnalysisCacheSettings = {},
  ) {
    this.maxEntries = settings.maxEntries ?? 4;
    this.concurrency = Math.max(1, settings.concurrency ?? Math.min(2, availableParallelism()));
    this.workerFile = settings.workerFile ?? defaultWorkerFile();
    this.maxHeapMb = settings.maxHeapMb ?? Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
    removeOrphanSpools();
    process.once('exit', this.removeOnExit);
  }

  /** The analysis, ladder and slice threads, busy or idle (none before the first use and after close). */
  workers(): Worker[] {
    return [...(this.pool?.threads ?? []), ...(this.ladders?.threads ?? []), ...(this.slices?.threads ?? [])];
  }

  private keyOf(file: string): { key: string; size: number } {
    const st = statSync(file);
    return { key: `${file}|${st.size}|${st.mtimeMs}`, size: st.size };
  }

  /** The analysis of a capture: cached, running, queued, or asked for now. */
  get(file: string): Analysis {
    const { key, size } = this.keyOf(file);
    const hit = this.entries.get(key);
    if (hit !== undefined && !hit.cancelled) {
      this.entries.delete(key);
      this.entries.set(key, hit); // most recently used last
      return hit;
    }
    // One analysis per capture: an older version of this file (changed since) goes now.
    for (const [k, old] of this.entries) {
      if (old.file !== file) continue;
      this.entries.delete(k);
      this.retire(old);
    }
    const a = this.start(file, key, size);
    this.entries.set(key, a);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      const gone = this.entries.get(oldest) as Analysis;
      this.entries.delete(oldest);
      this.retire(gone);
    }
    return a;
  }

  private threadPool(): Piscina {
    if (this.pool === null) {
      // A capture that makes the engine run out of memory ends its thread (ERR_WORKER_OUT_OF_MEMORY), not the viewer.
      this.pool = new Piscina({ filename: this.workerFile, minThreads: 0, maxThreads: this.concurrency, idleTimeout: IDLE_THREAD_MS, resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb } });
      // Errors outside a task (a thread failing while idle) are logged; tasks report their own.
      this.pool.on('error', (err: unknown) => process.stderr.write(`tcplens serve: an analysis thread failed: ${describe(err)}\n`));
    }
    return this.pool;
  }

  private start(file: string, key: string, size: number): Analysis {
    const a: Analysis = { key, file, state: 'queued', bytesRead: 0, totalBytes: size, started: Date.now(), capture: null, captureWide: [], warnings: [], store: null, error: null, failure: null, cancelled: false, promise: null as unknown as Promise<Analysis> };
    if (this.closed) {
      a.state = 'done';
      a.cancelled = true;
      a.failure = 'the viewer is stopping';
      a.promise = Promise.resolve(a);
      return a;
    }
    const spoolDir = makeSpoolDir();
    const abort = new AbortController();
    this.running.set(a, { analysis: a, spoolDir, abort });
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (m: ViewerMessage) => {
      if (m.type === 'started') {
        a.state = 'running';
        a.started = Date.now();
      } else a.bytesRead = m.bytesRead;
    });
    const task: ViewerTask = { file, options: this.options, spoolDir, port: port2 };
    const run = this.threadPool().run(task, { transferList: [port2], signal: abort.signal }) as Promise<ViewerResult>;
    a.promise = run.then(
      (r) => {
        const store = new ConnectionStore(r.store);
        if (this.closed || abort.signal.aborted) {
          // Finished as it was being stopped: nobody will read it.
          store.close();
          a.cancelled = true;
          a.failure = 'the analysis was stopped';
        } else {
          a.store = store;
          a.capture = r.capture;
          a.captureWide = r.captureWide;
          a.warnings = r.warnings;
          a.error = r.error;
          a.bytesRead = a.totalBytes;
        }
        return a;
      },
      (err: unknown) => {
        rmSync(spoolDir, { recursive: true, force: true });
        if (abort.signal.aborted || this.closed) {
          a.cancelled = true;
          a.failure = 'the analysis was stopped';
        } else {
          // Never the viewer's end: this capture's pages show the failure, the rest carry on.
          process.stderr.write(`tcplens serve: the analysis of ${file} failed: ${describe(err)}\n`);
          a.failure = err instanceof Error ? err.message : String(err);
        }
        return a;
      },
    ).then((done) => {
      done.state = 'done';
      port1.close();
      this.running.delete(done);
      return done;
    });
    return a;
  }

  /** Out of the cache: stopped if still running; its store closes a while later (requests may still read it). */
  private retire(a: Analysis): void {
    this.running.get(a)?.abort.abort();
    this.answers.drop(a);
    this.retiring.add(a);
    const later = (): void => {
      setTimeout(() => {
        a.store?.close();
        this.retiring.delete(a);
      }, RETIRE_AFTER_MS).unref();
    };
    void a.promise.then(later, later);
  }

  /**
   * One connection's segments, read again from the file on demand (bounded memory), on the
   * ladder thread (a large capture is read up to the connection's last frame); requests for the
   * same ladder while it is read share one reading.
   */
  async timelineOf(file: string, record: ConnectionRecord): Promise<Timeline> {
    const k = `${this.keyOf(file).key}#${record.id}`;
    const hit = this.timelines.get(k);
    if (hit !== undefined) return hit;
    let reading = this.readingTimelines.get(k);
    if (reading === undefined) {
      const task: LadderTask = { file, record };
      reading = (this.ladderPool().run(task) as Promise<Timeline>).finally(() => this.readingTimelines.delete(k));
      this.readingTimelines.set(k, reading);
    }
    const found = await reading;
    if (this.timelines.has(k) || this.closed) return found;
    this.timelines.set(k, found);
    this.timelineSegments += found.segments.length;
    // Oldest out first, until the kept ladders fit (the newest one always stays).
    for (const [key, t] of this.timelines) {
      if (this.timelineSegments <= TIMELINE_SEGMENTS_KEPT || key === k) break;
      this.timelines.delete(key);
      this.timelineSegments -= t.segments.length;
    }
    return found;
  }

  /**
   * One connection's frames as a capture in the file's format, as `tcplens slice --conn ID`
   * writes them: the engine with the viewer's options marks them, then they are copied byte for
   * byte, both passes on the slice thread (analysis-worker.ts `slice`); this thread only hands
   * each block to `write`, and lets the thread send more once `wait` (the response's
   * backpressure) is done. `signal` stops it (the download was given up).
   */
  async packetsOf(file: string, id: number, write: (bytes: Buffer) => void, wait: () => Promise<void> | void, signal?: AbortSignal): Promise<SliceResult> {
    const { port1, port2 } = new MessageChannel();
    // The last block is followed by null on the same port: the task's result travels on
    // another one, and may arrive before the blocks.
    let ended: () => void = () => undefined;
    const allSent = new Promise<void>((r) => (ended = r));
    port1.on('message', (block: Uint8Array | null) => {
      if (block === null) return ended();
      write(Buffer.from(block.buffer, block.byteOffset, block.byteLength));
      const taken = wait();
      if (taken === undefined) port1.postMessage(1);
      else void taken.then(() => port1.postMessage(1));
    });
    const task: SliceTask = { file, id, options: this.options, port: port2 };
    try {
      const result = (await this.slicePool().run(task, { transferList: [port2], ...(signal ? { signal } : {}) })) as SliceResult;
      await allSent;
      return result;
    } finally {
      port1.close();
    }
  }

  private slicePool(): Piscina {
    // Its own thread: a long download does not hold up ladders; a second one waits its turn.
    return (this.slices ??= this.oneThreadPool('slice'));
  }

  private ladderPool(): Piscina {
    return (this.ladders ??= this.oneThreadPool('ladder'));
  }

  /** A pool of one thread, made when first needed and gone when idle; its failures are said on stderr. */
  private oneThreadPool(name: 'slice' | 'ladder'): Piscina {
    if (this.closed) throw new Error('the viewer is stopping');
    const pool = new Piscina({ filename: defaultWorkerFile(), name, minThreads: 0, maxThreads: 1, idleTimeout: IDLE_THREAD_MS });
    pool.on('error', (err: unknown) => process.stderr.write(`tcplens serve: a ${name} thread failed: ${describe(err)}\n`));
    return pool;
  }

  /**
   * Stops every analysis, terminates the analysis threads and removes every spool (server
   * shutdown; at process exit only the synchronous part runs, which removes the spools).
   */
  close(): Promise<void> {
    this.closed = true;
    // The pool first: it rejects the queued tasks and terminates every thread, the busy ones
    // too, and waits for them (aborting a running task first would let the pool start a queued
    // one on a fresh thread, and terminate the old one without waiting).
    const pools = [this.pool, this.ladders, this.slices].filter((p): p is Piscina => p !== null);
    this.pool = this.ladders = this.slices = null;
    const stopped = Promise.all(pools.map((p) => p.destroy())).then(() => undefined);
    for (const r of this.running.values()) {
      r.abort.abort();
      rmSync(r.spoolDir, { recursive: true, force: true });
    }
    for (const a of this.entries.values()) a.store?.close();
    for (const a of this.retiring) a.store?.close();
    this.entries.clear();
    this.retiring.clear();
    this.answers.clear();
    process.removeListener('exit', this.removeOnExit);
    return stopped;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
