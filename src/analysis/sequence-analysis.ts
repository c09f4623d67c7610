/**
 * Wireshark's per-direction sequence analysis (epan/dissectors/packet-tcp.c,
 * tcp_analyze_sequence_number; ANCHORS §2.1), with its names, so that a user searching for
 * tcp.analysis.retransmission finds the same frames here. Each flag is counted per connection
 * and attached to its frame.
 *
 * Predicates are tested in Wireshark's order: zero-window probe, zero window, lost segment,
 * keep-alive, window update, window full, keep-alive ACK, zero-window-probe ACK, duplicate ACK,
 * ACKed unseen segment, then the retransmission family (spurious, fast, out-of-order,
 * retransmission).
 */
import { TcpFlag } from '../decode/fields.js';
import type { Connection } from '../tcp/connection.js';
import type { Segment } from '../tcp/segment.js';
import { seqAdd, seqGt, seqLeq, seqLt } from '../tcp/seq.js';

export const WIRESHARK_FLAGS = [
  'retransmission',
  'fast_retransmission',
  'spurious_retransmission',
  'out_of_order',
  'lost_segment',
  'ack_lost_segment',
  'duplicate_ack',
  'zero_window',
  'zero_window_probe',
  'zero_window_probe_ack',
  'window_full',
  'window_update',
  'keep_alive',
  'keep_alive_ack',
  'reused_ports',
] as const;
export type WiresharkFlag = (typeof WIRESHARK_FLAGS)[number];

/** Wireshark's fast-retransmission window and default out-of-order threshold (packet-tcp.c). */
const FAST_RETRANSMISSION_WINDOW = 0.02;
const DEFAULT_OOO_THRESHOLD = 0.003;
const MAX_FLAGGED_FRAMES = 2000;

class Direction {
  /** Wireshark's base_seq: the SYN's sequence number, or one below the first seen. */
  base = 0;
  baseSet = false;
  nextSeq = 0;
  nextSeqSet = false;
  nextSeqTime = 0;
  lastAck = 0;
  lastAckSet = false;
  lastAckTime = 0;
  window = 0;
  windowSet = false;
  maxSeqToBeAcked = 0;
  maxSet = false;
  dupAckNum = 0;
  lastWasKeepAlive = false;
  lastWasZwp = false;
}

/** Flags of the segment being analysed, shared by all connections (copied only when a frame gets flags). */
const SEGMENT_FLAGS: WiresharkFlag[] = [];

export class SequenceAnalysis {
  readonly counts: Partial<Record<WiresharkFlag, number>> = {};
  /** Frames with at least one flag, and their flags (capped). */
  readonly flagged: { frame: number; flags: WiresharkFlag[] }[] = [];
  private readonly dirA = new Direction();
  private readonly dirB = new Direction();
  private lastSynTime = -1;
  private sawSynAck = false;
  /** Initial RTT: most recent pure SYN → the first ACK from its sender after the SYN,ACK (seconds). */
  irtt: number | null = null;

  markReusedPorts(frame: number): void {
    this.flag(['reused_ports'], frame);
  }

  onSegment(conn: Connection, seg: Segment, fromA: boolean): void {
    const fwd = fromA ? this.dirA : this.dirB;
    const rev = fromA ? this.dirB : this.dirA;
    const t = seg.time;
    const f = seg.flags;
    const ctrl = (f & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) !== 0;
    const synOrFin = (f & (TcpFlag.SYN | TcpFlag.FIN)) !== 0;
    const len = seg.len;
    const seq = seg.seq;
    const flags = SEGMENT_FLAGS;
    flags.length = 0;

    // A SYN,ACK whose sequence number is not the direction's base: Wireshark flags reused_ports
    // (only a pure SYN starts a new conversation; see tcp/tracker.ts).
    if (seg.syn && seg.hasAck && fwd.baseSet && seq !== fwd.base) flags.push('reused_ports');
    if (!fwd.baseSet) {
      fwd.base = seg.syn ? seq : seqAdd(seq, -1);
      fwd.baseSet = true;
    }
    if (seg.syn && !seg.hasAck) this.lastSynTime = t;
    if (seg.syn && seg.hasAck) this.sawSynAck = true;
    if (this.irtt === null && this.sawSynAck && this.lastSynTime >= 0 && seg.hasAck && !seg.syn && fromA === conn.clientIsA) {
      this.irtt = t - this.lastSynTime;
    }

    let zwp = false;
    if (len === 1 && fwd.nextSeqSet && seq === fwd.nextSeq && rev.windowSet && rev.window === 0) {
      flags.push('zero_window_probe');
      zwp = true;
    }
    let keepAlive = false;
    let ackFlagged = false;
    if (!zwp) {
      if (seg.win === 0 && !ctrl) flags.push('zero_window');
      if (fwd.nextSeqSet && seqGt(seq, fwd.nextSeq) && !seg.rst) flags.push('lost_segment');
      if ((len === 0 || len === 1) && fwd.nextSeqSet && seq === seqAdd(fwd.nextSeq, -1) && !ctrl) {
        flags.push('keep_alive');
        keepAlive = true;
      }
      const sameAck = seg.hasAck && fwd.lastAckSet && seg.ack === fwd.lastAck;
      if (len === 0 && seg.win !== 0 && fwd.windowSet && seg.win !== fwd.window && fwd.nextSeqSet && seq === fwd.nextSeq && sameAck && !ctrl) {
        flags.push('window_update');
      }
      const scale = (fromA ? conn.b : conn.a).wscale;
      if (len > 0 && scale >= 0 && rev.lastAckSet && rev.windowSet && !ctrl && seqAdd(seq, len) === seqAdd(rev.lastAck, rev.window * 2 ** scale)) {
        flags.push('window_full');
      }
      if (len === 0 && seg.win !== 0 && fwd.windowSet && seg.win === fwd.window && fwd.nextSeqSet && seq === fwd.nextSeq && sameAck && rev.lastWasKeepAlive && !ctrl) {
        flags.push('keep_alive_ack');
        ackFlagged = true;
      }
      if (
        len === 0 &&
        seg.win === 0 &&
        fwd.windowSet &&
        seg.win === fwd.window &&
        fwd.nextSeqSet &&
        seq === fwd.nextSeq &&
        seg.hasAck &&
        fwd.lastAckSet &&
        (seg.ack === fwd.lastAck || seg.ack === seqAdd(fwd.lastAck, 1)) &&
        rev.lastWasZwp &&
        !ctrl
      ) {
        flags.push('zero_window_probe_ack');
        ackFlagged = true;
      }
      if (!ackFlagged && len === 0 && seg.win !== 0 && fwd.windowSet && seg.win === fwd.window && fwd.nextSeqSet && seq === fwd.nextSeq && sameAck && !ctrl) {
        flags.push('duplicate_ack');
        fwd.dupAckNum++;
      }
    }
    if (seg.hasAck && rev.maxSet && seqGt(seg.ack, rev.maxSeqToBeAcked)) {
      flags.push('ack_lost_segment');
      rev.maxSeqToBeAcked = seg.ack;
    }

    let retransmitFamily = false;
    if (!zwp && !keepAlive && len > 0 && rev.lastAckSet && seqLeq(seqAdd(seq, len), rev.lastAck)) {
      // Data the peer already acknowledged; tested before "did the sequence number advance?".
      retransmitFamily = true;
      flags.push('spurious_retransmission', 'retransmission');
    } else if (!zwp && !keepAlive && (len > 0 || synOrFin) && fwd.nextSeqSet && seqLt(seq, fwd.nextSeq)) {
      retransmitFamily = true;
      const seqLen = len + (synOrFin ? 1 : 0);
      if (t - rev.lastAckTime < FAST_RETRANSMISSION_WINDOW && rev.dupAckNum >= 2 && rev.lastAck === seq) {
        flags.push('fast_retransmission', 'retransmission');
      } else if (t - fwd.nextSeqTime < (this.irtt ?? DEFAULT_OOO_THRESHOLD) && fwd.nextSeq !== seqAdd(seq, seqLen)) {
        flags.push('out_of_order');
      } else {
        flags.push('retransmission');
      }
    }

    // ---- update this direction --------------------------------------------------------
    const end = seqAdd(seq, len + (synOrFin ? 1 : 0));
    if (!seg.rst && (!fwd.nextSeqSet || seqGt(end, fwd.nextSeq))) {
      const contiguous = !fwd.nextSeqSet || !seqGt(seq, fwd.nextSeq);
      fwd.nextSeq = end;
      fwd.nextSeqSet = true;
      fwd.nextSeqTime = t;
      if (contiguous || !fwd.maxSet) {
        fwd.maxSeqToBeAcked = end;
        fwd.maxSet = true;
      }
    }
    void retransmitFamily;
    fwd.window = seg.win;
    fwd.windowSet = true;
    if (seg.hasAck) {
      if (!fwd.lastAckSet || seg.ack !== fwd.lastAck) {
        if (!flags.includes('duplicate_ack')) fwd.dupAckNum = 0;
        fwd.lastAck = seg.ack;
        fwd.lastAckSet = true;
      }
      fwd.lastAckTime = t;
      // Data the peer acknowledges is contiguous up to there.
      if (rev.maxSet && seqGt(seg.ack, rev.maxSeqToBeAcked) && rev.nextSeqSet && seqLeq(seg.ack, rev.nextSeq)) rev.maxSeqToBeAcked = seg.ack;
    }
    fwd.lastWasKeepAlive = keepAlive;
    fwd.lastWasZwp = zwp;
    if (flags.length > 0) this.flag(flags, seg.frame);
  }

  private flag(flags: WiresharkFlag[], frame: number): void {
    for (const name of flags) this.counts[name] = (this.counts[name] ?? 0) + 1;
    if (this.flagged.length < MAX_FLAGGED_FRAMES) this.flagged.push({ frame, flags: [...flags] });
  }
}
