/**
 * The Zeek connections (conn.log rows) of one tcplens connection. tcplens keeps one story per
 * four-tuple generation; Zeek ends a connection when one of its timers removes it (an
 * unanswered attempt after tcp_attempt_delay, inactivity, a close, …) or a SYN reuses the
 * four-tuple (TCPSessionAdapter::IsReuse), and the next packet of the four-tuple then starts a
 * new Zeek connection (IPBasedAnalyzer::AnalyzePacket → NewConn). So one tcplens connection
 * holds one or more Zeek sessions, in order: `first` began with the connection's first packet.
 */
import type { Segment } from '../segment.js';
import type { ZeekConfig } from './config.js';
import { ZeekSession } from './session.js';
import type { ZeekTimers } from './timers.js';

/** Zeek rows kept per tcplens connection; past it the oldest after the first are dropped (counted). */
export const MAX_ZEEK_ROWS = 4096;

export class ZeekTrack {
  /** Made with its first session: an array that grows by push from empty reserves 17 places. */
  readonly sessions: ZeekSession[];
  /** Rows dropped past MAX_ZEEK_ROWS. */
  droppedRows = 0;
  current: ZeekSession;
  /** The constructor's segment is processed next, by a session made for it (no reuse check). */
  private fresh = true;

  constructor(
    first: Segment,
    private readonly portA: number,
    private readonly portB: number,
    private readonly cfg: ZeekConfig,
    private readonly timers: ZeekTimers | null,
  ) {
    this.current = new ZeekSession(first, portA, portB, cfg, timers, true);
    this.sessions = [this.current];
  }

  get first(): ZeekSession {
    return this.sessions[0] as ZeekSession;
  }

  /** One segment sent by the tcplens connection's endpoint a (fromA) or b. */
  process(seg: Segment, fromA: boolean): void {
    let s = this.current;
    if (this.fresh) this.fresh = false;
    else if (s.removed !== null) s = this.start(seg, fromA);
    else if (s.isReuse(seg, seg.time)) {
      // IPBasedAnalyzer::AnalyzePacket: "conn->IsReuse(…)" → session_mgr->Remove(conn); NewConn.
      s.removed = 'reuse';
      s = this.start(seg, fromA);
    }
    s.process(seg, fromA === s.firstFromA);
  }

  private start(seg: Segment, fromA: boolean): ZeekSession {
    const s = new ZeekSession(seg, fromA ? this.portA : this.portB, fromA ? this.portB : this.portA, this.cfg, this.timers, fromA);
    if (this.sessions.length >= MAX_ZEEK_ROWS) {
      this.sessions.splice(1, 1);
      this.droppedRows++;
    }
    this.sessions.push(s);
    this.current = s;
    return s;
  }

  /** The tcplens connection was handed on: Zeek's pending timers of its sessions can be dropped. */
  release(): void {
    for (const s of this.sessions) {
      s.released = true;
      this.timers?.ownerGone();
    }
  }

  /** Whether tcplens endpoint a is Zeek's originator in session s. */
  static origIsA(s: ZeekSession): boolean {
    return s.aIsOrig === s.firstFromA;
  }
}
