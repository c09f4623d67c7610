/**
 * The part of Zeek's reassembler that conn.log shows: content gaps (`missed_bytes`, history
 * G/g) and whether data is still pending when an endpoint closes. zeek/zeek src/Reassem.cc
 * (Reassembler, DataBlockList::Trim) and src/analyzer/protocol/tcp/TCP_Reassembler.cc
 * (DataSent, AckReceived, Undelivered, BlockInserted, DataPending, CheckEOF).
 *
 * Zeek keeps the payload of blocks not yet acknowledged; for gaps only their sequence ranges
 * matter, so this keeps ranges, merged when they touch (merging does not change where a gap
 * starts or ends: Undelivered walks blocks in order and BlockInserted delivers a contiguous
 * run). Sequence numbers are Zeek's relative ones (the first data byte after the SYN is 1),
 * 64-bit in Zeek, exact as JS numbers below 2^53.
 *
 * Memory: the ranges are bounded by Zeek's own limits — more than
 * tcp_max_above_hole_without_any_acks (16384) bytes above a hole before any ACK, or more than
 * tcp_excessive_data_without_further_acks (10 MiB) buffered, and Zeek drops its blocks and
 * stops delivering (skip_deliveries), and so does this — plus one of ours: at most
 * MAX_RANGES (1024) disjoint ranges (1024 holes unacknowledged at once); past it the
 * direction is treated as Zeek treats excessive data, and `rangeLimitHit` says so.
 */

export const MAX_RANGES = 1024;
/** Shared, never written: a direction gets its own list at its first block. */
const NO_RANGES: number[] = [];

/** Receives the holes TCP_Reassembler::Undelivered finds (TCP_Reassembler::Gap). */
export interface GapSink<E> {
  gap(ep: E, at: number, len: number): void;
}

export class ContentGaps {
  /** Reassembler::last_reassem_seq: everything below was delivered or reported missing. */
  lastReassemSeq = 1;
  /** Reassembler::trim_seq: everything below was acknowledged and dropped. */
  trimSeq = 1;
  /** Sorted disjoint [start, end) pairs: the blocks Zeek would hold. */
  private ranges: number[] = NO_RANGES;
  skipDeliveries = false;
  didEof = false;
  rangeLimitHit = false;

  hasBlocks(): boolean {
    return this.ranges.length > 0;
  }

  /** DataBlockList::DataSize. */
  dataSize(): number {
    let n = 0;
    const r = this.ranges;
    for (let i = 0; i < r.length; i += 2) n += (r[i + 1] as number) - (r[i] as number);
    return n;
  }

  /** Reassembler::NumUndeliveredBytes: buffered bytes above last_reassem_seq. */
  undeliveredBytes(): number {
    const r = this.ranges;
    if (r.length === 0) return 0;
    const upper = r[r.length - 1] as number;
    return upper > this.lastReassemSeq ? upper - this.lastReassemSeq : 0;
  }

  clear(): void {
    this.ranges.length = 0;
  }

  /** Reassembler::NewBlock (without the payload overlap check). Returns false past MAX_RANGES. */
  newBlock(seq: number, len: number): boolean {
    if (len <= 0) return true;
    if (this.ranges === NO_RANGES) this.ranges = [];
    let upper = seq + len;
    if (upper <= this.trimSeq) return true; // "Old data, don't do any work for it."
    if (seq < this.trimSeq) seq = this.trimSeq; // "Partially old data, just keep the good stuff."
    const r = this.ranges;
    // Find the first range whose end reaches seq, then merge every range that touches [seq, upper).
    let i = 0;
    while (i < r.length && (r[i + 1] as number) < seq) i += 2;
    let j = i;
    while (j < r.length && (r[j] as number) <= upper) {
      if ((r[j] as number) < seq) seq = r[j] as number;
      if ((r[j + 1] as number) > upper) upper = r[j + 1] as number;
      j += 2;
    }
    if (j === i && r.length >= 2 * MAX_RANGES) {
      this.rangeLimitHit = true;
      return false;
    }
    // Replace ranges [i, j) by [seq, upper) in place (no splice: it would allocate per segment).
    if (j === i) {
      r.push(0, 0);
      for (let k = r.length - 1; k >= i + 2; k--) r[k] = r[k - 2] as number;
    } else if (j > i + 2) {
      const d = j - i - 2;
      for (let k = i + 2; k + d < r.length; k++) r[k] = r[k + d] as number;
      r.length -= d;
    }
    r[i] = seq;
    r[i + 1] = upper;
    this.blockInserted();
    return true;
  }

  /**
   * TCP_Reassembler::BlockInserted: a block that covers last_reassem_seq fills the leading hole
   * and everything contiguous is delivered.
   */
  blockInserted(): void {
    const r = this.ranges;
    for (let i = 0; i < r.length; i += 2) {
      const s = r[i] as number;
      const e = r[i + 1] as number;
      if (s > this.lastReassemSeq) return;
      if (e > this.lastReassemSeq) {
        this.lastReassemSeq = e;
        return;
      }
    }
  }

  /** Trims what lies wholly below `seq` (DataBlockList::Trim's loop) and sets trim_seq. */
  dropBelow(seq: number): void {
    const r = this.ranges;
    let n = 0;
    while (n < r.length && (r[n + 1] as number) <= seq) n += 2;
    if (n > 0) {
      for (let k = 0; k + n < r.length; k++) r[k] = r[k + n] as number;
      r.length -= n;
    }
    if (r.length > 0 && r[0] === this.lastReassemSeq) this.blockInserted();
    if (seq > this.trimSeq) this.trimSeq = seq;
  }

  /**
   * The ranges at or above last_reassem_seq and below upTo, in order, as the holes
   * TCP_Reassembler::Undelivered reports: calls gap(at, len) for each hole, delivering the
   * blocks after it, then the hole up to upTo (no closure: the sink is the session).
   */
  forEachHole<E>(upTo: number, sink: GapSink<E>, ep: E): void {
    const r = this.ranges;
    for (let i = 0; i < r.length; i += 2) {
      const s = r[i] as number;
      const e = r[i + 1] as number;
      if (e <= this.lastReassemSeq) continue; // "Already delivered this block."
      if (s >= upTo) break; // "Block is beyond what we need to process at this point."
      if (s > this.lastReassemSeq) {
        sink.gap(ep, this.lastReassemSeq, s - this.lastReassemSeq);
        this.lastReassemSeq = s;
      }
      // BlockInserted: deliver the block.
      this.lastReassemSeq = e;
    }
    if (upTo > this.lastReassemSeq) sink.gap(ep, this.lastReassemSeq, upTo - this.lastReassemSeq);
  }
}
