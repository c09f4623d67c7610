/**
 * Wireshark's sequence analysis of one conversation, step for step as packet-tcp.c (Wireshark
 * 4.0) runs it for each new frame: `dissect_tcp` (the SYN checks of the conversation, the base
 * numbers, the scaled window, the initial RTT, the options) around
 * `tcp_analyze_sequence_number` (the flags, the ACKed frame and its RTT, bytes in flight). Each
 * flag's predicate lives in its own file beside this one, named after the flag; this file only
 * keeps Wireshark's order and its jumps (`goto finished_fwd`, `goto
 * finished_checking_retransmission_type`), which decide which flags exclude which.
 *
 * Results of the segment just analysed are in the `frame*` fields (valid until the next one);
 * frames with flags are kept per connection, compactly.
 */
import { TcpFlag } from '../../decode/fields.js';
import type { Connection } from '../../tcp/connection.js';
import { BaseEvent } from '../../tcp/relative-seq.js';
import type { Segment } from '../../tcp/segment.js';
import { seqAdd, seqGt, seqLeq } from '../../tcp/seq.js';
import { checkAckLostSegment } from './ack-lost-segment.js';
import { countDuplicateAck, isDuplicateAck } from './duplicate-ack.js';
import { isFastRetransmission } from './fast-retransmission.js';
import { Flag, flagNames, hasFlag, WIRESHARK_FLAGS, type WiresharkFlag } from './flag-bits.js';
import { MAX_UNACKED_SEGMENTS, UNACKED_STRIDE, WiresharkFlow, scaledWindow, windowOptions } from './flow.js';
import { formatDelta, nstimeDelta } from './nstime.js';
import { isKeepAliveAck } from './keep-alive-ack.js';
import { isKeepAlive } from './keep-alive.js';
import { isLostSegment } from './lost-segment.js';
import { isOutOfOrder } from './out-of-order.js';
import { seqNotAdvanced } from './retransmission.js';
import { isSpuriousRetransmission } from './spurious-retransmission.js';
import { isWindowFull } from './window-full.js';
import { isWindowUpdate } from './window-update.js';
import { isZeroWindowProbeAck } from './zero-window-probe-ack.js';
import { isZeroWindowProbe } from './zero-window-probe.js';
import { isZeroWindow } from './zero-window.js';

/** Flagged frames kept per connection (a few bytes each); counts go on past it. */
export const MAX_FLAGGED_FRAMES = 200_000;
/** Wireshark's sanity bound on bytes in flight (packet-tcp.c: `in_flight < 2000000000`). */
const MAX_BYTES_IN_FLIGHT = 2_000_000_000;

/** Unacknowledged segments per direction kept for a conversation that outlives its connection. */
const CARRIED_UNACKED = 64;

/**
 * A conversation carried past its connection (SequenceAnalysis.carried): the most recent pure
 * SYN's time, the initial RTT (seconds, nanoseconds, and ns for the out-of-order threshold), then
 * endpoint a's flow and b's as WiresharkFlow.packInto writes them. Numbers in one array: a
 * tombstone holds it for as long as 50,000 others (tcp/tracker.ts).
 */
export type CarriedConversation = readonly number[];
const CARRIED_HEAD = 5;

/** One flagged frame, as reports show it. */
export interface FlaggedFrame {
  frame: number;
  flags: WiresharkFlag[];
  /** tcp.analysis.duplicate_ack_num and duplicate_ack_frame, on duplicate ACKs. */
  duplicateAckNum?: number;
  duplicateAckFrame?: number;
}

export class SequenceAnalysis {
  /** Frames per flag name (tcp.analysis.retransmission includes fast and spurious ones). */
  readonly counts: Partial<Record<WiresharkFlag, number>> = {};
  private a = new WiresharkFlow();
  private b = new WiresharkFlow();
  /** Most recent pure SYN (tcpd->ts_mru_syn) and the initial RTT (ts_first_rtt); 0 = unset, as in C. */
  private mruSynSec = 0;
  private mruSynNsec = 0;
  private readonly firstRtt: [number, number] = [0, 0];
  /** The initial RTT in ns for the out-of-order threshold (0 unset; Infinity when negative, as a guint64). */
  private firstRttNs = 0;

  /** Kept flagged frames: frame, bits, duplicate number and frame, four numbers each. */
  private flaggedData: number[] = [];
  flaggedCount = 0;

  // ---- the segment just analysed ----------------------------------------------------------
  frameFlags = 0;
  frameDupAckNum = 0;
  frameDupAckFrame = 0;
  /** tcp.analysis.acks_frame (0: none) and tcp.analysis.ack_rtt as seconds and nanoseconds. */
  frameAckedFrame = 0;
  readonly frameAckRtt: [number, number] = [0, 0];
  /** tcp.analysis.bytes_in_flight (0: not shown). */
  frameBytesInFlight = 0;
  /** Nanoseconds since the previous segment in the same direction (-1 for its first). */
  frameSilenceNs = -1;
  /** tcp.window_size (scaled when the scale is known) and tcp.window_size_scalefactor (-1 unknown, -2 none; null on SYNs). */
  frameWindowSize = 0;
  frameScaleFactor: number | null = null;

  /**
   * What a later connection of the four-tuple needs to carry on this conversation (tcp/tracker.ts,
   * Tombstone): the two flows, with at most CARRIED_UNACKED of their newest unacknowledged
   * segments each (older ones lose their ACK RTT: the price of bounded memory), and the RTTs.
   */
  carried(): CarriedConversation {
    this.a.keepNewestUnacked(CARRIED_UNACKED);
    this.b.keepNewestUnacked(CARRIED_UNACKED);
    // Sized once: an array grown by writes would keep half as much again spare.
    const out = new Array<number>(CARRIED_HEAD + this.a.packedLength() + this.b.packedLength());
    out[0] = this.mruSynSec;
    out[1] = this.mruSynNsec;
    out[2] = this.firstRtt[0];
    out[3] = this.firstRtt[1];
    out[4] = this.firstRttNs;
    const second = this.a.packInto(out, CARRIED_HEAD);
    this.b.packInto(out, second);
    return out;
  }

  /** Carries on an earlier connection's conversation; its counts and flagged frames are its own. */
  carryOn(from: CarriedConversation, swapped: boolean): void {
    this.mruSynSec = from[0] as number;
    this.mruSynNsec = from[1] as number;
    this.firstRtt[0] = from[2] as number;
    this.firstRtt[1] = from[3] as number;
    this.firstRttNs = from[4] as number;
    const second = (swapped ? this.b : this.a).unpackFrom(from, CARRIED_HEAD);
    (swapped ? this.a : this.b).unpackFrom(from, second);
  }

  /** The Wireshark flow of a connection's endpoint a (true) or b. */
  flow(a: boolean): WiresharkFlow {
    return a ? this.a : this.b;
  }

  /** tcp.analysis.initial_rtt in seconds, or null while not seen. */
  get irtt(): number | null {
    return this.firstRtt[0] === 0 && this.firstRtt[1] === 0 ? null : this.firstRtt[0] + this.firstRtt[1] / 1e9;
  }

  /** tcp.analysis.initial_rtt as tshark prints it ("0.012345678"), or null. */
  get irttText(): string | null {
    return this.firstRtt[0] === 0 && this.firstRtt[1] === 0 ? null : formatDelta(this.firstRtt[0], this.firstRtt[1]);
  }

  /** tcp.analysis.ack_rtt of the frame just analysed, as tshark prints it, or null when none is shown. */
  get frameAckRttText(): string | null {
    const [s, ns] = this.frameAckRtt;
    return this.frameAckedFrame === 0 || (s === 0 && ns === 0) ? null : formatDelta(s, ns);
  }

  /** The connection's flagged frames, with their flag names. */
  get flagged(): FlaggedFrame[] {
    const out: FlaggedFrame[] = [];
    const d = this.flaggedData;
    for (let i = 0; i < this.flaggedCount && i < MAX_FLAGGED_FRAMES; i++) {
      const bits = d[4 * i + 1] as number;
      const f: FlaggedFrame = { frame: d[4 * i] as number, flags: flagNames(bits) };
      if (bits & Flag.duplicate_ack) {
        f.duplicateAckNum = d[4 * i + 2] as number;
        f.duplicateAckFrame = d[4 * i + 3] as number;
      }
      out.push(f);
    }
    return out;
  }

  onSegment(conn: Connection, seg: Segment, fromA: boolean): void {
    const fwd = fromA ? this.a : this.b;
    const rev = fromA ? this.b : this.a;
    const flags = seg.flags;
    let bits = 0;
    this.frameDupAckNum = 0;
    this.frameDupAckFrame = 0;
    this.frameAckedFrame = 0;
    this.frameAckRtt[0] = 0;
    this.frameAckRtt[1] = 0;
    this.frameBytesInFlight = 0;

    // dissect_tcp: the SYN that started this conversation on a used four-tuple, a SYN resent
    // at the base (nextseq restored: a RST may have moved it, issue 17616), a SYN,ACK that moved
    // the base.
    if (conn.reusedPorts && seg.frame === conn.firstFrame) bits |= Flag.reused_ports;
    const event = conn.bases.lastEvent;
    if (event === BaseEvent.synAtBase) fwd.nextSeq = fwd.maxSeqToBeAcked;
    else if (event === BaseEvent.synAckRebased) bits |= Flag.reused_ports;
    fwd.sackCount = 0;
    // fwd's last ACK time is the time of its last segment (set for every one).
    this.frameSilenceNs = fwd.lastAckSec === 0 && fwd.lastAckNsec === 0 ? -1 : (seg.tsSec - fwd.lastAckSec) * 1e9 + (seg.tsNsec - fwd.lastAckNsec);

    bits = this.analyze(seg, fwd, rev, bits, conn.bases.base(fromA));
    if (seg.len > 0) {
      fwd.dataSegments++;
      fwd.payloadBytes += seg.len;
      if (bits & (Flag.retransmission | Flag.fast_retransmission | Flag.spurious_retransmission)) fwd.resentBytes += seg.len;
    }
    if (this.frameAckedFrame !== 0) rev.addRttSample(this.frameAckRtt[0] * 1e9 + this.frameAckRtt[1]);

    // The scaled window, with the scale known before this segment's own options.
    this.frameWindowSize = scaledWindow(seg, fwd);
    this.frameScaleFactor = (flags & TcpFlag.SYN) !== 0 ? null : fwd.winScale >= 0 ? 2 ** fwd.winScale : fwd.winScale;
    if (flags & TcpFlag.SYN) {
      if ((flags & TcpFlag.ACK) === 0) {
        this.mruSynSec = seg.tsSec;
        this.mruSynNsec = seg.tsNsec;
      }
      fwd.isFirstAck = true;
    }
    const pureAck = (flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.ACK;
    if (pureAck && (this.mruSynSec !== 0 || this.mruSynNsec !== 0) && this.firstRtt[0] === 0 && this.firstRtt[1] === 0) {
      const rtt = this.firstRtt;
      nstimeDelta(rtt, seg.tsSec, seg.tsNsec, this.mruSynSec, this.mruSynNsec);
      const ns = rtt[1] + rtt[0] * 1e9;
      this.firstRttNs = ns < 0 ? Infinity : ns;
    }
    if (pureAck) fwd.isFirstAck = false;
    // Options (dissect_tcpopt_wscale, dissect_tcpopt_sack), then verify_tcp_window_scaling.
    windowOptions(seg, fwd, rev);
    // packet-tcp.h MAX_TCP_SACK_RANGES is 4, but blocks are stored from index 1 while below it: three.
    if (seg.sackBlocks > 0) {
      const k = seg.sack;
      fwd.sackCount = seg.sackBlocks < 3 ? seg.sackBlocks : 3;
      fwd.sackLeft0 = k[0] as number;
      fwd.sackRight0 = k[1] as number;
      fwd.sackLeft1 = k[2] as number;
      fwd.sackRight1 = k[3] as number;
      fwd.sackLeft2 = k[4] as number;
      fwd.sackRight2 = k[5] as number;
    }

    this.frameFlags = bits;
    if (bits !== 0) this.keep(seg.frame, bits);
  }

  /** tcp_analyze_sequence_number. Returns the frame's flags. */
  private analyze(seg: Segment, fwd: WiresharkFlow, rev: WiresharkFlow, bits: number, fwdBase: number): number {
    const { seq, ack, len, flags } = seg;
    if (flags & TcpFlag.ACK) rev.validBif = true;
    forward: {
      if (isZeroWindowProbe(seg, fwd, rev)) {
        bits |= Flag.zero_window_probe;
        break forward;
      }
      if (isZeroWindow(seg)) bits |= Flag.zero_window;
      if (isLostSegment(seg, fwd)) {
        bits |= Flag.lost_segment;
        fwd.validBif = false;
      }
      if (isKeepAlive(seg, fwd)) bits |= Flag.keep_alive;
      if (isWindowUpdate(seg, fwd)) bits |= Flag.window_update;
      if (isWindowFull(seg, rev)) bits |= Flag.window_full;
      if (isKeepAliveAck(seg, fwd, rev)) {
        bits |= Flag.keep_alive_ack;
        break forward;
      }
      if (isZeroWindowProbeAck(seg, fwd, rev)) {
        bits |= Flag.zero_window_probe_ack;
        break forward;
      }
      if (isDuplicateAck(seg, fwd)) {
        bits |= Flag.duplicate_ack;
        this.frameDupAckNum = countDuplicateAck(fwd);
        this.frameDupAckFrame = fwd.lastNonDupAck;
      }
    }
    // finished_fwd: a new ACK number resets the duplicate count.
    if (ack !== fwd.lastAck) {
      fwd.lastNonDupAck = seg.frame;
      fwd.dupAckNum = 0;
    }
    if (checkAckLostSegment(seg, rev)) bits |= Flag.ack_lost_segment;

    const synOrFin = (flags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0;
    if ((len > 0 || synOrFin) && (bits & Flag.keep_alive) === 0) {
      const notAdvanced = seqNotAdvanced(seg, fwd);
      if (isSpuriousRetransmission(seg, rev)) bits |= Flag.spurious_retransmission;
      else if (isFastRetransmission(seg, notAdvanced, rev)) bits |= Flag.fast_retransmission;
      else if (isOutOfOrder(seg, notAdvanced, fwd, this.firstRttNs)) bits |= Flag.out_of_order;
      else if (notAdvanced) bits |= Flag.retransmission;
    }

    // finished_checking_retransmission_type: remember the segment, move nextseq and the mark.
    let nextSeq = seqAdd(seq, len);
    if (len > 0 || synOrFin) {
      if (synOrFin) nextSeq = seqAdd(nextSeq, 1);
      if (fwd.unackedCount < MAX_UNACKED_SEGMENTS) fwd.addUnacked(seq, nextSeq, seg.frame, seg.tsSec, seg.tsNsec);
    }
    const zwp = (bits & Flag.zero_window_probe) !== 0;
    if ((seqGt(nextSeq, fwd.nextSeq) || fwd.nextSeq === 0) && !zwp) {
      fwd.nextSeq = nextSeq;
      fwd.nextSeqFrame = seg.frame;
      fwd.nextSeqSec = seg.tsSec;
      fwd.nextSeqNsec = seg.tsNsec;
    }
    if ((seq === fwd.maxSeqToBeAcked || fwd.maxSeqToBeAcked === 0) && !zwp) fwd.maxSeqToBeAcked = fwd.nextSeq;
    fwd.window = seg.win;
    fwd.lastAck = ack;
    fwd.lastAckSec = seg.tsSec;
    fwd.lastAckNsec = seg.tsNsec;
    fwd.lastSegmentFlags = bits;

    this.acknowledge(seg, rev);
    if (len !== 0 && fwd.unackedCount > 0 && fwd.validBif) this.bytesInFlight(seg, fwd, rev, fwdBase);
    return bits;
  }

  /**
   * Drops the other direction's segments this ACK number covers (the raw field, whether or not
   * ACK is set, as Wireshark does); the oldest segment it acknowledges exactly gives
   * tcp.analysis.acks_frame and ack_rtt. A segment acknowledged in part is trimmed.
   */
  private acknowledge(seg: Segment, rev: WiresharkFlow): void {
    const u = rev.unacked;
    if (u === null || rev.unackedCount === 0) return;
    const ack = seg.ack;
    let removed = 0;
    for (let i = rev.unackedCount - 1; i >= 0; i--) {
      const at = UNACKED_STRIDE * i;
      const next = u[at + 1] as number;
      if (ack === next) {
        this.frameAckedFrame = u[at + 2] as number;
        nstimeDelta(this.frameAckRtt, seg.tsSec, seg.tsNsec, u[at + 3] as number, u[at + 4] as number);
      } else if (seqGt(ack, u[at] as number) && seqLeq(ack, next)) {
        u[at] = ack;
        continue;
      } else if (seqGt(next, ack)) continue;
      u[at + 2] = -1;
      removed++;
    }
    if (removed === 0) return;
    let j = 0;
    for (let i = 0; i < rev.unackedCount; i++) {
      const at = UNACKED_STRIDE * i;
      if (u[at + 2] === -1) continue;
      if (i !== j) for (let k = 0; k < UNACKED_STRIDE; k++) u[UNACKED_STRIDE * j + k] = u[at + k] as number;
      j++;
    }
    rev.unackedCount = j;
    u.length = UNACKED_STRIDE * j;
  }

  /**
   * Bytes in flight after this segment (the default, payload-based method): from the lowest
   * start to the highest end of this direction's unacknowledged segments, counted from the
   * direction's base, less the bytes the other side's last SACK blocks cover; minus one for SYN
   * or FIN. Shown only when above 0 and below 2,000,000,000.
   */
  private bytesInFlight(seg: Segment, fwd: WiresharkFlow, rev: WiresharkFlow, base: number): void {
    const u = fwd.unacked as number[];
    const newest = UNACKED_STRIDE * (fwd.unackedCount - 1);
    let first = ((u[newest] as number) - base) >>> 0;
    let last = ((u[newest + 1] as number) - base) >>> 0;
    for (let at = newest; at >= 0; at -= UNACKED_STRIDE) {
      const s = ((u[at] as number) - base) >>> 0;
      const n = ((u[at + 1] as number) - base) >>> 0;
      if (n > last) last = n;
      if (s < first) first = s;
    }
    const inFlight = (last - first - rev.sackedBytes()) >>> 0;
    if (inFlight > 0 && inFlight < MAX_BYTES_IN_FLIGHT) {
      this.frameBytesInFlight = seg.flags & (TcpFlag.SYN | TcpFlag.FIN) ? inFlight - 1 : inFlight;
    }
  }

  private keep(frame: number, bits: number): void {
    for (const name of WIRESHARK_FLAGS) if (hasFlag(bits, name)) this.counts[name] = (this.counts[name] ?? 0) + 1;
    const i = this.flaggedCount++;
    if (i >= MAX_FLAGGED_FRAMES) return;
    const d = this.flaggedData;
    d.push(frame, bits, this.frameDupAckNum, this.frameDupAckFrame);
  }
}
