/**
 * The capture stage's front door: opens a file (or standard input), sniffs the format from
 * its magic number, never from its name, undoes gzip, and streams every frame to a sink.
 *
 *   a1b2c3d4 / d4c3b2a1  pcap, microseconds        → pcap-reader (pcap-parser)
 *   a1b23c4d / 4d3cb2a1  pcap, nanoseconds         → pcap-reader (pcap-parser)
 *   0a0d0d0a             pcapng section header     → pcapng-reader
 *   "snoop\0\0\0"         Solaris snoop (RFC 1761)  → snoop-reader
 *   1f8b                 gzip                      → gunzip, then sniff again
 *
 * Damage ends the file with a CaptureFormatError in the result; frames already handed to the
 * sink stay valid. This function never throws for bad input.
 */
import { createReadStream, statSync, type ReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ChunkedParser } from './chunked-parser.js';
import { CaptureFormatError, type CaptureWarning } from './errors.js';
import type { CaptureInfo, FrameSink } from './frame.js';
import { gunzipChunks, type GunzipState } from './gunzip.js';
import { READ_CHUNK_SIZE } from './limits.js';
import { PCAPNG_SHB_TYPE, PcapngReader } from './pcapng-reader.js';
import { PARALLEL_MIN_BYTES, readPcapParallel, readThreadsFor, type ReadOptions } from './parallel-pcap.js';
import { PCAP_MAGIC_NSEC, PCAP_MAGIC_USEC, PcapReader } from './pcap-reader.js';
import { SNOOP_MAGIC, SnoopReader } from './snoop-reader.js';

export interface CaptureResult {
  /** The name used in messages: the path, or "-" for standard input. */
  name: string;
  info: CaptureInfo;
  /** Packets handed to the sink. */
  packets: number;
  /** The last frame number used (can exceed packets in pcapng files with custom blocks). */
  lastFrame: number;
  /** Bytes of capture data consumed (after gunzip). */
  bytesRead: number;
  warnings: CaptureWarning[];
  /** Warnings seen, including those beyond the stored ones. */
  warningCount: number;
  /** Why the file could not be read to its end, or null. */
  error: CaptureFormatError | null;
}

export type CaptureSource = string | Readable;

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
/** Enough bytes to tell every format apart (snoop's magic is 8 bytes). */
const SNIFF_LEN = 8;

/** What a magic number says; also used by the web upload check. */
export type SniffedFormat = 'pcap' | 'pcap-nsec' | 'pcapng' | 'snoop' | 'gzip' | null;

export function sniffFormat(head: Uint8Array): SniffedFormat {
  if (head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1) return 'gzip';
  if (head.length < 4) return null;
  const buf = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const be = buf.readUInt32BE(0);
  const le = buf.readUInt32LE(0);
  if (be === PCAP_MAGIC_USEC || le === PCAP_MAGIC_USEC) return 'pcap';
  if (be === PCAP_MAGIC_NSEC || le === PCAP_MAGIC_NSEC) return 'pcap-nsec';
  if (be === PCAPNG_SHB_TYPE) return 'pcapng';
  if (buf.length >= SNOOP_MAGIC.length && buf.subarray(0, SNOOP_MAGIC.length).equals(SNOOP_MAGIC)) return 'snoop';
  return null;
}

/** Formats we recognise but do not read, so the error can name them. */
function describeUnknown(head: Buffer): string {
  const hex = head.toString('hex', 0, Math.min(head.length, 4));
  if (head.length >= 4 && (head.readUInt32BE(0) === 0xa1b2cd34 || head.readUInt32LE(0) === 0xa1b2cd34)) {
    return 'a modified (Kuznetzov) pcap file, which tcplens does not read';
  }
  const printable = head.subarray(0, Math.min(head.length, 16)).every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
  return `not a capture file: magic ${hex}${printable ? ' (the file starts with text)' : ''}; tcplens reads pcap, pcapng, snoop and their gzip'd forms`;
}

function openSource(source: CaptureSource): Readable {
  if (typeof source !== 'string') return source;
  if (source === '-') return process.stdin;
  return createReadStream(source, { highWaterMark: READ_CHUNK_SIZE });
}

function emptyInfo(): CaptureInfo {
  return { format: null, gzip: false, byteOrder: null, version: null, snaplen: null, interfaces: [], comments: [], sections: 0 };
}

/**
 * Reads a whole capture, handing each frame to the sink. Resolves when the file is read to its
 * end or damage stops it (result.error). Rejects only on programming errors in the sink.
 *
 * No stream of the reading path can raise an uncaught 'error' event: the file stream (or the one
 * given, or standard input) has a listener from the moment it exists, and gunzip listens to its
 * own (gunzip.ts). Stream errors reach the reading loop and become the file's error.
 */
export async function readCapture(source: CaptureSource, sink: FrameSink, name?: string, readOptions?: ReadOptions): Promise<CaptureResult> {
  const label = name ?? (typeof source === 'string' ? source : '<stream>');
  const info = emptyInfo();
  const result: CaptureResult = {
    name: label,
    info,
    packets: 0,
    lastFrame: 0,
    bytesRead: 0,
    warnings: [],
    warningCount: 0,
    error: null,
  };
  let raw: Readable;
  try {
    raw = openSource(source);
  } catch (err) {
    result.error = new CaptureFormatError('READ_FAILED', 0, (err as Error).message);
    return result;
  }
  // Errors also reach whoever iterates the stream; this listener only makes sure none is uncaught
  // (a stream can fail after its reader has stopped, e.g. while being destroyed).
  const ignore = (): void => {};
  raw.on('error', ignore);
  let parser: ChunkedParser | null = null;
  let chunks: AsyncIterable<Buffer> = raw;
  let git: AsyncGenerator<Buffer> | null = null;
  let head: Buffer = Buffer.alloc(0);
  const gz: GunzipState = { cut: false, compressedBytes: 0 };
  try {
    // Sniff: gather at least 4 bytes (standard input may deliver fewer at first).
    const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    while (head.length < SNIFF_LEN) {
      const next = await it.next();
      if (next.done === true) break;
      head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
    }
    const rest = prefixed(head, it);
    if (sniffFormat(head) === 'gzip') {
      info.gzip = true;
      // A gzip stream cut short yields all it holds, and then the capture reader reports its own
      // cut record (as it would for the plain file) and a TRUNCATED_GZIP warning follows.
      git = gunzipChunks(rest, gz, READ_CHUNK_SIZE);
      head = Buffer.alloc(0);
      while (head.length < SNIFF_LEN) {
        const next = await git.next();
        if (next.done === true) break;
        head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
      }
      chunks = prefixed(head, git);
    } else {
      chunks = rest;
    }

    const format = sniffFormat(head);
    if (head.length === 0) {
      if (gz.cut) throw new CaptureFormatError('BAD_GZIP', 0, `the gzip stream is cut short after ${gz.compressedBytes} compressed bytes, before any capture data`);
      throw new CaptureFormatError('EMPTY_FILE', 0, info.gzip ? 'the gzip stream holds no data' : 'the file is empty');
    }
    if (format === 'pcap' || format === 'pcap-nsec') parser = new PcapReader(sink, info);
    else if (format === 'pcapng') parser = new PcapngReader(sink, info);
    else if (format === 'snoop') parser = new SnoopReader(sink, info);
    else if (format === 'gzip') throw new CaptureFormatError('UNSUPPORTED_FORMAT', 0, 'gzip inside gzip: decompress the file once first');
    else if (head.length < 4) {
      throw new CaptureFormatError('TRUNCATED_FILE_HEADER', head.length, `the file ends after ${head.length} byte${head.length === 1 ? '' : 's'}, before its magic number`);
    } else throw new CaptureFormatError(describeUnknown(head).startsWith('not a') ? 'BAD_MAGIC' : 'UNSUPPORTED_FORMAT', 0, describeUnknown(head));

    let total: number | null = null;
    if (sink.onProgress && typeof source === 'string' && source !== '-') {
      try {
        total = statSync(source).size;
      } catch {
        total = null;
      }
    }
    let stopped = false;
    // A plain classic pcap file big enough: several pcap-parser instances over ranges of it (parallel-pcap.ts).
    const threads = readThreadsFor(readOptions);
    // Not for a sink that copies the byte stream (onData: tcplens slice), which the ranges would bypass.
    const size = threads > 1 && sink.onData === undefined && parser instanceof PcapReader && !info.gzip && typeof source === 'string' && source !== '-' ? fileSize(source) : -1;
    if (size >= (readOptions?.parallelMinBytes ?? PARALLEL_MIN_BYTES) && size >= head.length && head.length >= FILE_HEADER_LEN) {
      const pcap = parser as PcapReader;
      pcap.push(head.subarray(0, FILE_HEADER_LEN));
      await (chunks as AsyncGenerator<Buffer>).return(undefined);
      stopped = await readPcapParallel(source as string, size, pcap, sink, threads, readOptions, head);
      chunks = emptyChunks();
    }
    for await (const chunk of chunks) {
      if (sink.onData === undefined) parser.push(chunk);
      else {
        try {
          parser.push(chunk);
        } finally {
          sink.onData(chunk, parser.consumed);
        }
      }
      if (sink.onProgress) sink.onProgress((raw as ReadStream).bytesRead ?? parser.consumed, total);
      if (sink.afterChunk) await sink.afterChunk();
      if (sink.done?.() === true) {
        stopped = true;
        break;
      }
    }
    // Stopped on purpose: what is left unread is not damage.
    if (!stopped) {
      const received = parser.received;
      try {
        parser.end();
      } finally {
        if (gz.cut) {
          parser.warn(
            'TRUNCATED_GZIP',
            received,
            `the gzip stream is cut short after ${gz.compressedBytes} compressed bytes (its end and CRC are missing): the capture data ends at byte ${received}; everything before was read`,
          );
        }
      }
    }
  } catch (err) {
    if (err instanceof CaptureFormatError) result.error = err;
    else if (isZlibError(err)) {
      const at = parser?.received ?? head.length;
      result.error = new CaptureFormatError(
        'BAD_GZIP',
        at,
        `gzip data is damaged (${(err as Error).message}) within its first ${gz.compressedBytes} compressed bytes; the capture data before byte ${at} was read`,
      );
    } else if (isIoError(err)) {
      result.error = new CaptureFormatError('READ_FAILED', parser?.consumed ?? 0, (err as Error).message);
    } else {
      throw err;
    }
  } finally {
    // Stops gunzip (if any) before its source goes; teardown errors are absorbed by `ignore`.
    try {
      if (chunks !== raw) await (chunks as AsyncGenerator<Buffer>).return(undefined);
      await git?.return(undefined);
    } catch {
      // the result already says what went wrong, if anything did
    }
    if (raw !== process.stdin) raw.destroy();
    else {
      // Leave standard input unread but quiet, with no listener of ours piling up on it.
      setImmediate(() => raw.removeListener('error', ignore));
    }
  }
  if (parser !== null) {
    result.packets = parser.packets;
    result.lastFrame = parser.frameNumber;
    result.bytesRead = parser.consumed;
    result.warnings = parser.warnings;
    result.warningCount = parser.warningCount;
  }
  return result;
}

const FILE_HEADER_LEN = 24;

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}

// eslint-disable-next-line require-yield
async function* emptyChunks(): AsyncGenerator<Buffer> {}

/** `head` then the rest of the iterator; stopping early stops the iterator too. */
async function* prefixed(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    if (head.length > 0) yield head;
    for (;;) {
      const next = await rest.next();
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    await rest.return?.();
  }
}

function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

function isIoError(err: unknown): boolean {
  const e = err as { code?: unknown; syscall?: unknown } | null;
  return typeof e?.code === 'string' && (typeof e.syscall === 'string' || e.code.startsWith('E'));
}
