/**
 * The viewer's analysis of one capture, on a worker thread (piscina; web/cache.ts runs the
 * pool): the engine and the connection store's writing side (JSON lines, deflated spool blocks,
 * columns, tally, sort by id) all run here, so the viewer's event loop keeps answering pages
 * while a 1 GB capture is read. The finished store comes back as a snapshot whose buffers are
 * transferred; its spool file stays on disk, in the folder the viewer gave (and removes).
 *
 * `ladder` (the export of that name) re-reads one connection's segments for its ladder, on a
 * thread too: in a large capture that is reading up to the connection's last frame.
 *
 * `slice` writes one connection's frames out as a capture (the viewer's packets download,
 * `tcplens slice --conn ID`): both of its passes over the capture run here, and the bytes go
 * to the viewer's thread in blocks of SLICE_BLOCK bytes, at most SLICE_WINDOW blocks ahead of
 * what the download has taken, so that thread only writes blocks to the response.
 *
 * Messages on `port`: {type: 'started'} when the task begins (it may have waited in the pool's
 * queue), then {type: 'progress', bytesRead} at most every PROGRESS_MS.
 */
import { atByte } from '../capture/errors.js';
import type { TrackerWarning } from '../tcp/tracker.js';
import { getPriority, setPriority } from 'node:os';
import type { MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Finding } from '../analysis/anomaly.js';
import { analyzeCapture, copyFrames, selectFrames, type AnalyzeOptions } from '../pipeline.js';
import type { CaptureRecord, ConnectionRecord, SegmentRecord } from '../report/model.js';
import { connectionSegments } from './connection-segments.js';
import { ConnectionStore, type StoreSnapshot } from './connection-store.js';

const PROGRESS_MS = 100;

/**
 * The analysis thread's nice value: on Linux a thread has its own (setpriority(2) with 0 names
 * the calling thread, which is what os.setPriority(0, …) does), so the scheduler lets the
 * viewer's own thread, which answers pages, go first when both want a core.
 */
const ANALYSIS_NICE = 10;
let niced = false;

export interface ViewerTask {
  file: string;
  options: Partial<AnalyzeOptions>;
  /** The spool folder, made by the viewer (so it can remove it whatever happens here). */
  spoolDir: string;
  port: MessagePort;
}

export interface ViewerResult {
  capture: CaptureRecord;
  /** Capture-wide findings (syn-flood, port-scan). */
  captureWide: Finding[];
  /** About the analysis, not the file (CONNECTION_LIMIT). */
  warnings: TrackerWarning[];
  /** The capture could not be read to its end. */
  error: string | null;
  store: StoreSnapshot;
}

export type ViewerMessage = { type: 'started' } | { type: 'progress'; bytesRead: number };

export default async function analyseForViewer(task: ViewerTask): Promise<unknown> {
  const post = (m: ViewerMessage): void => task.port.postMessage(m);
  post({ type: 'started' });
  if (!niced) {
    niced = true;
    try {
      setPriority(0, Math.max(getPriority(0), ANALYSIS_NICE));
    } catch {
      // Not allowed here (or not this system): the analysis runs at the viewer's priority.
    }
  }
  const store = new ConnectionStore(task.spoolDir);
  let last = 0;
  try {
    const r = await analyzeCapture(task.file, task.file, task.options, {
      collect: false,
      onConnection: (record) => store.add(record),
      onProgress: (bytesRead) => {
        const now = Date.now();
        if (now - last < PROGRESS_MS) return;
        last = now;
        post({ type: 'progress', bytesRead });
      },
    });
    store.finish();
    const snapshot = store.snapshot();
    const result: ViewerResult = {
      capture: r.capture,
      captureWide: r.anomalies,
      warnings: r.warnings,
      error: r.decode.error ? `${atByte(r.decode.error.fileOffset, r.decode.info.gzip)}: ${r.decode.error.message}` : null,
      store: snapshot,
    };
    // Piscina's transferable wrapper: the columns move to the viewer's thread, uncopied.
    return Piscina.move({ [Piscina.transferableSymbol]: ConnectionStore.transferables(snapshot), [Piscina.valueSymbol]: result } as unknown as Parameters<typeof Piscina.move>[0]);
  } catch (err) {
    store.close(); // its spool folder with it (the viewer removes it too, whatever happened)
    throw err;
  } finally {
    task.port.close();
  }
}

export interface LadderTask {
  file: string;
  record: ConnectionRecord;
}

/** One connection's segments for its ladder (connection-segments.ts), read on a worker thread. */
export async function ladder(task: LadderTask): Promise<{ segments: SegmentRecord[]; truncated: boolean }> {
  return connectionSegments(task.file, task.file, task.record);
}

/** Bytes of a slice sent to the viewer's thread at once (one message; records are never split across fewer). */
export const SLICE_BLOCK = 256 * 1024;
/** Blocks of a slice sent and not yet taken by the download (the viewer answers each with 1). */
export const SLICE_WINDOW = 4;

export interface SliceTask {
  file: string;
  id: number;
  options: Partial<AnalyzeOptions>;
  /** Carries the blocks (Uint8Array, transferred), then `null` after the last one; credits come back on it. */
  port: MessagePort;
}

export interface SliceResult {
  packets: number;
  bytes: number;
  /** The capture could not be read to its end (what was before is written). */
  error: string | null;
}

/** One connection's frames as a capture in the file's format, as `tcplens slice --conn ID` writes them. */
export async function slice(task: SliceTask): Promise<SliceResult> {
  const port = task.port;
  let credit = SLICE_WINDOW;
  let wake: (() => void) | null = null;
  port.on('message', (n: number) => {
    credit += n;
    if (wake !== null && credit > 0) {
      const w = wake;
      wake = null;
      w();
    }
  });
  let block = Buffer.allocUnsafe(SLICE_BLOCK);
  let filled = 0;
  const flush = (): void => {
    if (filled === 0) return;
    // A block of this size has its own ArrayBuffer (Buffer's pool serves only small ones): moved, not copied.
    port.postMessage(new Uint8Array(block.buffer, block.byteOffset, filled), [block.buffer as ArrayBuffer]);
    credit--;
    block = Buffer.allocUnsafe(SLICE_BLOCK);
    filled = 0;
  };
  try {
    const selection = await selectFrames(task.file, task.file, { ids: [task.id] }, task.options);
    const copied = await copyFrames(
      task.file,
      task.file,
      selection.frames,
      (bytes) => {
        if (filled + bytes.length > SLICE_BLOCK) flush();
        if (bytes.length > SLICE_BLOCK) {
          // A record larger than a block goes alone.
          const own = Buffer.from(bytes);
          port.postMessage(new Uint8Array(own.buffer, own.byteOffset, own.length), [own.buffer as ArrayBuffer]);
          credit--;
          return;
        }
        bytes.copy(block, filled);
        filled += bytes.length;
      },
      () => {
        if (filled >= SLICE_BLOCK / 2) flush();
        return credit > 0 ? undefined : new Promise<void>((r) => (wake = r));
      },
    );
    flush();
    const e = copied.capture.error ?? selection.result.decode.error;
    return { packets: copied.packets, bytes: copied.bytes, error: e ? `${atByte(e.fileOffset, selection.result.decode.info.gzip)}: ${e.message}` : null };
  } finally {
    port.postMessage(null);
    port.close();
  }
}
