/**
 * Zeek's view of one endpoint, to the letter of zeek/zeek src/analyzer/protocol/tcp/
 * TCP_Endpoint.{h,cc}: seven coarse states and the sequence bookkeeping behind conn.log's
 * orig_bytes/resp_bytes. Kept apart from the RFC machine: this one exists to reproduce Zeek's
 * numbers exactly, quirks included. The states are observer states, not RFC 9293 §3.3.2 ones.
 */
import { seqDiff } from '../seq.js';
import { ContentGaps } from './gaps.js';

/** TCP_Endpoint.h `EndpointState`, spelled as Zeek's init-bare.zeek constants (TCP_INACTIVE …). */
export const ZeekState = {
  INACTIVE: 'INACTIVE',
  SYN_SENT: 'SYN_SENT',
  SYN_ACK_SENT: 'SYN_ACK_SENT',
  PARTIAL: 'PARTIAL',
  ESTABLISHED: 'ESTABLISHED',
  CLOSED: 'CLOSED',
  RESET: 'RESET',
} as const;
export type ZeekState = (typeof ZeekState)[keyof typeof ZeekState];

const TWO32 = 4294967296;
const UNTOUCHED_GAPS = new ContentGaps();

/** TCP_Endpoint.cc is_handshake(). */
export function isHandshake(s: ZeekState): boolean {
  return s === ZeekState.INACTIVE || s === ZeekState.SYN_SENT || s === ZeekState.SYN_ACK_SENT;
}

export class ZeekEndpoint {
  state: ZeekState = ZeekState.INACTIVE;
  prevState: ZeekState = ZeekState.INACTIVE;
  peer!: ZeekEndpoint;
  startSeq = 0;
  lastSeq = 0;
  ackSeq = 0;
  seqWraps = 0;
  ackWraps = 0;
  finCount = 0;
  rstCount = 0;
  /** Relative sequence number one past the FIN (TCP_Endpoint::FIN_seq), 0 before any FIN. */
  finSeq = 0;
  didClose = false;
  histLastSyn = 0;
  histLastFin = 0;
  histLastRst = 0;
  /** Window tracking (update_window, init_window). */
  windowScale = 0;
  window = 0;
  windowSeq = 0;
  windowAckSeq = 0;
  lastTime = 0;
  /** Session::ScaledHistoryEntry counters and thresholds (TCP_Endpoint rxmt_, win0_, chk_, gap_). */
  private rxmtCnt = 0;
  private rxmtThresh = 1;
  private win0Cnt = 0;
  private win0Thresh = 1;
  private chkCnt = 0;
  private chkThresh = 1;
  private gapCnt = 0;
  private gapThresh = 1;
  /**
   * The reassembler's view of this endpoint's byte stream (content gaps): a shared, never
   * written default until something changes it (ownGaps), so a SYN-only connection makes none.
   */
  gaps: ContentGaps = UNTOUCHED_GAPS;
  /** ConnSize analyzer: packets and IP bytes. */
  packets = 0;
  ipBytes = 0;

  constructor(public isOrig: boolean) {}

  /** TCP_Endpoint::SetState (the inactivity-timer switch is the session's: see ZeekSession.setState). */
  setState(s: ZeekState): void {
    if (s !== this.state) {
      this.prevState = this.state;
      this.state = s;
    }
  }

  /** TCP_Endpoint::DidRxmit … Gap: counts one instance; true when it gets a history letter (1st, 10th, 100th …). */
  didRxmit(): boolean {
    if (++this.rxmtCnt !== this.rxmtThresh) return false;
    this.rxmtThresh *= 10;
    return true;
  }

  zeroWindow(): boolean {
    if (++this.win0Cnt !== this.win0Thresh) return false;
    this.win0Thresh *= 10;
    return true;
  }

  checksumError(): boolean {
    if (++this.chkCnt !== this.chkThresh) return false;
    this.chkThresh *= 10;
    return true;
  }

  gap(): boolean {
    if (++this.gapCnt !== this.gapThresh) return false;
    this.gapThresh *= 10;
    return true;
  }

  ownGaps(): ContentGaps {
    if (this.gaps === UNTOUCHED_GAPS) this.gaps = new ContentGaps();
    return this.gaps;
  }

  /** TCP_Endpoint::IsActive: "!= INACTIVE && ! did_close". */
  isActive(): boolean {
    return this.state !== ZeekState.INACTIVE && !this.didClose;
  }

  initStartSeq(seq: number): void {
    this.startSeq = seq;
    this.seqWraps = 0;
  }

  initAckSeq(seq: number): void {
    this.ackSeq = seq;
    this.ackWraps = 0;
  }

  initLastSeq(seq: number): void {
    this.lastSeq = seq;
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
  size(): number {
    const peer = this.peer;
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

  /** TCP_Endpoint::ToRelativeSeqSpace. */
  toRelativeSeqSpace(seq: number, wraps: number): number {
    return wraps * TWO32 + seq - this.startSeq;
  }
}

/**
 * TCPSessionAdapter::get_relative_seq. Sets RELATIVE.underflow when the sequence number lies
 * before the endpoint's start (only possible without wraps). Returns a 64-bit relative number.
 */
export const RELATIVE = { underflow: false };
export function relativeSeq(ep: ZeekEndpoint, cur: number, last: number, wraps: number): number {
  RELATIVE.underflow = false;
  const delta = seqDiff(cur, last);
  let w = wraps;
  if (delta < 0) {
    if (w !== 0 && cur > last) w--;
  } else if (delta > 0) {
    if (cur < last) w++;
  }
  if (w === 0) {
    const d = seqDiff(cur, ep.startSeq);
    if (d < 0) RELATIVE.underflow = true;
    // Returned as uint64 in Zeek; a negative delta only matters for equality tests here.
    return d;
  }
  return ep.toRelativeSeqSpace(cur, w);
}
