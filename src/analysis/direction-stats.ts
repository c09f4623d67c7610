/**
 * Per-direction performance figures as `tcptrace -l -r` reports them (tcptrace 6.6.7, the Debian
 * 12 binary every oracle here was made with; source read: blitz/tcptrace, the 6.6.7 release).
 * One DirectionStats is tcptrace's `tcb` for one direction, fed in capture order by
 * ConnectionFigures.onSegment, which follows trace.c `dotrace` step by step:
 *
 *   1. SYN/FIN counts; the effective window (`eff_win`: the raw window shifted by this
 *      direction's window scale when both sides asked for scaling, never on a SYN, RFC 7323 §2.3);
 *   2. the options (`ParseOptions`): MSS, window scale, timestamps, SACK-permitted — and once a
 *      non-SYN segment shows that one side did not ask for scaling, both scales are 0;
 *   3. data counts (`data_pkts`, `data_bytes`);
 *   4. retransmissions (rexmit.c `rexmit`/`addseg`): the bytes of a segment that overlap what this
 *      direction sent before are retransmitted, the rest unique; SYN and FIN count one sequence
 *      byte each in the overlap; a segment sent while the peer's last window was zero is a probe,
 *      neither unique nor retransmitted (and not remembered);
 *   5. RTT (rexmit.c `ack_in`/`rtt_ackin`): an ACK equal to the end of a remembered segment that
 *      was never retransmitted, with no earlier segment sent after it, is one sample (Karn's rule);
 *   6. a RST stops here (its window is not counted); else the window statistics: `win_last`, the
 *      largest and the smallest non-zero effective window (restarted at the first scaled segment),
 *      and a zero window counted on every ACK that carries one.
 *
 * Beside tcptrace, RFC 7323 §4 RTT from timestamps: a segment that acknowledges new data and
 * echoes (TSecr) a TSval this direction sent on a segment that occupied sequence space gives one
 * sample, from when that TSval was first sent.
 *
 * Times are seconds since the connection's first packet (exact to the nanosecond over hours).
 * Nothing is allocated per segment: the segment list grows by doubling and is capped.
 */
import { TcpFlag } from '../decode/fields.js';
import { seqDiff } from '../tcp/seq.js';
import type { Segment } from '../tcp/segment.js';

/** Numbers per remembered segment: first byte, last byte (unwrapped), send time, retransmissions, acked. */
const STRIDE = 5;
const F = 0;
const L = 1;
const T = 2;
const R = 3;
const A = 4;
/**
 * Remembered segments per direction (about 2 MB of data in flight at 1 KB each): past it the
 * oldest half is forgotten at once, so a capture that never shows the ACKs (one direction only)
 * costs at most 80 KB per direction and no per-segment copying.
 */
export const MAX_REMEMBERED_SEGMENTS = 2048;
/** TSvals remembered per direction for timestamp RTT samples (a ring). */
const TS_RING = 8;

/** One direction's figures (tcptrace's tcb). Fields are tcptrace's, named in words. */
export class DirectionStats {
  packets = 0;
  /** Segments with ACK set (a RST with ACK too: trace.c counts it before returning). */
  ackPackets = 0;
  /** ACKs with no payload and no SYN, FIN or RST. */
  pureAcks = 0;
  dataPackets = 0;
  dataBytes = 0;
  uniqueBytes = 0;
  retransmittedPackets = 0;
  /** Sequence bytes resent, a resent SYN or FIN counting one (tcptrace's rexmit_bytes). */
  retransmittedBytes = 0;
  zeroWindowProbes = 0;
  zeroWindowProbeBytes = 0;
  outOfOrderPackets = 0;
  synCount = 0;
  finCount = 0;
  /** Last MSS option seen in this direction, or -1. */
  mss = -1;
  /** The window scale this direction asked for (f1323_ws), and tcptrace's window_scale (0 once scaling is off). */
  wsRequested = false;
  /** The shift this direction asked for, or -1. */
  wsAsked = -1;
  windowScale = 0;
  /** A timestamps option was seen (f1323_ts), and SACK-permitted (fsack_req). */
  timestamps = false;
  sackPermitted = false;
  /** Effective (scaled) window: last, largest, smallest non-zero; zero windows advertised on ACKs. */
  winLast = 0;
  winMax = 0;
  winMin = 0;
  zeroWindows = 0;
  private scaledStatsStarted = false;

  /** RTT from ACKs (seconds). */
  rttCount = 0;
  rttMin = 0;
  rttMax = 0;
  rttSum = 0;
  /** RTT from timestamps (seconds). */
  tsRttCount = 0;
  tsRttMin = 0;
  tsRttMax = 0;
  tsRttSum = 0;

  // ---- sequence space, unwrapped to a 53-bit position ---------------------------------------
  private haveRef = false;
  private refSeq = 0;
  private refPos = 0;
  /**
   * The remembered segments (tcptrace's seglist), sorted, STRIDE numbers each; made at the first
   * one. A plain array of doubles: a typed array's buffer costs more for the one or two segments
   * most connections remember (a SYN flood's), and it grows in place.
   */
  private segs: number[] | null = null;
  /** The list is a deque: segment i is at (h + i) * STRIDE, so forgetting the acknowledged front moves nothing behind it. */
  private h = 0;
  private n = 0;
  /**
   * The acknowledged prefix already collapsed: its first `ackedPrefix` segments are all
   * acknowledged and none of them adjacent (collapse_quad merged them), and `ackedPrefixLastXmit`
   * is the latest send time among them. ackIn and collapse start past it, so a capture that lost
   * packets (holes that keep acknowledged segments apart) costs per ACK only what is new.
   */
  private ackedPrefix = 0;
  private ackedPrefixLastXmit = -Infinity;
  /** Highest ACK position seen from the peer (for timestamp samples), or -1. */
  private highAck = -1;
  /**
   * The last TS_RING TSvals sent and their send times, pairs in a ring; made at the first. A
   * plain array of doubles (on V8's heap), as `segs`: a Float64Array of 16 is past V8's 64-byte
   * limit for typed arrays kept in the heap, so each direction's would be a malloc'd buffer, and
   * buffers of ended connections wait for a full collection before their memory is freed.
   */
  private tsVals: number[] | null = null;
  private tsCount = 0;
  private tsHead = 0;
  private lastTsVal = -1;

  /** Position of `seq` on this direction's unwrapped line; moves the reference forward. */
  pos(seq: number): number {
    if (!this.haveRef) {
      this.haveRef = true;
      this.refSeq = seq;
      this.refPos = 0;
      return 0;
    }
    const p = this.refPos + seqDiff(seq, this.refSeq);
    if (p > this.refPos) {
      this.refSeq = seq;
      this.refPos = p;
    }
    return p;
  }

  /** Position of an ACK number, without moving the reference (null before any segment of this direction). */
  ackPos(ack: number): number | null {
    if (!this.haveRef) return null;
    return this.refPos + seqDiff(ack, this.refSeq);
  }

  /**
   * rexmit.c `rexmit`/`addseg`: records [first, first+len) sent at `now`; returns the bytes that
   * overlap segments sent before, and sets outOfOrder when it starts before a remembered segment
   * and ends before that segment's end.
   */
  rexmit(first: number, len: number, now: number): number {
    this.outOfOrder = false;
    let last = first + len - 1;
    let rexlen = 0;
    let split = false;
    let i = 0;
    const n0 = this.n;
    if (n0 > 0) {
      // The first remembered segment not wholly before `first` (they are sorted and disjoint).
      const s0 = this.segs as number[];
      let hi = n0;
      while (i < hi) {
        const mid = (i + hi) >>> 1;
        if (first > s0[(this.h + mid) * STRIDE + L]!) i = mid + 1;
        else hi = mid;
      }
    }
    for (; i < this.n; i++) {
      const s = this.segs as number[];
      const o = (this.h + i) * STRIDE;
      if (first > s[o + L]!) continue;
      if (first < s[o + F]!) {
        // Starts before this remembered segment: out of order unless it also covers it.
        if (last < s[o + L]!) this.outOfOrder = true;
        this.insert(i, first, last, now);
        i++;
        const s2 = this.segs as number[];
        const o2 = (this.h + i) * STRIDE;
        if (last < s2[o2 + F]!) return rexlen;
        // Overlaps it: the new record keeps the part before, the rest goes on below.
        s2[o2 - STRIDE + L] = s2[o2 + F]! - 1;
        first = s2[o2 + F]!;
        len = last - first + 1;
      }
      const s3 = this.segs as number[];
      const o3 = (this.h + i) * STRIDE;
      if (first >= s3[o3 + F]!) {
        s3[o3 + R]!++;
        // rtt_retrans: a resent segment's time is the resend's (only the first piece's, as in tcptrace).
        if (!split) {
          s3[o3 + T] = now;
          if (i < this.ackedPrefix && now > this.ackedPrefixLastXmit) this.ackedPrefixLastXmit = now;
        }
        if (last <= s3[o3 + L]!) return rexlen + len;
        split = true;
        rexlen += s3[o3 + L]! - first + 1;
        first = s3[o3 + L]! + 1;
        len = last - first + 1;
      }
    }
    last = first + len - 1;
    this.insert(this.n, first, last, now);
    return rexlen;
  }

  /** Set by rexmit(). */
  outOfOrder = false;

  private insert(at: number, first: number, last: number, now: number): void {
    if (this.segs === null) this.segs = [0.5, 0.5, 0.5, 0.5, 0.5]; // doubles from the start (PACKED_DOUBLE_ELEMENTS)
    if (this.n >= MAX_REMEMBERED_SEGMENTS) {
      // Forget the oldest half: their bytes count as new if resent (tcptrace frees whole quadrants).
      const drop = MAX_REMEMBERED_SEGMENTS / 2;
      this.h += drop;
      this.n -= drop;
      at = Math.max(0, at - drop);
      this.forgetAckedPrefix();
    }
    const s = this.segs;
    // Room for one more behind the last: the free front is reused once it is as long as the
    // list (moving the list there then costs no more than the pushes that made it), else the
    // array grows in place (amortised).
    if ((this.h + this.n + 1) * STRIDE > s.length && this.h >= this.n) {
      s.copyWithin(0, this.h * STRIDE, (this.h + this.n) * STRIDE);
      this.h = 0;
    }
    for (let k = s.length; k < (this.h + this.n + 1) * STRIDE; k++) s.push(0.5);
    if (at < this.n) s.copyWithin((this.h + at + 1) * STRIDE, (this.h + at) * STRIDE, (this.h + this.n) * STRIDE);
    // An unacknowledged segment inside the prefix (a capture hole filled late) ends it there.
    if (at < this.ackedPrefix) this.forgetAckedPrefix();
    const o = (this.h + at) * STRIDE;
    s[o + F] = first;
    s[o + L] = last;
    s[o + T] = now;
    s[o + R] = 0;
    s[o + A] = 0;
    this.n++;
  }

  /** rexmit.c `ack_in` and `rtt_ackin`: the peer acknowledged up to `ack` (a position) at `now`. */
  ackIn(ack: number, now: number): void {
    const s = this.segs;
    if (s === null) return;
    // The collapsed prefix is all acknowledged: only its latest send time matters here.
    let lastXmit = this.ackedPrefixLastXmit;
    let changed = false;
    for (let i = this.ackedPrefix; i < this.n; i++) {
      const o = (this.h + i) * STRIDE;
      if (ack <= s[o + F]!) break;
      if (s[o + T]! > lastXmit) lastXmit = s[o + T]!;
      if (s[o + A]! > 0) continue; // acknowledged before: a duplicate (counted by tcptrace, not here)
      s[o + A] = 1;
      changed = true;
      if (ack === s[o + L]! + 1) {
        // A sample only if no earlier segment was (re)sent after this one, and this one was never resent.
        if (lastXmit > s[o + T]!) continue;
        if (s[o + R]! !== 0) continue;
        const rtt = now - s[o + T]!;
        if (this.rttCount === 0 || rtt < this.rttMin) this.rttMin = rtt;
        if (rtt > this.rttMax) this.rttMax = rtt;
        this.rttSum += rtt;
        this.rttCount++;
      }
    }
    if (changed) this.collapse();
  }

  /**
   * rexmit.c `collapse_quad`: neighbouring acknowledged segments become one (the later time).
   * Only the acknowledged prefix can merge (it stops at the first unacknowledged segment, as
   * collapse_quad does); it is merged in one pass and only the merged prefix moves, never the
   * segments still in flight behind it (per ACK, that moved the whole window: quadratic in it).
   */
  private collapse(): void {
    const s = this.segs as number[];
    const n = this.n;
    const h = this.h;
    let k = this.ackedPrefix;
    let lastXmit = this.ackedPrefixLastXmit;
    while (k < n && s[(h + k) * STRIDE + A] !== 0) {
      if (s[(h + k) * STRIDE + T]! > lastXmit) lastXmit = s[(h + k) * STRIDE + T]!;
      k++;
    }
    this.ackedPrefixLastXmit = lastXmit;
    if (k < 2) {
      this.ackedPrefix = k;
      return;
    }
    // The collapsed prefix has no neighbours to merge: its last segment may take the new ones.
    let w = this.ackedPrefix > 0 ? this.ackedPrefix - 1 : 0;
    for (let r = w + 1; r < k; r++) {
      const wo = (h + w) * STRIDE;
      const ro = (h + r) * STRIDE;
      if (s[wo + L]! + 1 === s[ro + F]) {
        s[wo + L] = s[ro + L]!;
        if (s[ro + T]! > s[wo + T]!) s[wo + T] = s[ro + T]!;
      } else if (++w !== r) {
        s.copyWithin((h + w) * STRIDE, ro, ro + STRIDE);
      }
    }
    const kept = w + 1;
    this.ackedPrefix = kept;
    if (kept === k) return;
    // The merged prefix moves back to meet the rest (a segment or two), the rest stays.
    const gone = k - kept;
    s.copyWithin((h + gone) * STRIDE, h * STRIDE, (h + kept) * STRIDE);
    this.h = h + gone;
    this.n = n - gone;
  }

  /** The prefix is found again from the start at the next ACK (after segments were forgotten or one was inserted in it). */
  private forgetAckedPrefix(): void {
    this.ackedPrefix = 0;
    this.ackedPrefixLastXmit = -Infinity;
  }

  /** Remembers a TSval this direction sent on a segment that occupies sequence space (first sending only). */
  sentTsVal(tsVal: number, now: number): void {
    if (tsVal === this.lastTsVal) return;
    this.lastTsVal = tsVal;
    if (this.tsVals === null) this.tsVals = new Array<number>(TS_RING * 2).fill(0.5); // doubles from the start
    const slot = (this.tsHead + this.tsCount) % TS_RING;
    this.tsVals[slot * 2] = tsVal;
    this.tsVals[slot * 2 + 1] = now;
    if (this.tsCount < TS_RING) this.tsCount++;
    else this.tsHead = (this.tsHead + 1) % TS_RING;
  }

  /** RFC 7323 §4.1: the peer's segment acknowledging new data echoes tsEcr; one sample if it is a remembered TSval. */
  echoedTsVal(tsEcr: number, ack: number, now: number): void {
    if (ack <= this.highAck) return;
    this.highAck = ack;
    const v = this.tsVals;
    if (v === null) return;
    for (let k = 0; k < this.tsCount; k++) {
      const slot = (this.tsHead + k) % TS_RING;
      if (v[slot * 2] !== tsEcr) continue;
      const rtt = now - v[slot * 2 + 1]!;
      if (this.tsRttCount === 0 || rtt < this.tsRttMin) this.tsRttMin = rtt;
      if (rtt > this.tsRttMax) this.tsRttMax = rtt;
      this.tsRttSum += rtt;
      this.tsRttCount++;
      // This TSval and the older ones are done.
      this.tsHead = (slot + 1) % TS_RING;
      this.tsCount -= k + 1;
      return;
    }
  }

  /** Window statistics of trace.c after the RST check: `eff_win` of a segment with ACK or SYN. */
  window(effWin: number, scaledNow: boolean): void {
    if (effWin > this.winMax) this.winMax = effWin;
    if (effWin > 0 && scaledNow && !this.scaledStatsStarted) {
      // The first scaled segment restarts the statistics (the SYNs' windows are not scaled).
      this.scaledStatsStarted = true;
      this.winMin = this.winMax = effWin;
    } else if (effWin > 0 && (this.winMin === 0 || effWin < this.winMin)) {
      this.winMin = effWin;
    }
  }
}

/** Stands in, read only, for a direction that has sent nothing yet (all zero). */
const NONE = new DirectionStats();

/**
 * Both directions of one connection; `a` is what endpoint a sent. A direction's figures are made
 * at its first segment (a SYN flood's silent servers cost nothing).
 */
export class ConnectionFigures {
  private da: DirectionStats | null = null;
  private db: DirectionStats | null = null;
  private t0Sec = -1;
  private t0Nsec = 0;

  get a(): DirectionStats {
    return this.da ?? NONE;
  }

  get b(): DirectionStats {
    return this.db ?? NONE;
  }

  /** trace.c `dotrace` for one segment (see the file's comment for the steps). */
  onSegment(seg: Segment, fromA: boolean): void {
    if (this.t0Sec < 0) {
      this.t0Sec = seg.tsSec;
      this.t0Nsec = seg.tsNsec;
    }
    const now = seg.tsSec - this.t0Sec + (seg.tsNsec - this.t0Nsec) / 1e9;
    let me = fromA ? this.da : this.db;
    if (me === null) {
      me = new DirectionStats();
      if (fromA) this.da = me;
      else this.db = me;
    }
    const peer = (fromA ? this.db : this.da) ?? NONE;
    const flags = seg.flags;
    const syn = (flags & TcpFlag.SYN) !== 0;
    const fin = (flags & TcpFlag.FIN) !== 0;
    const rst = (flags & TcpFlag.RST) !== 0;
    const ack = (flags & TcpFlag.ACK) !== 0;
    if (syn) me.synCount++;
    if (fin) me.finCount++;
    // eff_win: scaled only when both asked for scaling, never on a SYN (RFC 7323 §2.2).
    const scaled = me.wsRequested && peer.wsRequested && !syn;
    let effWin = 0;
    if (ack || syn) effWin = scaled ? seg.win * 2 ** me.windowScale : seg.win;
    // ParseOptions.
    if (seg.mss >= 0) me.mss = seg.mss;
    if (seg.wscale >= 0) {
      me.windowScale = seg.wscale;
      me.wsRequested = true;
      me.wsAsked = seg.wscale;
    }
    if (seg.hasTimestamp) me.timestamps = true;
    if (!syn && (!me.wsRequested || !peer.wsRequested)) {
      me.windowScale = 0;
      if (peer !== NONE) peer.windowScale = 0;
    }
    if (seg.sackPerm) me.sackPermitted = true;
    const len = seg.len;
    if (len > 0) {
      me.dataPackets++;
      me.dataBytes += len;
    }
    me.packets++;
    // Retransmissions, probes, unique bytes.
    let rexBytes = 0;
    if (syn || fin || len > 0) {
      let seqLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
      let rexCount = 0;
      let probe = false;
      if (peer.winLast === 0 && peer.packets > 0 && !syn) {
        // "Don't consider for rexmit, if the send window is 0: we are probably doing window probing."
        probe = true;
        me.zeroWindowProbes++;
        me.zeroWindowProbeBytes += len;
      } else {
        rexCount = rexBytes = me.rexmit(me.pos(seg.seq), seqLen, now);
        if (me.outOfOrder) me.outOfOrderPackets++;
      }
      if (syn) {
        seqLen--;
        if (me.synCount > 1) rexCount--;
      }
      if (fin) {
        seqLen--;
        if (me.finCount > 1) rexCount--;
      }
      if (!probe && rexCount < seqLen) me.uniqueBytes += seqLen - rexCount;
      if (seg.hasTimestamp) me.sentTsVal(seg.tsVal, now);
    }
    // RTT: this ACK acknowledges the peer's segments.
    if (ack) {
      const ackPos = peer.ackPos(seg.ack);
      if (ackPos !== null) {
        peer.ackIn(ackPos, now);
        if (seg.hasTimestamp) peer.echoedTsVal(seg.tsEcr, ackPos, now);
      }
    }
    if (rexBytes > 0) {
      me.retransmittedPackets++;
      me.retransmittedBytes += rexBytes;
    }
    if (rst) {
      if (ack) me.ackPackets++;
      return;
    }
    me.winLast = effWin;
    if (ack || syn) me.window(effWin, scaled);
    if (ack) {
      if (effWin === 0) me.zeroWindows++;
      me.ackPackets++;
      if (len === 0 && !syn && !fin) me.pureAcks++;
    }
  }
}
