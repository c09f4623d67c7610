/**
 * Analyses on demand, cached by real path, size and modification time: a second visit is
 * instant, and a changed file is analysed again. While one runs, its progress is known. The
 * cache keeps a few captures (least recently used out first). A capture's connections live in a
 * ConnectionStore (columns in memory, records in a spool file), so a million of them fit.
 */
import { statSync } from 'node:fs';
import type { Finding } from '../analysis/anomaly.js';
import { analyzeCapture, copyFrames, selectFrames, type AnalyzeOptions, type CopyResult } from '../pipeline.js';
import { connectionSegments } from './connection-segments.js';
import type { CaptureRecord, ConnectionRecord, SegmentRecord } from '../report/model.js';
import { ConnectionStore, removeOrphanSpools } from './connection-store.js';

/** Ladders kept for a second visit: at most this many segments in all (a ladder may hold 100,000). */
const TIMELINE_SEGMENTS_KEPT = 200_000;

/** A store that leaves the cache stays readable this long, for requests still using it. */
const RETIRE_AFTER_MS = 60_000;

export interface Analysis {
  key: string;
  file: string;
  state: 'running' | 'done';
  bytesRead: number;
  totalBytes: number;
  started: number;
  capture: CaptureRecord | null;
  /** Capture-wide findings (syn-flood, port-scan). */
  captureWide: Finding[];
  store: ConnectionStore;
  /** Exit-like status: the capture could not be read to its end. */
  error: string | null;
  /** The analysis itself failed (a fault of tcplens, not of the file): the capture's pages say so. */
  failure: string | null;
  promise: Promise<Analysis>;
}

export interface Timeline {
  segments: SegmentRecord[];
  /** More segments than a timeline shows (connection-segments.ts MAX_TIMELINE_SEGMENTS). */
  truncated: boolean;
}

export class AnalysisCache {
  private readonly entries = new Map<string, Analysis>();
  private readonly timelines = new Map<string, Timeline>();
  private timelineSegments = 0;
  /** Stores evicted from the cache, closed a while later (see RETIRE_AFTER_MS). */
  private readonly retiring = new Set<ConnectionStore>();
  private readonly removeOnExit = (): void => this.close();

  constructor(
    private readonly options: Partial<AnalyzeOptions> = {},
    private readonly maxEntries = 4,
    /** The analysis to run (tests give one that fails). */
    private readonly analyze: typeof analyzeCapture = analyzeCapture,
  ) {
    removeOrphanSpools();
    process.once('exit', this.removeOnExit);
  }

  private keyOf(file: string): { key: string; size: number } {
    const st = statSync(file);
    return { key: `${file}|${st.size}|${st.mtimeMs}`, size: st.size };
  }

  /** The analysis of a capture: cached, running, or started now. */
  get(file: string): Analysis {
    const { key, size } = this.keyOf(file);
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit); // most recently used last
      return hit;
    }
    const store = new ConnectionStore();
    const a: Analysis = { key, file, state: 'running', bytesRead: 0, totalBytes: size, started: Date.now(), capture: null, captureWide: [], store, error: null, failure: null, promise: null as unknown as Promise<Analysis> };
    a.promise = this.analyze(file, file, this.options, {
      collect: false,
      onConnection: (record) => store.add(record),
      onProgress: (read) => {
        a.bytesRead = read;
      },
    }).then((r) => {
      store.finish();
      a.capture = r.capture;
      a.captureWide = r.anomalies;
      a.error = r.decode.error ? `at byte ${r.decode.error.fileOffset}: ${r.decode.error.message}` : null;
      a.state = 'done';
      a.bytesRead = a.totalBytes;
      return a;
    }, (err: unknown) => {
      // Never the viewer's end: this capture's pages show the failure, the rest carry on.
      process.stderr.write(`tcplens serve: the analysis of ${file} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      store.finish();
      a.failure = err instanceof Error ? err.message : String(err);
      a.state = 'done';
      return a;
    });
    this.entries.set(key, a);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      const gone = this.entries.get(oldest) as Analysis;
      this.entries.delete(oldest);
      // A running analysis keeps its store until it is done, and a request may still be reading
      // it: its spool goes a minute later.
      this.retiring.add(gone.store);
      const retire = (): void => {
        setTimeout(() => {
          gone.store.close();
          this.retiring.delete(gone.store);
        }, RETIRE_AFTER_MS).unref();
      };
      void gone.promise.then(retire, retire);
    }
    return a;
  }

  /** One connection's segments, read again from the file on demand (bounded memory). */
  async timelineOf(file: string, record: ConnectionRecord): Promise<Timeline> {
    const k = `${this.keyOf(file).key}#${record.id}`;
    const hit = this.timelines.get(k);
    if (hit !== undefined) return hit;
    const found = await connectionSegments(file, file, record);
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
   * writes them (the engine with the viewer's options marks them, then they are copied byte
   * for byte); `wait` is awaited between input chunks (the response's backpressure).
   */
  async packetsOf(file: string, id: number, write: (bytes: Buffer) => void, wait: () => Promise<void> | void): Promise<CopyResult> {
    const selection = await selectFrames(file, file, { ids: [id] }, this.options);
    return copyFrames(file, file, selection.frames, write, wait);
  }

  /** Removes every spool file (server shutdown, process exit). */
  close(): void {
    for (const a of this.entries.values()) a.store.close();
    for (const store of this.retiring) store.close();
    this.entries.clear();
    this.retiring.clear();
    process.removeListener('exit', this.removeOnExit);
  }
}
