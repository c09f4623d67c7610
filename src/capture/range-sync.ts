/**
 * Record boundaries of a classic pcap file found from the middle, so that several pcap-parser
 * instances can read byte ranges of one file at once (parallel-pcap.ts).
 *
 * A classic pcap file has no sync marker: a record is only known by the record before it
 * (draft-ietf-opsawg-pcap-04 §5: ts_sec(4) ts_frac(4) caplen(4) origlen(4) data[caplen]). From an
 * arbitrary offset, a candidate start is accepted when a chain of CHAIN record headers read from
 * it is consistent, the test libpcap's own readers never need and tools like pcapfix use to
 * resynchronise: every captured length at most the snap length (the 256 KiB cap when the header
 * gives none) and at most the original length, every sub-second field below one second, and each
 * timestamp within WINDOW_SEC of the one before it and of the file's first record.
 *
 * The guess is only an accelerator, never trusted: the reader of range i walks its records one by
 * one from a known start and ends on an exact boundary; range i+1 is used only if its guessed start
 * equals that boundary (parallel-pcap.ts), so a wrong guess costs time, never a frame.
 */
import { MAX_RECORD_CAPLEN } from './limits.js';

export const FILE_HEADER_LEN = 24;
export const RECORD_HEADER_LEN = 16;
/** Record headers that must agree before a candidate start is believed. */
export const CHAIN = 8;
/** Seconds two neighbouring records (and a record and the file's first) may lie apart. */
export const WINDOW_SEC = 366 * 86_400;

export interface SyncParams {
  littleEndian: boolean;
  nanosecond: boolean;
  /** The file header's snap length; 0 means none given. */
  snaplen: number;
  /** ts_sec of the file's first record, or -1 when unknown. */
  firstSec: number;
}

function u32(buf: Buffer, at: number, le: boolean): number {
  return le ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
}

/** True when the record header at buf[at] is plausible on its own (after `prevSec`, -1 for none). */
function plausibleHeader(buf: Buffer, at: number, p: SyncParams, prevSec: number): boolean {
  const le = p.littleEndian;
  const sec = u32(buf, at, le);
  const frac = u32(buf, at + 4, le);
  const caplen = u32(buf, at + 8, le);
  const origlen = u32(buf, at + 12, le);
  if (frac >= (p.nanosecond ? 1_000_000_000 : 1_000_000)) return false;
  if (caplen > (p.snaplen > 0 ? Math.min(p.snaplen, MAX_RECORD_CAPLEN) : MAX_RECORD_CAPLEN)) return false;
  if (caplen > origlen) return false;
  if (prevSec >= 0 && Math.abs(sec - prevSec) > WINDOW_SEC) return false;
  if (p.firstSec >= 0 && Math.abs(sec - p.firstSec) > WINDOW_SEC) return false;
  return true;
}

/**
 * Whether a chain of CHAIN records starting at buf[at] is consistent. A chain that runs exactly
 * into `fileEnd` (buf index of the file's last byte + 1, or -1 when buf does not reach it) with
 * fewer records is accepted too: the file's last records.
 */
export function chainHolds(buf: Buffer, at: number, p: SyncParams, fileEnd: number): boolean {
  let pos = at;
  let prevSec = -1;
  for (let n = 0; n < CHAIN; n++) {
    if (pos === fileEnd) return n > 0;
    if (pos + RECORD_HEADER_LEN > buf.length) return false;
    if (!plausibleHeader(buf, pos, p, prevSec)) return false;
    prevSec = u32(buf, pos, p.littleEndian);
    pos += RECORD_HEADER_LEN + u32(buf, pos + 8, p.littleEndian);
    if (fileEnd >= 0 && pos > fileEnd) return false;
  }
  return true;
}

/**
 * The first index in [from, until) of buf at which a consistent chain starts, or -1.
 * `fileEnd` as for chainHolds.
 */
export function findRecordStart(buf: Buffer, from: number, until: number, p: SyncParams, fileEnd: number): number {
  for (let at = from; at < until; at++) {
    if (chainHolds(buf, at, p, fileEnd)) return at;
  }
  return -1;
}
