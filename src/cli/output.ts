/**
 * Buffered writes to standard output with backpressure: lines are gathered into ~64 KiB
 * batches, and reading pauses while the pipe is full, so memory stays flat on any file size.
 */
import type { Writable } from 'node:stream';

const BATCH = 64 * 1024;

export class LineWriter {
  private pending = '';
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
    if (this.pending.length >= BATCH) this.flush();
  }

  /** Text as it is, no line break added (a page streamed in pieces). */
  write(s: string): void {
    this.pending += s;
    if (this.pending.length >= BATCH) this.flush();
  }

  flush(): void {
    if (this.pending === '' || this.closed) {
      this.pending = '';
      return;
    }
    const ok = this.out.write(this.pending);
    this.pending = '';
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
