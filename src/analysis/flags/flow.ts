/**
 * One direction of a TCP conversation as Wireshark's sequence analysis keeps it: packet-tcp.c's
 * `tcp_flow_t` with its `tcp_analyze_seq_flow_info_t` (Wireshark 4.0, the tshark every oracle
 * here was made with). Field for field, with Wireshark's conventions kept on purpose: a next
 * sequence number, last ACK or "max seq to be acked" of 0 means "not seen yet", exactly as the
 * C code tests `if (nextseq)`, so the flags agree with tshark even where that convention is odd.
 */

import { TcpFlag } from '../../decode/fields.js';
import type { Segment } from '../../tcp/segment.js';

/** Wireshark's TCP_MAX_UNACKED_SEGMENTS: segments kept per direction for ACK RTT and bytes in flight. */
export const MAX_UNACKED_SEGMENTS = 10_000;

/** Window scale: -1 unknown (handshake not seen), -2 no scaling in use, else the shift count. */
export const WINDOW_SCALE_UNKNOWN = -1;
export const WINDOW_SCALE_NONE = -2;

/** Wireshark's dupacknum = -1, stored in a guint32 (see ack-lost-segment.ts). */
export const DUP_ACK_AFTER_UNSEEN = 0xffffffff;

export class WiresharkFlow {
  /** tcp_flow_t.win_scale. */
  winScale = WINDOW_SCALE_UNKNOWN;
  /** tcp_flow_t.window: the last raw (unscaled) window; G_MAXUINT32 until a segment is seen. */
  window = 0xffffffff;
  /** tcp_flow_t.is_first_ack: set by this direction's SYN, cleared by its first pure ACK (issue 14690). */
  isFirstAck = false;
  /** Analysis flags of the last segment of this direction (tcp_flow_t.lastsegmentflags). */
  lastSegmentFlags = 0;
  /** tcp_flow_t.valid_bif: bytes in flight can be trusted (cleared by a lost segment). */
  validBif = true;

  nextSeq = 0;
  nextSeqFrame = 0;
  nextSeqSec = 0;
  nextSeqNsec = 0;
  /** Highest contiguous sequence number seen: ACKs beyond it acknowledge unseen data. */
  maxSeqToBeAcked = 0;
  lastAck = 0;
  lastAckSec = 0;
  lastAckNsec = 0;
  /** Frame of the last segment that changed the ACK number (what a duplicate ACK duplicates). */
  lastNonDupAck = 0;
  /** Duplicate ACKs in a row (a guint32); DUP_ACK_AFTER_UNSEEN after an "ACKed unseen segment". */
  dupAckNum = 0;

  /**
   * Unacknowledged segments (tcp_unacked_t list), oldest first: UNACKED_STRIDE numbers each (seq,
   * next seq, frame, seconds, nanoseconds), in one list made at the first segment.
   */
  unackedCount = 0;
  unacked: number[] | null = null;

  // ---- tcplens's own counts beside Wireshark's state (the performance story) -----------------
  /** Segments with payload, their payload bytes, and the payload bytes of retransmissions. */
  dataSegments = 0;
  payloadBytes = 0;
  resentBytes = 0;
  /**
   * RFC 6298 §2 smoothed RTT and its variation (ns) from this direction's data as the peer
   * ACKs it (Wireshark's tcp.analysis.ack_rtt on the peer's ACKs); 0 samples = none yet.
   */
  rttSamples = 0;
  srttNs = 0;
  rttvarNs = 0;

  /** RFC 6298 §2.2–2.3: takes one RTT sample (ns). */
  addRttSample(ns: number): void {
    if (this.rttSamples++ === 0) {
      this.srttNs = ns;
      this.rttvarNs = ns / 2;
    } else {
      this.rttvarNs = 0.75 * this.rttvarNs + 0.25 * Math.abs(this.srttNs - ns);
      this.srttNs = 0.875 * this.srttNs + 0.125 * ns;
    }
  }

  /** SACK blocks of this direction's last segment (raw edges; only their sizes matter). */
  sackCount = 0;
  sackLeft0 = 0;
  sackRight0 = 0;
  sackLeft1 = 0;
  sackRight1 = 0;
  sackLeft2 = 0;
  sackRight2 = 0;

  addUnacked(seq: number, next: number, frame: number, sec: number, nsec: number): void {
    const u = this.unacked ?? (this.unacked = []);
    const i = UNACKED_STRIDE * this.unackedCount++;
    u[i] = seq;
    u[i + 1] = next;
    u[i + 2] = frame;
    u[i + 3] = sec;
    u[i + 4] = nsec;
  }

  /** Bytes the SACK blocks cover (each right − left, modulo 2^32). */
  sackedBytes(): number {
    let n = 0;
    if (this.sackCount > 0) n += (this.sackRight0 - this.sackLeft0) >>> 0;
    if (this.sackCount > 1) n += (this.sackRight1 - this.sackLeft1) >>> 0;
    if (this.sackCount > 2) n += (this.sackRight2 - this.sackLeft2) >>> 0;
    return n;
  }

  /** Numbers `packInto` writes: PACKED_FLOW_FIELDS, then UNACKED_STRIDE per unacknowledged segment. */
  packedLength(): number {
    return PACKED_FLOW_FIELDS + UNACKED_STRIDE * this.unackedCount;
  }

  /**
   * Writes this flow's whole state as numbers at `out[at]` on (packedLength() of them) and returns
   * where the next begins: a conversation that outlives its connection is kept this way (tcp/
   * tracker.ts, Tombstone), unboxed in one array, instead of as the object with its boxed numbers
   * (a third of the memory).
   */
  packInto(out: number[], at: number): number {
    out[at] = this.winScale;
    out[at + 1] = this.window;
    out[at + 2] = this.isFirstAck ? 1 : 0;
    out[at + 3] = this.lastSegmentFlags;
    out[at + 4] = this.validBif ? 1 : 0;
    out[at + 5] = this.nextSeq;
    out[at + 6] = this.nextSeqFrame;
    out[at + 7] = this.nextSeqSec;
    out[at + 8] = this.nextSeqNsec;
    out[at + 9] = this.maxSeqToBeAcked;
    out[at + 10] = this.lastAck;
    out[at + 11] = this.lastAckSec;
    out[at + 12] = this.lastAckNsec;
    out[at + 13] = this.lastNonDupAck;
    out[at + 14] = this.dupAckNum;
    out[at + 15] = this.dataSegments;
    out[at + 16] = this.payloadBytes;
    out[at + 17] = this.resentBytes;
    out[at + 18] = this.rttSamples;
    out[at + 19] = this.srttNs;
    out[at + 20] = this.rttvarNs;
    out[at + 21] = this.sackCount;
    out[at + 22] = this.sackLeft0;
    out[at + 23] = this.sackRight0;
    out[at + 24] = this.sackLeft1;
    out[at + 25] = this.sackRight1;
    out[at + 26] = this.sackLeft2;
    out[at + 27] = this.sackRight2;
    out[at + 28] = this.unackedCount;
    const u = this.unacked;
    const n = UNACKED_STRIDE * this.unackedCount;
    for (let i = 0; i < n; i++) out[at + PACKED_FLOW_FIELDS + i] = (u as number[])[i] as number;
    return at + PACKED_FLOW_FIELDS + n;
  }

  /** Takes the state `packInto` wrote at `from[at]`; returns where the next begins. */
  unpackFrom(from: readonly number[], at: number): number {
    this.winScale = from[at] as number;
    this.window = from[at + 1] as number;
    this.isFirstAck = from[at + 2] === 1;
    this.lastSegmentFlags = from[at + 3] as number;
    this.validBif = from[at + 4] === 1;
    this.nextSeq = from[at + 5] as number;
    this.nextSeqFrame = from[at + 6] as number;
    this.nextSeqSec = from[at + 7] as number;
    this.nextSeqNsec = from[at + 8] as number;
    this.maxSeqToBeAcked = from[at + 9] as number;
    this.lastAck = from[at + 10] as number;
    this.lastAckSec = from[at + 11] as number;
    this.lastAckNsec = from[at + 12] as number;
    this.lastNonDupAck = from[at + 13] as number;
    this.dupAckNum = from[at + 14] as number;
    this.dataSegments = from[at + 15] as number;
    this.payloadBytes = from[at + 16] as number;
    this.resentBytes = from[at + 17] as number;
    this.rttSamples = from[at + 18] as number;
    this.srttNs = from[at + 19] as number;
    this.rttvarNs = from[at + 20] as number;
    this.sackCount = from[at + 21] as number;
    this.sackLeft0 = from[at + 22] as number;
    this.sackRight0 = from[at + 23] as number;
    this.sackLeft1 = from[at + 24] as number;
    this.sackRight1 = from[at + 25] as number;
    this.sackLeft2 = from[at + 26] as number;
    this.sackRight2 = from[at + 27] as number;
    this.unackedCount = from[at + 28] as number;
    const start = at + PACKED_FLOW_FIELDS;
    const end = start + UNACKED_STRIDE * this.unackedCount;
    this.unacked = this.unackedCount === 0 ? null : from.slice(start, end);
    return end;
  }

  /** Forgets all but the newest `n` unacknowledged segments, and the list's spare room. */
  keepNewestUnacked(n: number): void {
    const from = Math.max(0, this.unackedCount - n);
    this.unacked = this.unackedCount === 0 || this.unacked === null ? null : this.unacked.slice(UNACKED_STRIDE * from, UNACKED_STRIDE * this.unackedCount);
    this.unackedCount -= from;
  }
}

/** Numbers per unacknowledged segment in WiresharkFlow.unacked. */
export const UNACKED_STRIDE = 5;
/** Numbers WiresharkFlow.packInto writes before the unacknowledged segments. */
const PACKED_FLOW_FIELDS = 29;

/**
 * The part that window update, keep-alive ACK, zero-window-probe ACK and duplicate ACK share
 * (packet-tcp.c tcp_analyze_sequence_number): no payload, the next expected sequence number,
 * the direction's last ACK number again, and none of SYN, FIN and RST.
 */
export function repeatsLastAck(seg: Segment, fwd: WiresharkFlow): boolean {
  return seg.len === 0 && seg.seq === fwd.nextSeq && seg.ack === fwd.lastAck && (seg.flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) === 0;
}

/**
 * tcp.window_size of a segment from the flow `fwd` (dissect_tcp): a SYN's window is never scaled;
 * otherwise the raw window shifted by the flow's scale when known, else raw (tcp_default_window_scaling
 * is "not known" by default). Call before windowOptions for the same segment.
 */
export function scaledWindow(seg: Segment, fwd: WiresharkFlow): number {
  return (seg.flags & TcpFlag.SYN) === 0 && fwd.winScale >= 0 ? seg.win * 2 ** fwd.winScale : seg.win;
}

/**
 * The window-scale option of a segment (dissect_tcpopt_wscale: any segment's, clamped to 14),
 * then verify_tcp_window_scaling on SYNs: a SYN without the option turns scaling off both ways,
 * and so does a SYN,ACK with it answering a SYN without.
 */
export function windowOptions(seg: Segment, fwd: WiresharkFlow, rev: WiresharkFlow): void {
  if (seg.wscale >= 0) fwd.winScale = seg.wscale > 14 ? 14 : seg.wscale;
  if ((seg.flags & TcpFlag.SYN) === 0) return;
  if (fwd.winScale === WINDOW_SCALE_UNKNOWN) {
    fwd.winScale = WINDOW_SCALE_NONE;
    rev.winScale = WINDOW_SCALE_NONE;
  } else if ((seg.flags & TcpFlag.ACK) !== 0 && rev.winScale === WINDOW_SCALE_NONE) {
    fwd.winScale = WINDOW_SCALE_NONE;
  }
}
