/**
 * Analyses on demand, cached by real path, size and modification time: a second visit is
 * instant, and a changed file is analysed again. While one runs, its progress is known. The
 * cache keeps a few captures (least recently used out first) to bound memory.
 */
import { statSync } from 'node:fs';
import { analyzeCapture, type AnalyzeOptions } from '../pipeline.js';
import type { AnalysisDocument, ConnectionRecord, SegmentRecord } from '../report/model.js';
import { analysisDocument } from '../pipeline.js';

export interface Analysis {
  key: string;
  file: string;
  state: 'running' | 'done';
  bytesRead: number;
  totalBytes: number;
  started: number;
  doc: AnalysisDocument | null;
  byId: Map<number, ConnectionRecord>;
  /** Exit-like status: the capture could not be read to its end. */
  error: string | null;
  promise: Promise<Analysis>;
}

export class AnalysisCache {
  private readonly entries = new Map<string, Analysis>();
  private readonly segments = new Map<string, SegmentRecord[]>();

  constructor(
    private readonly options: Partial<AnalyzeOptions> = {},
    private readonly maxEntries = 4,
  ) {}

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
    const a: Analysis = { key, file, state: 'running', bytesRead: 0, totalBytes: size, started: Date.now(), doc: null, byId: new Map(), error: null, promise: null as unknown as Promise<Analysis> };
    a.promise = analyzeCapture(file, file, this.options, {
      collect: true,
      onProgress: (read) => {
        a.bytesRead = read;
      },
    }).then((r) => {
      a.doc = analysisDocument(r);
      for (const c of r.connections) a.byId.set(c.id, c);
      a.error = r.decode.error ? `at byte ${r.decode.error.fileOffset}: ${r.decode.error.message}` : null;
      a.state = 'done';
      a.bytesRead = a.totalBytes;
      return a;
    });
    this.entries.set(key, a);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return a;
  }

  /** One connection's segments, read again from the file on demand (bounded memory). */
  async segmentsOf(file: string, id: number): Promise<SegmentRecord[]> {
    const k = `${this.keyOf(file).key}#${id}`;
    const hit = this.segments.get(k);
    if (hit !== undefined) return hit;
    let found: SegmentRecord[] = [];
    await analyzeCapture(file, file, this.options, {
      collect: false,
      keepSegmentsOf: new Set([id]),
      onConnection(record, segs) {
        if (record.id === id && segs !== undefined) found = segs;
      },
    });
    this.segments.set(k, found);
    if (this.segments.size > 64) this.segments.delete(this.segments.keys().next().value as string);
    return found;
  }
}
