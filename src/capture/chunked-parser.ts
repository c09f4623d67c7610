import { type CaptureWarning, type CaptureWarningCode } from './errors.js';
import { type CaptureInfo, Frame, type FrameSink } from './frame.js';
import { MAX_WARNINGS } from './limits.js';
import { carryOver, consumedBefore } from './carry-over.js';

/**
 * Base of the streaming readers: chunks go in through push(), records come out through the
 * sink. A record that straddles two chunks is kept as a leftover (never more than one record,
 * whose length was validated before waiting for it), so memory does not grow with the file.
 */
export abstract class ChunkedParser {
  /** Current bytes: the leftover of the previous chunk followed by the new chunk. */
  protected buf: Buffer = Buffer.alloc(0);
  /** Next unparsed byte in buf. */
  protected pos = 0;
  /** Stream offset of buf[0]. */
  protected base = 0;
  protected readonly frame = new Frame();
  /** Frame numbers handed out so far (tshark numbering). */
  frameNumber = 0;
  /** Packets delivered to the sink. */
  packets = 0;
  readonly warnings: CaptureWarning[] = [];
  warningCount = 0;

  constructor(
    protected readonly sink: FrameSink,
    readonly info: CaptureInfo,
  ) {}

  /** Parses every complete record in the chunk; throws CaptureFormatError on damage. */
  push(chunk: Buffer): void {
    this.base += consumedBefore(this.buf, this.pos);
    this.buf = carryOver(this.buf, this.pos, chunk);
    this.pos = 0;
    this.parse();
  }

  /** Drops anything buffered and goes on as if the stream's next byte were at `offset`. */
  protected skipTo(offset: number): void {
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    this.base = offset;
  }

  /** The stream ended: anything left over is a truncated record (a warning, not an error). */
  abstract end(): void;

  /** Stream offset of the first byte not yet consumed. */
  get consumed(): number {
    return this.base + this.pos;
  }

  /** Stream offset just past the last byte received (consumed plus the leftover). */
  get received(): number {
    return this.base + this.buf.length;
  }

  protected abstract parse(): void;

  protected get leftover(): number {
    return this.buf.length - this.pos;
  }

  /** Records a warning (open-capture.ts adds the stream's own, such as a cut gzip trailer). */
  warn(code: CaptureWarningCode, fileOffset: number, message: string): void {
    this.warningCount++;
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ code, fileOffset, message });
  }

  /** Warn once per code per file (for conditions that would otherwise repeat per record). */
  protected warnOnce(code: CaptureWarningCode, fileOffset: number, message: string): void {
    if (!this.warnings.some((w) => w.code === code)) this.warn(code, fileOffset, message);
  }
}
