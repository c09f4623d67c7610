/**
 * `analyze --format json` in bounded memory: the one document of the README ("The JSON
 * document"), byte for byte what `JSON.stringify(doc, null, 1)` writes, gathered one connection
 * at a time as connections end.
 *
 * The document's order is fixed (capture first, connections by id, then the capture-wide
 * anomalies) and its top needs what only the capture's end tells (packets, last, warnings), so
 * each connection is serialised as it ends and kept as text: in memory up to MEMORY_BUDGET
 * characters, then in an unlinked temporary file (the spool), with its offset and length in typed
 * arrays indexed by id. finish() writes the head, then the connections in id order (read back in
 * 1 MiB windows, so connections that ended in id order are one sequential read), then the tail.
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrackerWarning } from '../../tcp/tracker.js';
import type { CaptureRecord, ConnectionRecord } from '../model.js';
import { PerformanceTally } from '../performance.js';

/** Characters of serialised connections kept in memory before the rest goes to the spool file. */
export const MEMORY_BUDGET = 4 << 20;
const WRITE_BATCH = 1 << 20;
const READ_WINDOW = 1 << 20;

/** The minimum of cli/output.ts's LineWriter that finish() needs. */
export interface TextSink {
  line(s: string): void;
  wait(): Promise<void> | void;
}

/** `JSON.stringify(value, null, 1)` as it reads at `depth` inside the document (indentation of one space per level). */
function nested(value: unknown, depth: number): string {
  const text = JSON.stringify(value, null, 1);
  // JSON text has no raw line breaks inside strings, so every one is a line of the layout.
  return text.includes('\n') ? text.replace(/\n/g, `\n${' '.repeat(depth)}`) : text;
}

export class JsonDocument {
  /** Serialised connections kept in memory, by id. */
  private readonly inMemory = new Map<number, string>();
  private memoryChars = 0;
  /** Spool offsets and byte lengths by id (-1: not in the spool). */
  private offsets = new Float64Array(1024).fill(-1);
  private lengths = new Uint32Array(1024);
  private fd = -1;
  private spooled = 0;
  private pending: string[] = [];
  private pendingBytes = 0;
  private maxId = 0;
  count = 0;
  /** The document's performance summary, counted as connections are added. */
  private readonly performance = new PerformanceTally();

  constructor(private readonly budget = MEMORY_BUDGET) {}

  /** One connection, as it ends (in any order). */
  add(c: ConnectionRecord): void {
    const text = `  ${nested(c, 2)}`;
    this.performance.add(c);
    if (c.id > this.maxId) this.maxId = c.id;
    this.count++;
    if (this.memoryChars + text.length <= this.budget) {
      this.inMemory.set(c.id, text);
      this.memoryChars += text.length;
      return;
    }
    this.spool(c.id, text);
  }

  private spool(id: number, text: string): void {
    if (this.fd < 0) {
      const path = join(tmpdir(), `tcplens-json-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.spool`);
      this.fd = openSync(path, 'w+', 0o600);
      // Unlinked at once: the file goes with the process, however it ends.
      unlinkSync(path);
    }
    while (id >= this.offsets.length) {
      const o = new Float64Array(this.offsets.length * 2).fill(-1);
      o.set(this.offsets);
      this.offsets = o;
      const l = new Uint32Array(this.lengths.length * 2);
      l.set(this.lengths);
      this.lengths = l;
    }
    const bytes = Buffer.byteLength(text);
    this.offsets[id] = this.spooled + this.pendingBytes;
    this.lengths[id] = bytes;
    this.pending.push(text);
    this.pendingBytes += bytes;
    if (this.pendingBytes >= WRITE_BATCH) this.flushSpool();
  }

  private flushSpool(): void {
    if (this.pendingBytes === 0) return;
    const buf = Buffer.from(this.pending.join(''));
    let done = 0;
    while (done < buf.length) done += writeSync(this.fd, buf, done, buf.length - done, this.spooled + done);
    this.spooled += buf.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Writes the whole document (and a line break) to `out`, waiting on its backpressure. */
  async finish(out: TextSink, capture: CaptureRecord, anomalies: readonly unknown[], warnings: readonly TrackerWarning[] = []): Promise<void> {
    this.flushSpool();
    const head = `{\n "tcplens": 1,\n "capture": ${nested(capture, 1)},\n "connections": [`;
    const tail =
      `${this.count === 0 ? '' : '\n '}],\n "anomalies": ${nested(anomalies, 1)},\n "warnings": ${nested(warnings, 1)},\n` +
      ` "performance": ${nested(this.performance.summary(), 1)}\n}`;
    if (this.count === 0) {
      out.line(`${head}${tail}`);
      return;
    }
    let chunk = `${head}\n`;
    let first = true;
    let window = Buffer.alloc(0);
    let windowAt = -1;
    try {
      for (let id = 1; id <= this.maxId; id++) {
        let text = this.inMemory.get(id);
        if (text === undefined) {
          const at = id < this.offsets.length ? (this.offsets[id] as number) : -1;
          if (at < 0) continue;
          const len = this.lengths[id] as number;
          if (windowAt < 0 || at < windowAt || at + len > windowAt + window.length) {
            window = Buffer.allocUnsafe(Math.max(len, READ_WINDOW));
            const got = readSync(this.fd, window, 0, window.length, at);
            window = window.subarray(0, got);
            windowAt = at;
          }
          text = window.toString('utf8', at - windowAt, at - windowAt + len);
        } else {
          this.inMemory.delete(id);
        }
        chunk += first ? text : `,\n${text}`;
        first = false;
        if (chunk.length >= WRITE_BATCH) {
          // out.line adds the line break: hand it whole lines and keep the last, unfinished one.
          const nl = chunk.lastIndexOf('\n');
          if (nl >= 0) {
            out.line(chunk.slice(0, nl));
            chunk = chunk.slice(nl + 1);
            await out.wait();
          }
        }
      }
    } finally {
      if (this.fd >= 0) closeSync(this.fd);
      this.fd = -1;
    }
    out.line(`${chunk}${tail}`);
  }
}
