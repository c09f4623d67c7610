/**
 * One range of a classic pcap file, read by its own pcap-parser on a worker thread
 * (parallel-pcap.ts runs several). The worker reads the range's bytes, finds its first record
 * (range-sync.ts) unless told where it is, walks the record headers as pcap-reader.ts's guard does,
 * feeds pcap-parser the file header and the whole records, and hands back the bytes and each
 * record's fields in one Uint32Array (both transferred, not copied).
 *
 * Anything the single reader would warn or fail about (a length above the cap or the snap length,
 * a sub-second field of a second or more, a record cut by the file's end) stops the range with
 * `unusual` set: the main thread then reads from this range's start itself, with the single
 * reader, so every warning and error is the single reader's, word for word.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { parentPort } from 'node:worker_threads';
import { parse as pcapParse, type Packet } from 'pcap-parser';
import { MAX_RECORD_CAPLEN } from './limits.js';
import { FILE_HEADER_LEN, findRecordStart, RECORD_HEADER_LEN, type SyncParams } from './range-sync.js';

export interface RangeJob {
  index: number;
  path: string;
  /** File size when reading began. */
  size: number;
  /** The range's first byte: an exact record start when `exact`, else a guess to sync from. */
  from: number;
  exact: boolean;
  /** Records starting before this offset belong to the range. */
  bound: number;
  /** The file header, 24 bytes, as read by the main thread. */
  header: Uint8Array;
  sync: SyncParams;
  /** A buffer to read into, handed back from an earlier range (its contents are garbage), or null. */
  reuse: ArrayBuffer | null;
}

/** Fields per record in RangeResult.fields. */
export const FIELDS = 5;
export const F = { OFFSET: 0, CAPLEN: 1, ORIGLEN: 2, SEC: 3, FRAC: 4 } as const;

export interface RangeResult {
  index: number;
  /** File offset of the first record read, or -1 when no record start was found. */
  start: number;
  /** File offset just past the last record read: the next range's first record. */
  end: number;
  count: number;
  /** File offset of data[0]. */
  dataOffset: number;
  data: ArrayBuffer;
  /** FIELDS numbers per record: offset in data of its bytes, caplen, origlen, ts_sec, ts_frac. */
  fields: ArrayBuffer;
  /** The range stopped where the single reader would warn or fail. */
  unusual: boolean;
  /** Set when the worker itself failed. */
  failure?: string;
}

/** Feeds pcap-parser synchronously (as pcap-reader.ts does). */
class FeedStream extends EventEmitter {
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
}

const USEC_MAGIC = 0xa1b2c3d4;

export function readRange(job: RangeJob): RangeResult {
  const readEnd = Math.min(job.size, job.bound + RECORD_HEADER_LEN + MAX_RECORD_CAPLEN);
  const want = Math.max(0, readEnd - job.from);
  const data = job.reuse !== null && job.reuse.byteLength >= want ? Buffer.from(job.reuse, 0, want) : Buffer.allocUnsafeSlow(want);
  const fd = openSync(job.path, 'r');
  let got = 0;
  try {
    while (got < data.length) {
      const n = readSync(fd, data, got, data.length - got, job.from + got);
      if (n === 0) break;
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  const buf = data.subarray(0, got);
  const fileEnd = job.from + got === job.size ? got : -1;
  const boundRel = job.bound - job.from;
  const empty = new ArrayBuffer(0);
  // With no record to hand back, the buffer still goes back to the main thread for the next range.
  const result: RangeResult = { index: job.index, start: -1, end: -1, count: 0, dataOffset: job.from, data: data.buffer as ArrayBuffer, fields: empty, unusual: false };
  const startRel = job.exact ? 0 : findRecordStart(buf, 0, Math.min(boundRel, buf.length), job.sync, fileEnd);
  if (startRel < 0) return result;

  // The guard of pcap-reader.ts: whole records only, and stop where the single reader would speak.
  const le = job.sync.littleEndian;
  const perSecond = job.sync.nanosecond ? 1_000_000_000 : 1_000_000;
  const snaplen = job.sync.snaplen;
  let pos = startRel;
  let count = 0;
  while (pos < boundRel) {
    if (pos + RECORD_HEADER_LEN > buf.length) {
      result.unusual = true; // cut inside a header (the file's end)
      break;
    }
    const caplen = le ? buf.readUInt32LE(pos + 8) : buf.readUInt32BE(pos + 8);
    const frac = le ? buf.readUInt32LE(pos + 4) : buf.readUInt32BE(pos + 4);
    if (caplen > MAX_RECORD_CAPLEN || (snaplen > 0 && caplen > snaplen) || frac >= perSecond || pos + RECORD_HEADER_LEN + caplen > buf.length) {
      result.unusual = true;
      break;
    }
    pos += RECORD_HEADER_LEN + caplen;
    count++;
  }

  const fields = new Uint32Array(count * FIELDS);
  let k = 0;
  const feed = new FeedStream();
  const parser = pcapParse(feed);
  parser.on('packet', (p: Packet) => {
    const h = p.header;
    fields[k + F.OFFSET] = p.data.byteOffset - buf.byteOffset;
    fields[k + F.CAPLEN] = h.capturedLength;
    fields[k + F.ORIGLEN] = h.originalLength;
    fields[k + F.SEC] = h.timestampSeconds;
    fields[k + F.FRAC] = h.timestampMicroseconds;
    k += FIELDS;
  });
  parser.on('error', (err: Error) => {
    throw err;
  });
  const header = Buffer.from(job.header.buffer, job.header.byteOffset, FILE_HEADER_LEN);
  const usec = Buffer.from(header);
  // pcap-parser knows only the microsecond magic; the nanosecond layout is the same (pcap-reader.ts).
  if (le) usec.writeUInt32LE(USEC_MAGIC, 0);
  else usec.writeUInt32BE(USEC_MAGIC, 0);
  feed.emit('data', usec);
  parser.buffer = null;
  if (pos > startRel) feed.emit('data', buf.subarray(startRel, pos));
  parser.buffer = null;
  if (k !== count * FIELDS) throw new Error(`pcap-parser gave ${k / FIELDS} records where the guard walked ${count}`);

  result.start = job.from + startRel;
  result.end = job.from + pos;
  result.count = count;
  result.data = data.buffer as ArrayBuffer;
  result.fields = fields.buffer;
  return result;
}

parentPort?.on('message', (job: RangeJob) => {
  let result: RangeResult;
  try {
    result = readRange(job);
  } catch (err) {
    const empty = new ArrayBuffer(0);
    result = { index: job.index, start: -1, end: -1, count: 0, dataOffset: job.from, data: empty, fields: empty, unusual: true, failure: (err as Error).message };
  }
  const transfer: ArrayBuffer[] = [];
  if (result.data.byteLength > 0) transfer.push(result.data);
  if (result.fields.byteLength > 0) transfer.push(result.fields);
  parentPort?.postMessage(result, transfer);
});
