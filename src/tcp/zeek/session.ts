/**
 * One Zeek TCP connection (one conn.log row), shaped like zeek/zeek
 * src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc so the two read side by side: Process,
 * init_endpoint, update_history, update_window, init_window, init_peer, update_ack_seq,
 * update_last_seq, one Update*State function per endpoint state, ConnectionClosed, the
 * timers (AttemptTimer, ExpireTimer, PartialCloseTimer, ResetTimer, ConnDeleteTimer and
 * src/session/Session.cc InactivityTimer) and IsReuse; plus TCP.cc (WantConnection,
 * ValidateChecksum) and the reassembler's gap accounting (TCP_Reassembler.cc, Reassem.cc).
 * Weirds are returned in `weirds` (name, time, frame), as Zeek's Weird("…") calls raise them.
 */
import { TcpFlag } from '../../decode/fields.js';
import type { Segment } from '../segment.js';
import { seqDiff } from '../seq.js';
import { zeekSkipsForChecksum } from './checksum.js';
import type { ZeekConfig } from './config.js';
import { isHandshake, relativeSeq, RELATIVE, ZeekEndpoint, ZeekState } from './endpoint.js';
import type { GapSink } from './gaps.js';
import { ZeekTimerKind, type TimerOwner, type ZeekTimers } from './timers.js';
import type { ZeekWeirdName } from './weirds.js';

const TOO_LARGE_SEQ_DELTA = 1048576;
const TWO32 = 4294967296;
const { SYN, FIN, RST, ACK, URG } = TcpFlag;
/** Session history bits (zeek/zeek src/session/Session.h HIST_*); the responder's are << 16. */
const HIST = { SYN: 0x1, FIN: 0x2, RST: 0x4, FIN_RST: 0x8, ACK: 0x10, DATA: 0x20, MULTI_FLAG: 0x400 } as const;
/** TCPSessionAdapter first_packet_seen bits. */
const ORIG = 1;
const RESP = 2;

export interface ZeekWeird {
  name: string;
  addl: string;
  /** The analyzer that raised it: "TCP" for Analyzer::Weird, "" for Connection::Weird without one. */
  source: string;
  tsSec: number;
  tsNsec: number;
  frame: number;
}

/** Weirds kept per connection (Zeek logs the first 1000 of each name per connection, then samples). */
export const MAX_WEIRDS = 256;
const NO_WEIRDS: readonly ZeekWeird[] = [];

/** Why the session ended: the timer or rule that removed it, or the end of the capture. */
export type ZeekRemoval = 'attempt' | 'inactivity' | 'expire' | 'partial-close' | 'reset' | 'close' | 'reuse' | 'end';

export class ZeekSession implements TimerOwner, GapSink<ZeekEndpoint> {
  /** Zeek's originator and responder (they swap when Zeek flips roles). */
  orig: ZeekEndpoint;
  resp: ZeekEndpoint;
  history = '';
  private histSeen = 0;
  /** Session start_time and last_time (conn.log ts and duration). */
  startTime: number;
  lastTime: number;
  startSec: number;
  startNsec: number;
  firstFrame: number;
  /** Whether endpoint a (this session's first packet's sender) is Zeek's originator. */
  aIsOrig = true;
  private readonly a: ZeekEndpoint;
  private readonly b: ZeekEndpoint;
  /** TCPSessionAdapter is_active, is_partial, first_packet_seen, close_deferred, deferred_gen_event. */
  private isActive = true;
  isPartial = false;
  private firstPacketSeen = 0;
  private closeDeferred = false;
  private deferredGenEvent = false;
  /** Set once Zeek has removed the session: a later packet of the four-tuple starts a new row. */
  removed: ZeekRemoval | null = null;
  /** Set when the tcplens connection is handed on: its timers no longer matter. */
  released = false;
  /** Session inactivity_timeout and the generation of its timer (a cancelled timer is stale). */
  private inactivityTimeout = 0;
  private inactivityEpoch = 0;
  /** Analyzer::CancelTimers makes every analyzer timer set before it stale. */
  private analyzerEpoch = 0;
  /** conn.log missed_bytes: the content_gap lengths (base/protocols/conn/main.zeek). */
  missedBytes = 0;
  /** The weirds raised (a shared empty list until the first). */
  weirds: readonly ZeekWeird[] = NO_WEIRDS;
  weirdCount = 0;
  private didWeird = false;
  /** The segment being processed (for the time and frame of weirds). */
  private cur: Segment | null = null;

  /**
   * `first`: the session's first segment, from port `srcPort` to `dstPort`; `firstFromA`: whether
   * its sender is the tcplens connection's endpoint a. `timers`: the capture's timer manager
   * (null: no timers, e.g. a unit test of the state machine alone).
   */
  constructor(
    first: Segment,
    srcPort: number,
    dstPort: number,
    readonly cfg: ZeekConfig,
    private readonly timers: ZeekTimers | null,
    readonly firstFromA = true,
  ) {
    this.a = new ZeekEndpoint(true);
    this.b = new ZeekEndpoint(false);
    this.a.peer = this.b;
    this.b.peer = this.a;
    this.orig = this.a;
    this.resp = this.b;
    this.startTime = first.time;
    this.lastTime = first.time;
    this.startSec = first.tsSec;
    this.startNsec = first.tsNsec;
    this.firstFrame = first.frame;
    // IPBasedAnalyzer::NewConn → TCPAnalyzer::WantConnection: "Try to guess true responder by
    // the port numbers" when the connection starts without a pure SYN.
    const f = first.flags;
    if ((f & SYN) === 0 || (f & ACK) !== 0) {
      if (cfg.likelyServerPort(srcPort)) {
        const flip = cfg.likelyServerPort(dstPort) ? (f & SYN) === 0 && srcPort < dstPort : true;
        if (flip) this.flipRoles();
      }
    }
    // TCPSessionAdapter::TCPSessionAdapter: "Set a timer to eventually time out this connection."
    if (timers !== null) timers.add(Math.max(timers.now, first.time) + cfg.tcpSynTimeout, ZeekTimerKind.Expire, this, this.analyzerEpoch);
    // TCPAnalyzer::MakeSessionAdapter: conn->SetInactivityTimeout(udp_inactivity_timeout) (sic).
    this.setInactivityTimeout(cfg.udpInactivityTimeout);
  }

  get duration(): number {
    return this.lastTime - this.startTime;
  }

  /** Processes one segment sent by endpoint a (the session's first sender) or b. */
  process(seg: Segment, fromA: boolean): void {
    const endpoint = fromA ? this.a : this.b;
    this.cur = seg;
    // TCPAnalyzer::DeliverPacket → ValidateChecksum: a bad checksum adds C/c and the packet is
    // skipped (not processed, not counted by ConnSize). Only when the payload was captured whole.
    if (zeekSkipsForChecksum(seg, this.cfg)) {
      this.weird('bad_TCP_checksum');
      if (endpoint.checksumError()) this.addHistory(endpoint.isOrig ? 'C' : 'c');
      return;
    }
    // ConnSize_Analyzer::DeliverPacket: packets and IP bytes.
    endpoint.packets++;
    endpoint.ipBytes += seg.ipLen;
    this.processPacket(seg, endpoint);
  }

  /** TCPSessionAdapter::Process. */
  private processPacket(seg: Segment, endpoint: ZeekEndpoint): void {
    const peer = endpoint.peer;
    const flags = seg.flags;
    const isOrig = endpoint.isOrig;
    const t = seg.time;
    const baseSeq = seg.seq;
    const ackSeq = seg.ack;
    const len = seg.len;
    this.setPartialStatus(flags, isOrig);
    const segLen = getSegmentLen(len, flags);
    const seqOnePast = (baseSeq + segLen) >>> 0;
    this.initEndpoint(endpoint, flags, baseSeq, seqOnePast, t);
    const relSeq = relativeSeq(endpoint, baseSeq, endpoint.lastSeq, endpoint.seqWraps);
    const seqUnderflow = RELATIVE.underflow;
    if (seqUnderflow && (flags & RST) === 0) this.weird('TCP_seq_underflow_or_misorder');
    this.updateHistory(flags, endpoint, relSeq, len);
    this.updateWindow(endpoint, seg.win, baseSeq, ackSeq, flags);
    if (!this.orig.didClose || !this.resp.didClose) this.lastTime = t;
    if ((flags & SYN) !== 0) {
      this.synWeirds(flags, len);
      this.initWindow(endpoint, peer, flags, seg.wscale, baseSeq, ackSeq);
    }
    if ((flags & FIN) !== 0) {
      ++endpoint.finCount;
      if (endpoint.finCount >= this.cfg.tcpStormThresh && t < endpoint.lastTime + this.cfg.tcpStormInterarrivalThresh) this.weird('FIN_storm');
      endpoint.finSeq = relSeq + segLen;
    }
    if ((flags & RST) !== 0) {
      ++endpoint.rstCount;
      if (endpoint.rstCount >= this.cfg.tcpStormThresh && t < endpoint.lastTime + this.cfg.tcpStormInterarrivalThresh) this.weird('RST_storm');
    }
    let relAck = 0;
    if ((flags & ACK) !== 0) {
      if (peer.state === ZeekState.INACTIVE) {
        relAck = 1;
        this.initPeer(peer, endpoint, flags, ackSeq);
      } else {
        relAck = relativeSeq(peer, ackSeq, peer.ackSeq, peer.ackWraps);
        if (RELATIVE.underflow) {
          relAck = 0;
          this.weird('TCP_ack_underflow_or_misorder');
        } else if ((flags & RST) === 0) {
          // "Don't trust ack's in RST packets."
          updateAckSeq(peer, ackSeq);
        }
      }
    }
    const deltaLast = this.updateLastSeq(endpoint, seqOnePast, flags, len);
    endpoint.lastTime = t;
    const close = this.updateStateMachine(t, endpoint, peer, baseSeq, ackSeq, len, deltaLast, isOrig, flags);
    // "We wait on doing this until we've updated the state machine so that if the ack reveals
    // a content gap, we can tell whether it came at the very end of the connection."
    if ((flags & ACK) !== 0) this.ackReceived(peer, relAck);
    const relDataSeq = (flags & SYN) !== 0 ? relSeq + 1 : relSeq;
    // ConnSize is a packet child, so DataSent runs even when the payload was cut by the snap length.
    if (len > 0 && (flags & RST) === 0 && !seqUnderflow) this.dataSent(endpoint, relDataSeq, len, seg.payloadCut);
    this.checkEof(endpoint);
    if (close !== NO_CLOSE) this.connectionClosed(endpoint, peer, close === CLOSE_WITH_EVENT);
  }

  /** TCPSessionAdapter::SetPartialStatus. */
  private setPartialStatus(flags: number, isOrig: boolean): void {
    if (isOrig) {
      if ((this.firstPacketSeen & ORIG) === 0) this.isPartial = (flags & SYN) === 0 || (flags & ACK) !== 0;
    } else if ((this.firstPacketSeen & RESP) === 0 && !this.isPartial) this.isPartial = (flags & SYN) === 0;
    // TCPSessionAdapter::CheckPIA_FirstPacket (later in Process) marks the side as seen; its
    // effect on the next packet is the same when done here, after SetPartialStatus.
    this.firstPacketSeen |= isOrig ? ORIG : RESP;
  }

  /** init_endpoint. */
  private initEndpoint(ep: ZeekEndpoint, flags: number, firstSeq: number, lastSeq: number, t: number): void {
    const syn = (flags & SYN) !== 0;
    switch (ep.state) {
      case ZeekState.INACTIVE:
        if (syn) {
          ep.initAckSeq(firstSeq);
          ep.initStartSeq(firstSeq);
        } else {
          // "This is a partial connection - set up the initial sequence numbers as though we saw a SYN"
          ep.initAckSeq((firstSeq - 1) >>> 0);
          ep.initStartSeq((firstSeq - 1) >>> 0);
          // "But ensure first packet is not marked duplicate"
          lastSeq = firstSeq;
        }
        ep.initLastSeq(lastSeq);
        void t;
        break;
      case ZeekState.SYN_SENT:
      case ZeekState.SYN_ACK_SENT:
        if (syn && firstSeq !== ep.startSeq) {
          this.weird('SYN_seq_jump', '', '');
          ep.initStartSeq(firstSeq);
          ep.initAckSeq(firstSeq);
          ep.initLastSeq(lastSeq);
        }
        break;
      case ZeekState.ESTABLISHED:
      case ZeekState.PARTIAL:
        if (syn) {
          if (ep.size() > 0) this.weird('SYN_inside_connection', '', '');
          if (firstSeq !== ep.startSeq) this.weird('SYN_seq_jump', '', '');
          ep.initStartSeq(firstSeq);
          ep.initAckSeq(firstSeq);
          ep.initLastSeq(lastSeq);
        }
        break;
      case ZeekState.RESET:
        if (syn && ep.prevState === ZeekState.INACTIVE) {
          // "the earlier RST was spoofed/injected, so re-initialize"
          ep.initStartSeq(firstSeq);
          ep.initAckSeq(firstSeq);
          ep.initLastSeq(lastSeq);
        }
        break;
      default:
        break;
    }
  }

  /** update_history. */
  private updateHistory(flags: number, ep: ZeekEndpoint, relSeq: number, len: number): void {
    const bits = ((flags & SYN) !== 0 ? 1 : 0) + ((flags & FIN) !== 0 ? 1 : 0) + ((flags & RST) !== 0 ? 1 : 0);
    if (bits > 1) {
      if ((flags & FIN) !== 0 && (flags & RST) !== 0) this.checkHistory(ep, HIST.FIN_RST, 'I');
      else this.checkHistory(ep, HIST.MULTI_FLAG, 'Q');
    } else if (bits === 1) {
      if ((flags & SYN) !== 0) {
        const code = (flags & ACK) !== 0 ? 'H' : 'S';
        if (this.checkHistory(ep, HIST.SYN, code) && relSeq !== ep.histLastSyn) this.addHistory(ep.isOrig ? code : code.toLowerCase());
        ep.histLastSyn = relSeq;
      }
      if ((flags & FIN) !== 0) {
        // "For FIN's, the sequence number comes at the end of (any data in) the packet"
        if (this.checkHistory(ep, HIST.FIN, 'F') && relSeq + len !== ep.histLastFin) this.addHistory(ep.isOrig ? 'F' : 'f');
        ep.histLastFin = relSeq + len;
      }
      if ((flags & RST) !== 0) {
        if (this.checkHistory(ep, HIST.RST, 'R') && relSeq !== ep.histLastRst) this.addHistory(ep.isOrig ? 'R' : 'r');
        ep.histLastRst = relSeq;
      }
    } else if (len) this.checkHistory(ep, HIST.DATA, 'D');
    else if ((flags & ACK) !== 0) this.checkHistory(ep, HIST.ACK, 'A');
  }

  /** TCP_Endpoint::CheckHistory and Session::CheckHistory. */
  private checkHistory(ep: ZeekEndpoint, mask: number, code: string): boolean {
    if ((code === 'A' || code === 'D') && this.history === 'H') {
      // "a connection that began with a SYN-ACK rather than a SYN … we're now seeing productive
      // TCP traffic … Thus, at this stage we go ahead and flip the connection", from either side.
      this.flipRoles();
      this.history = '^h';
      this.firstPacketSeen |= ORIG; // tcp_analyzer->SetFirstPacketSeen(true)
    }
    const m = ep.isOrig ? mask : mask << 16;
    if ((this.histSeen & m) === 0) {
      this.histSeen |= m;
      this.addHistory(ep.isOrig ? code : code.toLowerCase());
      return false;
    }
    return true;
  }

  private addHistory(code: string): void {
    this.history += code;
  }

  /** update_window (the zero-window letter and window_recision). */
  private updateWindow(ep: ZeekEndpoint, rawWindow: number, baseSeq: number, ackSeq: number, flags: number): void {
    const scale = ep.windowScale;
    const window = rawWindow * 2 ** scale;
    // "Zero windows are boring if either (1) they come with a RST packet or after a RST packet,
    // or (2) they come after the peer has sent a FIN"
    if (window === 0 && (flags & RST) === 0 && ep.peer.state !== ZeekState.CLOSED && ep.state !== ZeekState.RESET) {
      if (ep.zeroWindow()) this.addHistory(ep.isOrig ? 'W' : 'w');
    }
    if ((flags & (SYN | FIN | RST)) === 0 && ep.state !== ZeekState.CLOSED && ep.state !== ZeekState.RESET) {
      if (seqDiff(baseSeq, ep.windowSeq) >= 0 && seqDiff(ackSeq, ep.windowAckSeq) >= 0) {
        const newEdge = (ackSeq + window) >>> 0;
        const oldEdge = (ep.windowAckSeq + ep.window) >>> 0;
        const advance = seqDiff(newEdge, oldEdge);
        // "An apparent window recision. Allow a bit of slop for window scaling."
        if (advance < 0 && -advance >= 2 ** scale) this.weird('window_recision', '', '');
        ep.window = window;
        ep.windowAckSeq = ackSeq;
        ep.windowSeq = baseSeq;
      }
    }
  }

  /** TCPSessionAdapter::SynWeirds. */
  private synWeirds(flags: number, len: number): void {
    if ((flags & RST) !== 0) this.weird('TCP_christmas');
    if ((flags & URG) !== 0) this.weird('baroque_SYN');
    if (len > 0) this.weird('SYN_with_data');
  }

  /** init_window. */
  private initWindow(ep: ZeekEndpoint, peer: ZeekEndpoint, flags: number, scale: number, baseSeq: number, ackSeq: number): void {
    if (scale < 0) {
      if ((flags & ACK) !== 0) {
        // "window scaling not negotiated"
        ep.windowScale = 0;
        peer.windowScale = 0;
      } else ep.windowScale = 0;
    } else {
      if (scale > 14) {
        // "RFC 7323 caps the window scale shift count at 14"
        if (!this.didWeird) this.weird('TCP_scale_range', String(scale), 'TCP');
        scale = 14;
      }
      ep.windowScale = scale;
      ep.windowSeq = baseSeq;
      ep.windowAckSeq = ackSeq;
      peer.windowSeq = ackSeq;
      peer.windowAckSeq = baseSeq;
    }
  }

  /** init_peer: number the peer as though its SYN had been seen. */
  private initPeer(peer: ZeekEndpoint, ep: ZeekEndpoint, flags: number, ackSeq: number): void {
    if ((flags & (SYN | FIN | RST)) === 0) {
      if (ep.state === ZeekState.SYN_SENT || ep.state === ZeekState.SYN_ACK_SENT || ep.state === ZeekState.ESTABLISHED) {
        // "We've already sent a SYN, but that hasn't roused the other end, yet we're ack'ing their data."
        if (!this.didWeird) this.weird('possible_split_routing', '', '');
      }
    }
    const base = (ackSeq - 1) >>> 0;
    peer.initStartSeq(base);
    peer.initAckSeq(base);
    peer.initLastSeq(base);
  }

  /** update_last_seq; returns delta_last. */
  private updateLastSeq(ep: ZeekEndpoint, lastSeq: number, flags: number, len: number): number {
    const delta = seqDiff(lastSeq, ep.lastSeq);
    if ((flags & (SYN | RST)) !== 0 && (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA)) {
      // untrusted SYN/RST sequence numbers
    } else if ((flags & FIN) !== 0 && ep.lastSeq === ((ep.startSeq + 1) >>> 0)) {
      // "Update last_seq based on the FIN even if delta_last < 0" (> 2 GB connections)
      ep.updateLastSeq(lastSeq);
    } else if (ep.state === ZeekState.RESET) {
      // "don't trust any subsequent sequence numbers"
    } else if (delta > 0) {
      ep.updateLastSeq(lastSeq);
    } else if (len > 0) {
      // TCP_Endpoint::DidRxmit
      if (ep.didRxmit()) this.addHistory(ep.isOrig ? 'T' : 't');
    }
    return delta;
  }

  /** TCP_Endpoint::SetState, with its switch to tcp_inactivity_timeout when the handshake ends. */
  private setState(ep: ZeekEndpoint, s: ZeekState): void {
    if (s === ep.state) return;
    if (!isHandshake(s) && isHandshake(ep.state) && isHandshake(ep.peer.state)) this.setInactivityTimeout(this.cfg.tcpInactivityTimeout);
    ep.setState(s);
  }

  /** UpdateStateMachine: returns do_close and gen_event as one value. */
  private updateStateMachine(
    t: number,
    ep: ZeekEndpoint,
    peer: ZeekEndpoint,
    baseSeq: number,
    ackSeq: number,
    len: number,
    deltaLast: number,
    isOrig: boolean,
    flags: number,
  ): Close {
    switch (ep.state) {
      case ZeekState.INACTIVE:
        return this.updateInactiveState(t, ep, peer, baseSeq, ackSeq, len, isOrig, flags);
      case ZeekState.SYN_SENT:
      case ZeekState.SYN_ACK_SENT:
        return this.updateSynSentState(ep, peer, len, isOrig, flags);
      case ZeekState.ESTABLISHED:
      case ZeekState.PARTIAL:
        return this.updateEstablishedState(ep, peer, flags);
      case ZeekState.CLOSED:
        return this.updateClosedState(t, ep, deltaLast, flags);
      case ZeekState.RESET:
        this.updateResetState(len, flags);
        return NO_CLOSE;
      default:
        return NO_CLOSE;
    }
  }

  /** UpdateInactiveState. */
  private updateInactiveState(t: number, ep: ZeekEndpoint, peer: ZeekEndpoint, baseSeq: number, ackSeq: number, len: number, isOrig: boolean, flags: number): Close {
    let close: Close = NO_CLOSE;
    if ((flags & SYN) !== 0) {
      if (isOrig) {
        if ((flags & ACK) !== 0) {
          this.weird('connection_originator_SYN_ack');
          this.setState(ep, ZeekState.SYN_ACK_SENT);
        } else this.setState(ep, ZeekState.SYN_SENT);
        if (this.cfg.tcpAttemptDelay) this.addTimer(t + this.cfg.tcpAttemptDelay, ZeekTimerKind.Attempt);
      } else {
        if ((flags & ACK) !== 0) {
          if (peer.state !== ZeekState.INACTIVE && peer.state !== ZeekState.PARTIAL && !seqBetween(ackSeq, peer.startSeq, peer.lastSeq)) this.weird('bad_SYN_ack');
        } else if (peer.state === ZeekState.SYN_ACK_SENT && baseSeq === ep.startSeq) {
          // "This is a SYN/SYN-ACK reversal, per the discussion in IsReuse. Flip the endpoints
          // and establish the connection."
          this.isPartial = false;
          this.flipRoles();
          this.setState(peer, ZeekState.ESTABLISHED);
          this.firstPacketSeen |= ORIG;
        } else this.weird('simultaneous_open');
        if (peer.state === ZeekState.SYN_SENT) this.setState(peer, ZeekState.ESTABLISHED);
        else if (peer.state === ZeekState.INACTIVE) this.weird('unsolicited_SYN_response');
        this.setState(ep, ZeekState.ESTABLISHED);
      }
    }
    if ((flags & FIN) !== 0) {
      this.setState(ep, ZeekState.CLOSED);
      close = CLOSE_WITH_EVENT;
      if (peer.state !== ZeekState.PARTIAL && (flags & SYN) === 0) this.weird('spontaneous_FIN');
    }
    if ((flags & RST) !== 0) {
      this.setState(ep, ZeekState.RESET);
      let isReject = false;
      // "If our peer is established then we saw a SYN-ack but not SYN - so a reverse scan"
      if (isOrig) {
        if (peer.state === ZeekState.ESTABLISHED) isReject = true;
      } else if (peer.state === ZeekState.SYN_SENT || peer.state === ZeekState.SYN_ACK_SENT) isReject = true; // "rejecting an initial SYN"
      close = isReject ? CLOSE : CLOSE_WITH_EVENT;
      if (!isReject && peer.state === ZeekState.INACTIVE) this.weird('spontaneous_RST');
    }
    if (ep.state === ZeekState.INACTIVE) {
      // "No control flags to change the state."
      if (!isOrig && len === 0 && this.orig.state === ZeekState.SYN_SENT) {
        // "Some eccentric TCP's will ack an initial SYN prior to sending a SYN reply"
      } else if ((flags & ACK) !== 0 && peer.state === ZeekState.ESTABLISHED) {
        // "No SYN packet from originator but SYN/ACK from responder, and now a pure ACK."
        this.setState(ep, ZeekState.ESTABLISHED);
        this.isPartial = false;
        this.firstPacketSeen |= isOrig ? ORIG : RESP;
      } else this.setState(ep, ZeekState.PARTIAL);
    }
    return close;
  }

  /** UpdateSYN_SentState (SYN_SENT and SYN_ACK_SENT). */
  private updateSynSentState(ep: ZeekEndpoint, peer: ZeekEndpoint, len: number, isOrig: boolean, flags: number): Close {
    let close: Close = NO_CLOSE;
    if ((flags & SYN) !== 0) {
      if (isOrig) {
        if ((flags & ACK) !== 0 && (flags & (FIN | RST)) === 0 && ep.state !== ZeekState.SYN_ACK_SENT) this.weird('repeated_SYN_with_ack');
      } else if ((flags & ACK) === 0 && ep.state !== ZeekState.SYN_SENT) this.weird('repeated_SYN_reply_wo_ack');
    }
    if ((flags & FIN) !== 0) {
      if (peer.state === ZeekState.INACTIVE || peer.state === ZeekState.SYN_SENT) this.weird('inappropriate_FIN');
      this.setState(ep, ZeekState.CLOSED);
      close = CLOSE_WITH_EVENT;
    }
    if ((flags & RST) !== 0) {
      this.setState(ep, ZeekState.RESET);
      this.connectionReset();
      close = close === CLOSE_WITH_EVENT ? CLOSE_WITH_EVENT : CLOSE;
    } else if (len > 0) this.weird('data_before_established');
    return close;
  }

  /** UpdateEstablishedState (ESTABLISHED and PARTIAL). */
  private updateEstablishedState(ep: ZeekEndpoint, peer: ZeekEndpoint, flags: number): Close {
    let close: Close = NO_CLOSE;
    if ((flags & SYN) !== 0 && ep.state === ZeekState.PARTIAL && peer.state === ZeekState.INACTIVE && (flags & ACK) === 0) {
      this.weird('SYN_after_partial');
      this.setState(ep, ZeekState.SYN_SENT);
    }
    if ((flags & FIN) !== 0 && (flags & RST) === 0) {
      this.setState(ep, ZeekState.CLOSED);
      // "The peer sent a FIN followed by a RST. Turn it back into CLOSED state, because this
      // was actually normal termination."
      if (peer.state === ZeekState.RESET && peer.prevState === ZeekState.CLOSED) this.setState(peer, ZeekState.CLOSED);
      close = CLOSE_WITH_EVENT;
    }
    if ((flags & RST) !== 0) {
      this.setState(ep, ZeekState.RESET);
      if (close === NO_CLOSE) close = CLOSE;
      if (peer.state !== ZeekState.RESET || peer.prevState !== ZeekState.ESTABLISHED) this.connectionReset();
    }
    return close;
  }

  /** UpdateClosedState. */
  private updateClosedState(t: number, ep: ZeekEndpoint, deltaLast: number, flags: number): Close {
    let close: Close = NO_CLOSE;
    if ((flags & SYN) !== 0) this.weird('SYN_after_close');
    if ((flags & FIN) !== 0 && deltaLast > 0) this.weird('FIN_advanced_last_seq');
    // "If our peer was also closed, then don't change our state now on a RST, since this
    // connection has already seen a FIN exchange."
    if ((flags & RST) !== 0 && ep.peer.state !== ZeekState.CLOSED) {
      this.setState(ep, ZeekState.RESET);
      if (!ep.didClose) close = CLOSE; // "RST after FIN."
      if (this.cfg.connectionResetHandled) this.addTimer(t + this.cfg.tcpResetDelay, ZeekTimerKind.Reset);
    }
    return close;
  }

  /** UpdateResetState. */
  private updateResetState(len: number, flags: number): void {
    if ((flags & SYN) !== 0) this.weird('SYN_after_reset');
    if ((flags & FIN) !== 0) this.weird('FIN_after_reset');
    if (len > 0 && (flags & RST) === 0) this.weird('data_after_reset');
  }

  /** Connection::FlipRoles → TCPSessionAdapter::FlipRoles: swap the endpoints, append '^'. */
  private flipRoles(): void {
    const t = this.orig;
    this.orig = this.resp;
    this.resp = t;
    this.orig.isOrig = true;
    this.resp.isOrig = false;
    this.aIsOrig = this.orig === this.a;
    const seen = this.firstPacketSeen;
    this.firstPacketSeen = ((seen & ORIG) !== 0 ? RESP : 0) | ((seen & RESP) !== 0 ? ORIG : 0);
    this.isPartial = false; // "resetting, it may be re-established later"
    this.addHistory('^');
  }

  // ---- closing ---------------------------------------------------------------------------

  /** TCPSessionAdapter::ConnectionClosed. */
  private connectionClosed(ep: ZeekEndpoint, peer: ZeekEndpoint, genEvent: boolean): void {
    if (this.dataPending(ep)) {
      // "Don't close out the connection yet, there's still data to deliver."
      this.closeDeferred = true;
      if (!this.deferredGenEvent) this.deferredGenEvent = genEvent;
      return;
    }
    this.closeDeferred = false;
    if (ep.didClose) return; // "nothing new to report"
    ep.didClose = true;
    const closeComplete = ep.state === ZeekState.RESET || peer.didClose || peer.state === ZeekState.INACTIVE;
    if (closeComplete) {
      if (ep.prevState !== ZeekState.INACTIVE || peer.state !== ZeekState.INACTIVE) {
        if (this.deferredGenEvent) {
          genEvent = true;
          this.deferredGenEvent = false;
        }
        if (genEvent) this.isActive = false; // ConnectionFinished
      }
      this.cancelTimers();
      this.addTimer(this.lastTime + this.cfg.tcpCloseDelay, ZeekTimerKind.ConnDelete);
    } else if (ep.prevState === ZeekState.INACTIVE) {
      // "First time we've seen anything from this side."
      if (this.cfg.connectionPartialCloseHandled) this.addTimer(this.lastTime + this.cfg.tcpPartialCloseDelay, ZeekTimerKind.PartialClose);
    } else {
      // "Create a timer to look for the other side closing, too."
      this.addTimer(this.lastTime + this.cfg.tcpSessionTimer, ZeekTimerKind.Expire);
    }
  }

  /** TCPSessionAdapter::ConnectionReset. */
  private connectionReset(): void {
    this.isActive = false;
  }

  /** TCPSessionAdapter::EndpointEOF: a deferred close goes ahead once the data is delivered. */
  private endpointEof(ep: ZeekEndpoint): void {
    if (this.closeDeferred) {
      if (this.dataPending(ep) && this.orig.didClose && this.resp.didClose) this.weird('pending_data_when_closed');
      this.connectionClosed(ep, ep.peer, this.deferredGenEvent);
      this.closeDeferred = false;
    }
  }

  // ---- reassembly: content gaps ----------------------------------------------------------

  /** TCP_Endpoint::DataSent → TCP_Reassembler::DataSent. */
  private dataSent(ep: ZeekEndpoint, seq: number, len: number, payloadCut: boolean): void {
    if (payloadCut) {
      this.weird('truncated_tcp_payload');
      return;
    }
    const g = ep.ownGaps();
    if (g.skipDeliveries) return;
    const ack = ep.toRelativeSeqSpace(ep.ackSeq, ep.ackWraps);
    let upper = seq + len;
    if (seq < ack) {
      // "We've already delivered this and it's been acked."
      if (upper <= ack) return;
      seq = ack; // "Trim the packet to just the unacked data."
    }
    if (!g.newBlock(seq, upper - seq)) {
      // tcplens's range limit (gaps.ts MAX_RANGES): handled as Zeek handles excessive data.
      g.clear();
      g.skipDeliveries = true;
      return;
    }
    upper = 0;
    // TCP_Reassembler::BlockInserted, its end: "We've sent quite a bit of data, yet none of it
    // has been acked … don't hang onto the data further".
    if (ep.noDataAcked() && this.cfg.tcpMaxInitialWindow && ep.size() > this.cfg.tcpMaxInitialWindow) this.trimToSeq(ep, g.lastReassemSeq);
    if (ep.noDataAcked() && this.cfg.tcpMaxAboveHoleWithoutAnyAcks && g.undeliveredBytes() > this.cfg.tcpMaxAboveHoleWithoutAnyAcks) {
      this.weird('above_hole_data_without_any_acks');
      g.clear();
      g.skipDeliveries = true;
    }
    if (this.cfg.tcpExcessiveDataWithoutFurtherAcks && g.dataSize() > this.cfg.tcpExcessiveDataWithoutFurtherAcks) {
      this.weird('excessive_data_without_further_acks');
      g.clear();
      g.skipDeliveries = true;
    }
  }

  /** TCP_Reassembler::AckReceived: the peer acknowledged ep's data up to relative `seq`. */
  private ackReceived(ep: ZeekEndpoint, seq: number): void {
    // "don't worry about undelivered FIN control octets": ACKs are capped at FIN − 1.
    if (ep.finCount > 0 && seq >= ep.finSeq) seq = ep.finSeq - 1;
    if (seq <= ep.gaps.trimSeq) return; // "Nothing to do."
    this.trimToSeq(ep, seq);
    this.checkEof(ep);
  }

  /** Reassembler::TrimToSeq → DataBlockList::Trim. */
  private trimToSeq(ep: ZeekEndpoint, seq: number): void {
    const g = ep.ownGaps();
    if (seq > g.lastReassemSeq) this.undelivered(ep, seq);
    g.dropBelow(seq);
  }

  /** TCP_Reassembler::Undelivered. */
  private undelivered(ep: ZeekEndpoint, upTo: number): void {
    const g = ep.ownGaps();
    if (upTo <= 2 && this.isPartial) {
      // "Since it was a partial connection, we faked up its initial sequence numbers as though
      // we'd seen a SYN … the first packet we saw instantiating the partial connection was a
      // keep-alive. So, in either case, just ignore it."
      return;
    }
    if (!g.skipDeliveries) g.forEachHole(upTo, this, ep);
    if (upTo > g.lastReassemSeq) g.lastReassemSeq = upTo; // "we've done our best ..."
  }

  /** TCP_Reassembler::Gap: G/g only while both are established or cleanly closing; missed_bytes likewise, or always with report_gaps_for_partial. */
  gap(ep: ZeekEndpoint, _at: number, len: number): void {
    const clean = isClean(ep) && isClean(ep.peer);
    if (clean && ep.gap()) this.addHistory(ep.isOrig ? 'G' : 'g');
    if (this.cfg.reportGapsForPartial || clean) this.missedBytes += len;
  }

  /** TCP_Reassembler::DataPending. */
  private dataPending(ep: ZeekEndpoint): boolean {
    const g = ep.gaps;
    if (g.skipDeliveries) return false;
    const delivered = ep.startSeq + g.lastReassemSeq;
    const last = ep.seqWraps * TWO32 + ep.lastSeq;
    if (last < delivered) return false;
    // "We've delivered everything if we're up to the penultimate sequence number … or right at it"
    if (delivered !== last - 1 && delivered !== last) return true;
    // "If we've sent RST, then we can't send ACKs any more."
    return ep.state !== ZeekState.RESET && ep.peer.gaps.hasBlocks();
  }

  /** TCP_Reassembler::CheckEOF. */
  private checkEof(ep: ZeekEndpoint): void {
    const g = ep.gaps;
    if (!g.didEof && (ep.finCount > 0 || ep.state === ZeekState.CLOSED || ep.state === ZeekState.RESET) && !this.dataPending(ep)) {
      ep.ownGaps().didEof = true;
      this.endpointEof(ep);
    }
  }

  // ---- timers ----------------------------------------------------------------------------

  private addTimer(at: number, kind: ZeekTimerKind): void {
    if (this.timers !== null && this.removed === null) this.timers.add(at, kind, this, this.analyzerEpoch);
  }

  /** Analyzer::CancelTimers. */
  private cancelTimers(): void {
    this.analyzerEpoch++;
  }

  /** Session::SetInactivityTimeout. */
  private setInactivityTimeout(timeout: number): void {
    if (timeout === this.inactivityTimeout) return;
    this.inactivityEpoch++; // "First cancel and remove any existing inactivity timer."
    if (timeout && this.timers !== null) this.timers.add(this.lastTime + timeout, ZeekTimerKind.Inactivity, this, this.inactivityEpoch);
    this.inactivityTimeout = timeout;
  }

  /** Whether a timer of this kind set in this epoch would act (onTimer): epochs only grow, so false stays false. */
  pending(kind: ZeekTimerKind, epoch: number): boolean {
    if (this.removed !== null || this.released) return false;
    return epoch === (kind === ZeekTimerKind.Inactivity ? this.inactivityEpoch : this.analyzerEpoch);
  }

  onTimer(kind: ZeekTimerKind, t: number, epoch: number): void {
    if (!this.pending(kind, epoch)) return;
    if (kind === ZeekTimerKind.Inactivity) {
      this.inactivityTimer(t);
      return;
    }
    switch (kind) {
      case ZeekTimerKind.Attempt:
        this.attemptTimer();
        break;
      case ZeekTimerKind.Expire:
        this.expireTimer(t);
        break;
      case ZeekTimerKind.PartialClose:
        this.partialCloseTimer();
        break;
      case ZeekTimerKind.Reset:
        this.resetTimer();
        break;
      case ZeekTimerKind.ConnDelete:
        this.removed = 'close'; // TCPSessionAdapter::ConnDeleteTimer → Session::DeleteTimer
        break;
      default:
        break;
    }
  }

  /** Session::InactivityTimer. */
  private inactivityTimer(t: number): void {
    if (this.lastTime + this.inactivityTimeout <= t) {
      this.removed = 'inactivity';
      return;
    }
    if (this.timers !== null) this.timers.add(this.lastTime + this.inactivityTimeout, ZeekTimerKind.Inactivity, this, this.inactivityEpoch);
  }

  /** TCPSessionAdapter::AttemptTimer: an originator's SYN still unanswered. */
  private attemptTimer(): void {
    if (!this.isActive) return;
    const os = this.orig.state;
    if ((os === ZeekState.SYN_SENT || os === ZeekState.SYN_ACK_SENT) && this.resp.state === ZeekState.INACTIVE) {
      this.isActive = false;
      this.removed = 'attempt'; // "All done with this connection."
    }
  }

  /** TCPSessionAdapter::PartialCloseTimer. */
  private partialCloseTimer(): void {
    if (!this.isActive) return;
    const o = this.orig;
    const r = this.resp;
    if (o.state !== ZeekState.INACTIVE && r.state !== ZeekState.INACTIVE && (!o.didClose || !r.didClose)) {
      // "Presumably the RST is what caused the partial close. Don't report it."
      if (o.state === ZeekState.RESET || r.state === ZeekState.RESET) return;
      this.removed = 'partial-close';
    }
  }

  /** TCPSessionAdapter::ExpireTimer. */
  private expireTimer(t: number): void {
    if (!this.isActive) return;
    const o = this.orig;
    const r = this.resp;
    if (this.lastTime + this.cfg.tcpConnectionLinger < t) {
      if (o.didClose || r.didClose) {
        // "No activity for tcp_connection_linger seconds, and at least one side has closed."
        if (
          (o.didClose && r.didClose) ||
          o.state === ZeekState.RESET ||
          r.state === ZeekState.RESET ||
          o.state === ZeekState.INACTIVE ||
          r.state === ZeekState.INACTIVE
        ) {
          this.isActive = false;
          this.removed = 'expire';
          return;
        }
      }
      if (r.state === ZeekState.INACTIVE && o.state === ZeekState.INACTIVE) {
        // "Nothing ever happened on this connection."
        this.removed = 'expire';
        return;
      }
    }
    // "Connection still active, so reschedule timer."
    this.addTimer(t + this.cfg.tcpSessionTimer, ZeekTimerKind.Expire);
  }

  /** TCPSessionAdapter::ResetTimer. */
  private resetTimer(): void {
    if (!this.isActive) return;
    if (!(this.orig.didClose && this.resp.didClose)) this.connectionReset();
    this.removed = 'reset';
  }

  // ---- reuse -----------------------------------------------------------------------------

  /**
   * TCPSessionAdapter::IsReuse: whether this segment (from a or b) starts a new connection on
   * the four-tuple. "Reuse only occurs on initial SYN's, except for half connections it can
   * occur on SYN-acks." Raises the reuse weirds on this (the old) connection.
   */
  isReuse(seg: Segment, t: number): boolean {
    const flags = seg.flags;
    if ((flags & SYN) === 0) return false;
    let connOrig = this.orig;
    if ((flags & ACK) !== 0) {
      if (this.orig.state !== ZeekState.INACTIVE) return false; // "Not a half connection."
      connOrig = this.resp;
    }
    this.cur = seg;
    const o = this.orig;
    const r = this.resp;
    if (!(o.didClose || r.didClose)) {
      if (seg.seq === connOrig.startSeq) return false;
      if ((flags & ACK) === 0 && connOrig.state === ZeekState.SYN_ACK_SENT && r.state === ZeekState.INACTIVE && seg.seq === r.startSeq) {
        // "the state is consistent with the SYN & the SYN-ACK being flipped … Don't treat this as a reuse."
        return false;
      }
      this.weird(connOrig.state === ZeekState.SYN_SENT ? 'SYN_seq_jump' : 'active_connection_reuse');
    } else if ((o.isActive() || r.isActive()) && o.state !== ZeekState.RESET && r.state !== ZeekState.RESET) {
      this.weird('active_connection_reuse');
    } else if (t - this.lastTime < this.cfg.tcpConnectionLinger && o.state !== ZeekState.RESET && r.state !== ZeekState.RESET) {
      this.weird('premature_connection_reuse');
    }
    return true;
  }

  // ---- weirds ----------------------------------------------------------------------------

  /**
   * Connection::Weird, or Analyzer::Weird (source "TCP", the analyzer's name): kept with the
   * time and frame of the segment that raised it. `source` '' is how init_endpoint,
   * update_window and init_peer call it (endpoint->Conn()->Weird(name)).
   */
  private weird(name: ZeekWeirdName, addl = '', source = 'TCP'): void {
    this.didWeird = true;
    this.weirdCount++;
    if (this.weirds.length >= MAX_WEIRDS) return;
    const s = this.cur;
    if (this.weirds === NO_WEIRDS) this.weirds = [];
    (this.weirds as ZeekWeird[]).push({ name, addl, source, tsSec: s?.tsSec ?? 0, tsNsec: s?.tsNsec ?? 0, frame: s?.frame ?? 0 });
  }
}

/** UpdateStateMachine's do_close and gen_event as one value. */
type Close = 0 | 1 | 2;
const NO_CLOSE: Close = 0;
const CLOSE: Close = 1;
const CLOSE_WITH_EVENT: Close = 2;

/** TCPSessionAdapter::get_segment_len: SYN and FIN take one each; a RST's data is not in the stream. */
function getSegmentLen(len: number, flags: number): number {
  let n = len;
  if ((flags & SYN) !== 0) n++;
  if ((flags & FIN) !== 0) n++;
  if ((flags & RST) !== 0) n -= len;
  return n;
}

/** update_ack_seq. */
function updateAckSeq(ep: ZeekEndpoint, ackSeq: number): void {
  const delta = seqDiff(ackSeq, ep.ackSeq);
  // "More likely that this is a broken ack than a large connection that happens to land on 0"
  if (ackSeq === 0 && delta > TOO_LARGE_SEQ_DELTA) return;
  if (delta > 0) ep.updateAckSeq(ackSeq);
}

/** zeek/zeek src/util.h seq_between: a ≤ x ≤ b in sequence space (here, b − a < 2^31). */
function seqBetween(x: number, a: number, b: number): boolean {
  return seqDiff(x, a) >= 0 && seqDiff(b, x) >= 0;
}

/** TCP_Reassembler.cc is_clean. */
function isClean(ep: ZeekEndpoint): boolean {
  return ep.state === ZeekState.ESTABLISHED || (ep.state === ZeekState.CLOSED && ep.prevState === ZeekState.ESTABLISHED);
}
