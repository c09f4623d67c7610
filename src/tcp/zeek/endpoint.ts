/**
 * Zeek's view of one endpoint, to the letter of zeek/zeek src/analyzer/protocol/tcp/
 * TCP_Endpoint.{h,cc} (../shared/ANCHORS.md §1.2): seven coarse states and the sequence
 * bookkeeping behind conn.log's orig_bytes/resp_bytes. Kept apart from the RFC machine: this
 * one exists to reproduce Zeek's numbers exactly, quirks included.
 */
import { seqDiff } from '../seq.js';

export const ZeekState = {
  INACTIVE: 0,
  SYN_SENT: 1,
  SYN_ACK_SENT: 2,
  PARTIAL: 3,
  ESTABLISHED: 4,
  CLOSED: 5,
  RESET: 6,
} as const;
export type ZeekState = (typeof ZeekState)[keyof typeof ZeekState];

export const ZEEK_STATE_NAMES = ['INACTIVE', 'SYN_SENT', 'SYN_ACK_SENT', 'PARTIAL', 'ESTABLISHED', 'CLOSED', 'RESET'] as const;

const TWO32 = 4294967296;

/** Connection::ScaledHistoryEntry: a letter at the 1st, 10th, 100th … instance. */
export class ScaledCounter {
  count = 0;
  threshold = 1;

  /** Counts one instance; true when this one gets a history letter. */
  hit(): boolean {
    if (++this.count !== this.threshold) return false;
    this.threshold *= 10;
    return true;
  }
}

export class ZeekEndpoint {
  state: ZeekState = ZeekState.INACTIVE;
  prevState: ZeekState = ZeekState.INACTIVE;
  startSeq = 0;
  lastSeq = 0;
  ackSeq = 0;
  seqWraps = 0;
  ackWraps = 0;
  finCount = 0;
  didClose = false;
  histLastSyn = 0;
  histLastFin = 0;
  histLastRst = 0;
  readonly retransmissions = new ScaledCounter();
  readonly zeroWindows = new ScaledCounter();
  /** ConnSize analyzer: packets and IP bytes. */
  packets = 0;
  ipBytes = 0;

  constructor(public isOrig: boolean) {}

  setState(s: ZeekState): void {
    if (s !== this.state) {
      this.prevState = this.state;
      this.state = s;
    }
  }

  updateLastSeq(seq: number): void {
    if (seq < this.lastSeq) this.seqWraps++;
    this.lastSeq = seq;
  }

  updateAckSeq(seq: number): void {
    if (seq < this.ackSeq) this.ackWraps++;
    this.ackSeq = seq;
  }

  noDataAcked(): boolean {
    const ack = this.ackWraps * TWO32 + this.ackSeq;
    return ack === this.startSeq || ack === this.startSeq + 1;
  }

  /** TCP_Endpoint::Size(): payload bytes from sequence numbers, SYN and FIN octets removed. */
  size(peer: ZeekEndpoint): number {
    if (this.prevState === ZeekState.SYN_SENT && this.state === ZeekState.RESET && peer.state === ZeekState.INACTIVE && !this.noDataAcked()) {
      // "a half-open connection was discovered and aborted"
      return 0;
    }
    const last = this.seqWraps * TWO32 + this.lastSeq;
    const ack = this.ackWraps * TWO32 + this.ackSeq;
    // Zeek subtracts in uint64: a negative difference wraps to a huge number.
    let size = (last > ack ? last : ack) - this.startSeq;
    if (size < 0) size += 2 ** 64;
    if (size !== 0) size--;
    if (this.finCount > 0 && size !== 0) size--;
    return size;
  }

  /** get_relative_seq() for history purposes (only compared for equality). */
  relativeSeq(cur: number, last: number, wraps: number): number {
    const delta = seqDiff(cur, last);
    let w = wraps;
    if (delta < 0) {
      if (w !== 0 && cur > last) w--;
    } else if (delta > 0) {
      if (cur < last) w++;
    }
    if (w === 0) return seqDiff(cur, this.startSeq);
    return w * TWO32 + cur - this.startSeq;
  }
}
