/**
 * The spool file of a connection store: one JSON line per record, written in deflated blocks of
 * about 64 KB (records repeat their field names and causes, so they shrink about 18×): the
 * temporary folder may well be a tmpfs, in memory. A row is found by its block and its place
 * in the block; a few inflated blocks are kept for reading.
 *
 *   file   block 0 (deflate-raw) | block 1 | …      (the block being filled stays in memory)
 *   row    block index, offset and length in the inflated block
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { makeSpoolDir } from './spool-cleanup.js';

/** Uncompressed bytes per spool block (a larger record makes a block of its own). */
const BLOCK_BYTES = 64 << 10;
/** Inflated blocks kept for reading (a page of 100 rows in any order touches at most 100). */
const BLOCKS_KEPT = 128;

/**
 * A sealed spool handed from the thread that wrote it (the viewer's analysis worker) to the one
 * that reads it: the file stays where it is, the row positions travel (transferred, not copied).
 */
export interface SpoolSnapshot {
  dir: string;
  size: number;
  blockCount: number;
  blockOffset: number[];
  blockLength: number[];
  block: Uint32Array<ArrayBuffer>;
  offset: Uint32Array<ArrayBuffer>;
  length: Uint32Array<ArrayBuffer>;
}

const FILE_NAME = 'connections.ndjson.deflate-blocks';

export class RecordSpool {
  /** The folder holding the file (removed by close). */
  readonly dir: string;
  private readonly fd: number;
  private size = 0;
  /** The block being filled (not yet on disk), its length and its index. */
  private pending: Buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  private pendingLen = 0;
  private blockCount = 0;
  /** Where each sealed block lies in the spool file, compressed. */
  private readonly blockOffset: number[] = [];
  private readonly blockLength: number[] = [];
  private readonly inflated = new Map<number, Buffer>();
  /** Each row's block, its place in the block (uncompressed) and its length. */
  private block = new Uint32Array(0);
  private offset = new Uint32Array(0);
  private length = new Uint32Array(0);
  private closed = false;

  /**
   * A new spool in `dir` (a new spool folder of this process by default: spool-cleanup.ts), or
   * the spool another thread wrote and detached, opened for reading (close() removes it).
   */
  constructor(from: string | SpoolSnapshot = makeSpoolDir()) {
    if (typeof from === 'string') {
      this.dir = from;
      this.fd = openSync(join(this.dir, FILE_NAME), 'w+');
      return;
    }
    this.dir = from.dir;
    this.fd = openSync(join(this.dir, FILE_NAME), 'r');
    this.size = from.size;
    this.pending = Buffer.alloc(0);
    this.blockCount = from.blockCount;
    this.blockOffset = from.blockOffset;
    this.blockLength = from.blockLength;
    this.block = from.block;
    this.offset = from.offset;
    this.length = from.length;
  }

  /**
   * Seals the spool and lets go of its file without removing it: another thread reads it from
   * there on (new RecordSpool(snapshot)). The row columns go with the snapshot.
   */
  detach(): SpoolSnapshot {
    this.seal();
    closeSync(this.fd);
    this.closed = true;
    const s: SpoolSnapshot = { dir: this.dir, size: this.size, blockCount: this.blockCount, blockOffset: this.blockOffset, blockLength: this.blockLength, block: this.block, offset: this.offset, length: this.length };
    this.block = this.offset = this.length = new Uint32Array(0);
    return s;
  }

  /** The buffers of a snapshot, to transfer rather than copy. */
  static transferables(s: SpoolSnapshot): ArrayBuffer[] {
    return [s.block.buffer, s.offset.buffer, s.length.buffer];
  }

  /** Row `row`'s line (rows come 0, 1, 2, …). */
  append(row: number, line: Buffer): void {
    if (row >= this.block.length) this.grow(Math.max(1024, this.block.length * 2));
    if (this.pendingLen > 0 && this.pendingLen + line.length + 1 > this.pending.length) this.seal();
    if (line.length + 1 > this.pending.length) this.pending = Buffer.allocUnsafe(line.length + 1);
    this.block[row] = this.blockCount;
    this.offset[row] = this.pendingLen;
    this.length[row] = line.length;
    line.copy(this.pending, this.pendingLen);
    this.pending[this.pendingLen + line.length] = 0x0a;
    this.pendingLen += line.length + 1;
  }

  /** Row `row`'s line, as text. */
  read(row: number): string {
    if (this.closed) throw new Error('connection-store: read after close');
    const b = this.block[row] as number;
    const data = b === this.blockCount ? this.pending : this.inflate(b);
    const at = this.offset[row] as number;
    return data.toString('utf8', at, at + (this.length[row] as number));
  }

  /** Writes the block being filled to the file, deflated, and starts the next one. */
  seal(): void {
    if (this.pendingLen === 0 || this.closed) return;
    const compressed = deflateRawSync(this.pending.subarray(0, this.pendingLen), { level: 1 });
    writeSync(this.fd, compressed, 0, compressed.length, this.size);
    this.blockOffset.push(this.size);
    this.blockLength.push(compressed.length);
    this.size += compressed.length;
    this.blockCount++;
    this.pendingLen = 0;
    if (this.pending.length > BLOCK_BYTES) this.pending = Buffer.allocUnsafe(BLOCK_BYTES);
  }

  /** Removes the file and its folder. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private inflate(b: number): Buffer {
    let data = this.inflated.get(b);
    if (data !== undefined) {
      this.inflated.delete(b);
      this.inflated.set(b, data); // most recently used last
      return data;
    }
    const compressed = Buffer.allocUnsafe(this.blockLength[b] as number);
    readSync(this.fd, compressed, 0, compressed.length, this.blockOffset[b] as number);
    data = inflateRawSync(compressed);
    this.inflated.set(b, data);
    if (this.inflated.size > BLOCKS_KEPT) this.inflated.delete(this.inflated.keys().next().value as number);
    return data;
  }

  private grow(cap: number): void {
    const g = (old: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> => {
      const a = new Uint32Array(cap);
      a.set(old);
      return a;
    };
    this.block = g(this.block);
    this.offset = g(this.offset);
    this.length = g(this.length);
  }
}
