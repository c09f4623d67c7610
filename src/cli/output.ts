/**
 * Buffered writes to standard output with backpressure: lines are gathered into ~64 KiB
 * batches, and reading pauses while the pipe is full, so memory stays flat on any file size.
 */
import type { Writable } from 'node:stream';

const BATCH = 64 * 1024;

export class LineWriter {
  private pending = '';
  /** Bytes written since the last flush, in order (pending text before them already among them). */
  private pendingBytes: Uint8Array[] = [];
  private pendingByteCount = 0;
  private blocked: Promise<void> | null = null;
  /** Set when the reader of our output went away (EPIPE): stop producing. */
  closed = false;

  constructor(private readonly out: Writable = process.stdout) {
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.closed = true;
      else throw err;
    });
  }

  line(s: string): void {
    this.pending += s;
    this.pending += '\n';
    if (this.pending.length + this.pendingByteCount >= BATCH) this.flush();
  }

  /** Text as it is, no line break added (a page streamed in pieces); bytes (UTF-8, read back from a spool) go out as they are, batched with the text. */
  write(s: string | Uint8Array): void {
    if (typeof s === 'string') this.pending += s;
    else {
      if (this.pending !== '') {
        this.pendingBytes.push(Buffer.from(this.pending));
        this.pendingByteCount += this.pending.length;
        this.pending = '';
      }
      this.pendingBytes.push(s);
      this.pendingByteCount += s.length;
    }
    if (this.pending.length + this.pendingByteCount >= BATCH) this.flush();
  }

  flush(): void {
    if (this.closed) {
      this.pending = '';
      this.pendingBytes = [];
      this.pendingByteCount = 0;
      return;
    }
    let chunk: string | Uint8Array = this.pending;
    if (this.pendingBytes.length > 0) {
      if (this.pending !== '') this.pendingBytes.push(Buffer.from(this.pending));
      chunk = this.pendingBytes.length === 1 ? (this.pendingBytes[0] as Uint8Array) : Buffer.concat(this.pendingBytes);
      this.pendingBytes = [];
      this.pendingByteCount = 0;
    }
    this.pending = '';
    if (chunk.length === 0) return;
    const ok = this.out.write(chunk);
    if (!ok && this.blocked === null) {
      this.blocked = new Promise((resolve) => {
        this.out.once('drain', () => {
          this.blocked = null;
          resolve();
        });
      });
    }
  }

  /** Awaited between input chunks: resolves once the output can take more. */
  wait(): Promise<void> | void {
    return this.blocked ?? undefined;
  }

  async end(): Promise<void> {
    this.flush();
    if (this.blocked) await this.blocked;
  }
}

export const ExitCode = { OK: 0, FINDINGS: 1, USAGE: 2, UNREADABLE: 3 } as const;
