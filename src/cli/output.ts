/**
 * Buffered writes to standard output with backpressure: lines are gathered into ~64 KiB
 * batches, and reading pauses while the pipe is full, so memory stays flat on any file size.
 * An error of the stream stops the writing: a reader gone away (EPIPE) quietly, any other is
 * kept and thrown by end() (never from the stream's event, where it would be uncaught).
 */
import type { Writable } from 'node:stream';

const BATCH = 64 * 1024;

export class LineWriter {
  private pending = '';
  /** Bytes written since the last flush, in order (pending text before them already among them). */
  private pendingBytes: Uint8Array[] = [];
  private pendingByteCount = 0;
  private blocked: Promise<void> | null = null;
  private unblock: (() => void) | null = null;
  /** Set when the stream failed or the reader of our output went away (EPIPE): stop producing. */
  closed = false;
  /** The stream's error, other than EPIPE; end() throws it. */
  private failure: Error | null = null;

  constructor(private readonly out: Writable = process.stdout) {
    out.on('error', (err: NodeJS.ErrnoException) => {
      this.closed = true;
      if (err.code !== 'EPIPE') this.failure ??= err;
      // No 'drain' comes after an error: whoever waits for one goes on.
      this.unblock?.();
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
        this.unblock = () => {
          this.blocked = null;
          this.unblock = null;
          this.out.off('drain', done);
          resolve();
        };
        const done = this.unblock;
        this.out.once('drain', done);
      });
    }
  }

  /** Awaited between input chunks: resolves once the output can take more. */
  wait(): Promise<void> | void {
    return this.blocked ?? undefined;
  }

  /**
   * Writes what is left and waits for the stream to take it; `close` ends the stream too (a file
   * of -o) and waits until it is written. Throws an OutputError if the stream failed.
   */
  async end(close = false): Promise<void> {
    this.flush();
    if (this.blocked) await this.blocked;
    if (close && !this.closed) {
      await new Promise<void>((resolve) =>
        this.out.end((err?: Error | null) => {
          if (err) this.failure ??= err;
          resolve();
        }),
      );
    }
    if (this.failure !== null) throw new OutputError(`cannot write the output: ${this.failure.message}`);
  }
}

/** The output could not be written (a full disk, a closed device): the command's error, not an internal one. */
export class OutputError extends Error {}

export const ExitCode = { OK: 0, FINDINGS: 1, USAGE: 2, UNREADABLE: 3, OUTPUT: 74 } as const;
