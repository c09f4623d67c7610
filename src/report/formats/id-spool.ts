/**
 * Texts by connection id, handed in as connections end (in any order) and read back in id order:
 * the bounded memory behind the JSON document (json.ts) and the HTML report (html.ts).
 *
 * Texts are kept in memory up to a budget of characters, then written to an unlinked temporary
 * file (the spool) with their offset and byte length in typed arrays indexed by id. Reading back
 * goes through a 1 MiB window, so texts that were spooled in id order are one sequential read.
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where a document read back from spools is written (cli/output.ts LineWriter): text, or UTF-8
 * bytes as take() hands them back, as they are; wait() is a promise while it can take no more.
 */
export interface SpoolSink {
  write(s: string | Uint8Array): void;
  wait(): Promise<void> | void;
}

/** Characters kept in memory before the rest goes to the spool file. */
export const MEMORY_BUDGET = 4 << 20;
const WRITE_BATCH = 1 << 20;
const READ_WINDOW = 1 << 20;

export class IdSpool {
  private readonly inMemory = new Map<number, string>();
  private memoryChars = 0;
  /** Spool offsets and byte lengths by id (-1: not in the spool). */
  private offsets = new Float64Array(1024).fill(-1);
  private lengths = new Uint32Array(1024);
  private fd = -1;
  /** Bytes in the spool file. */
  private spooled = 0;
  /** Texts are encoded straight into this buffer, written out when full (made at the first text spooled). */
  private staging: Buffer | null = null;
  private staged = 0;
  private window = Buffer.alloc(0);
  private windowAt = -1;
  /** Where the last text read back from the spool ended. */
  private lastEnd = -1;
  /** The highest id added. */
  maxId = 0;

  constructor(
    private readonly budget = MEMORY_BUDGET,
    private readonly name = 'tcplens',
  ) {}

  /** The text of `id` (one text an id). */
  add(id: number, text: string): void {
    if (id > this.maxId) this.maxId = id;
    if (this.memoryChars + text.length <= this.budget) {
      this.inMemory.set(id, text);
      this.memoryChars += text.length;
      return;
    }
    this.spool(id, text);
  }

  /** Forgets the text of `id` (its bytes stay in the spool file, unread). */
  drop(id: number): void {
    const text = this.inMemory.get(id);
    if (text !== undefined) {
      this.inMemory.delete(id);
      this.memoryChars -= text.length;
    }
    if (id < this.offsets.length) this.offsets[id] = -1;
  }

  /**
   * The text of `id`, or undefined; reading in id order reads the spool sequentially. Once read,
   * an in-memory text is let go. A spooled text comes back as its UTF-8 bytes (a view of a window
   * no later take() overwrites), to be written out without decoding.
   */
  take(id: number): string | Buffer | undefined {
    const text = this.inMemory.get(id);
    if (text !== undefined) {
      this.inMemory.delete(id);
      this.memoryChars -= text.length;
      return text;
    }
    const at = id < this.offsets.length ? (this.offsets[id] as number) : -1;
    if (at < 0) return undefined;
    this.flush();
    const len = this.lengths[id] as number;
    if (this.windowAt < 0 || at < this.windowAt || at + len > this.windowAt + this.window.length) {
      // A window ahead only while texts come back in the order they were spooled; one that
      // ended out of id order is read alone (a 1 MiB read per text made a 1 GB capture's
      // document read the spool hundreds of times over).
      const sequential = at === this.lastEnd;
      const window = Buffer.allocUnsafe(sequential ? Math.max(len, READ_WINDOW) : len);
      const got = readSync(this.fd, window, 0, window.length, at);
      this.window = window.subarray(0, got);
      this.windowAt = at;
    }
    this.lastEnd = at + len;
    return this.window.subarray(at - this.windowAt, at - this.windowAt + len);
  }

  /** take() as text. */
  takeText(id: number): string | undefined {
    const t = this.take(id);
    return t === undefined || typeof t === 'string' ? t : t.toString('utf8');
  }

  /** Closes the spool file (it was unlinked when made: nothing is left behind, however the process ends). */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.staging = null;
    this.staged = 0;
    this.window = Buffer.alloc(0);
    this.windowAt = -1;
  }

  private spool(id: number, text: string): void {
    if (this.fd < 0) {
      const path = join(tmpdir(), `${this.name}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.spool`);
      this.fd = openSync(path, 'w+', 0o600);
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
    const staging = (this.staging ??= Buffer.allocUnsafe(WRITE_BATCH));
    // UTF-8 takes at most three bytes per UTF-16 unit: room for that, or the staged bytes go first.
    if (staging.length - this.staged < text.length * 3) this.flush();
    if (text.length * 3 > staging.length) {
      const bytes = Buffer.from(text);
      this.offsets[id] = this.spooled;
      this.lengths[id] = bytes.length;
      this.writeAll(bytes, bytes.length);
      return;
    }
    const n = staging.write(text, this.staged);
    this.offsets[id] = this.spooled + this.staged;
    this.lengths[id] = n;
    this.staged += n;
  }

  private flush(): void {
    if (this.staged === 0 || this.staging === null) return;
    this.writeAll(this.staging, this.staged);
    this.staged = 0;
  }

  private writeAll(buf: Buffer, length: number): void {
    let done = 0;
    while (done < length) done += writeSync(this.fd, buf, done, length - done, this.spooled + done);
    this.spooled += length;
  }
}
