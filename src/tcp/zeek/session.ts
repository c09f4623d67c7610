/**
 * Zeek's per-connection TCP analysis, reduced to what conn.log shows: endpoint states, the
 * history string, sizes, packet and IP byte counts, and the last "productive" time that ends
 * `duration`. Follows zeek/zeek src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc
 * (Process, init_endpoint, update_history, update_window, update_ack_seq, update_last_seq,
 * UpdateStateMachine and its Update*State helpers) and TCP.cc (WantConnection).
 * Reassembly-dependent letters (G content gaps, C checksum errors) are not produced.
 */
import { TcpFlag } from '../../decode/fields.js';
import type { Segment } from '../segment.js';
import { seqDiff } from '../seq.js';
import { ZeekEndpoint, ZeekState } from './endpoint.js';
import { isLikelyServerPort } from './likely-server-ports.js';

const TOO_LARGE_SEQ_DELTA = 1048576;
const HIST = { SYN: 0x1, FIN: 0x2, RST: 0x4, FIN_RST: 0x8, ACK: 0x10, DATA: 0x20, MULTI_FLAG: 0x400 } as const;

export class ZeekSession {
  /** Zeek's originator and responder (they swap when Zeek flips roles). */
  orig: ZeekEndpoint;
  resp: ZeekEndpoint;
  history = '';
  private histSeen = 0;
  startTime = 0;
  lastTime = 0;
  /** Whether endpoint `a` (the first packet's sender) is currently Zeek's originator. */
  aIsOrig = true;
  private readonly a: ZeekEndpoint;
  private readonly b: ZeekEndpoint;

  /**
   * `first`: the connection's first segment, sent by endpoint a from port `srcPort` to `dstPort`.
   * `likelyServerPort`: Zeek's likely_server_ports (empty when Zeek runs bare, `zeek -b`).
   */
  constructor(first: Segment, srcPort: number, dstPort: number, likelyServerPort: (port: number) => boolean = isLikelyServerPort) {
    this.a = new ZeekEndpoint(true);
    this.b = new ZeekEndpoint(false);
    this.orig = this.a;
    this.resp = this.b;
    this.a.isOrig = true;
    this.startTime = first.time;
    this.lastTime = first.time;
    // TCPAnalyzer::WantConnection: a connection that starts without a pure SYN may be flipped
    // by port numbers ("Try to guess true responder by the port numbers").
    const f = first.flags;
    if ((f & TcpFlag.SYN) === 0 || (f & TcpFlag.ACK) !== 0) {
      if (likelyServerPort(srcPort)) {
        const flip = likelyServerPort(dstPort) ? (f & TcpFlag.SYN) === 0 && srcPort < dstPort : true;
        if (flip) this.flipRoles();
      }
    }
  }

  /** Processes one segment sent by endpoint a (fromA) or b. */
  process(seg: Segment, fromA: boolean): void {
    const endpoint = fromA ? this.a : this.b;
    const peer = fromA ? this.b : this.a;
    endpoint.packets++;
    endpoint.ipBytes += seg.ipLen;
    const flags = seg.flags;
    const SYN = (flags & TcpFlag.SYN) !== 0;
    const FIN = (flags & TcpFlag.FIN) !== 0;
    const RST = (flags & TcpFlag.RST) !== 0;
    const ACK = (flags & TcpFlag.ACK) !== 0;
    const len = seg.len;
    const baseSeq = seg.seq;
    const ackSeq = seg.ack;
    const segLen = len + (SYN ? 1 : 0) + (FIN ? 1 : 0) - (RST ? len : 0);
    const seqOnePast = (baseSeq + segLen) >>> 0;

    this.initEndpoint(endpoint, SYN, baseSeq, seqOnePast);
    const relSeq = endpoint.relativeSeq(baseSeq, endpoint.lastSeq, endpoint.seqWraps);
    this.updateHistory(endpoint, SYN, FIN, RST, ACK, relSeq, len);
    // update_window: only the zero-window letter matters for conn.log.
    if (seg.win === 0 && !RST && peer.state !== ZeekState.CLOSED && endpoint.state !== ZeekState.RESET) {
      if (endpoint.zeroWindows.hit()) this.addHistory(endpoint.isOrig ? 'W' : 'w');
    }
    if (!this.orig.didClose || !this.resp.didClose) this.lastTime = seg.time;
    if (FIN) endpoint.finCount++;
    if (ACK) {
      if (peer.state === ZeekState.INACTIVE) {
        // init_peer: number the peer as though its SYN had been seen.
        const base = (ackSeq - 1) >>> 0;
        peer.startSeq = base;
        peer.ackSeq = base;
        peer.lastSeq = base;
      } else {
        const underflow = peer.ackWraps === 0 && seqDiff(ackSeq, peer.startSeq) < 0;
        if (!underflow && !RST) {
          const delta = seqDiff(ackSeq, peer.ackSeq);
          if (!(ackSeq === 0 && delta > TOO_LARGE_SEQ_DELTA) && delta > 0) peer.updateAckSeq(ackSeq);
        }
      }
    }
    const deltaLast = this.updateLastSeq(endpoint, seqOnePast, SYN, FIN, RST, len);
    const doClose = this.updateStateMachine(endpoint, peer, baseSeq, len, deltaLast, SYN, FIN, RST, ACK);
    if (doClose) endpoint.didClose = true;
  }

  private initEndpoint(ep: ZeekEndpoint, SYN: boolean, firstSeq: number, lastSeq: number): void {
    switch (ep.state) {
      case ZeekState.INACTIVE:
        if (SYN) {
          ep.ackSeq = firstSeq;
          ep.startSeq = firstSeq;
        } else {
          ep.ackSeq = (firstSeq - 1) >>> 0;
          ep.startSeq = (firstSeq - 1) >>> 0;
          lastSeq = firstSeq;
        }
        ep.lastSeq = lastSeq;
        break;
      case ZeekState.SYN_SENT:
      case ZeekState.SYN_ACK_SENT:
        if (SYN && firstSeq !== ep.startSeq) {
          ep.startSeq = firstSeq;
          ep.ackSeq = firstSeq;
          ep.lastSeq = lastSeq;
        }
        break;
      case ZeekState.ESTABLISHED:
      case ZeekState.PARTIAL:
        if (SYN) {
          ep.startSeq = firstSeq;
          ep.ackSeq = firstSeq;
          ep.lastSeq = lastSeq;
        }
        break;
      case ZeekState.RESET:
        if (SYN && ep.prevState === ZeekState.INACTIVE) {
          ep.startSeq = firstSeq;
          ep.ackSeq = firstSeq;
          ep.lastSeq = lastSeq;
        }
        break;
      default:
        break;
    }
  }

  private updateLastSeq(ep: ZeekEndpoint, lastSeq: number, SYN: boolean, FIN: boolean, RST: boolean, len: number): number {
    const delta = seqDiff(lastSeq, ep.lastSeq);
    if ((SYN || RST) && (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA)) {
      // untrusted SYN/RST sequence numbers
    } else if (FIN && ep.lastSeq === ((ep.startSeq + 1) >>> 0)) {
      ep.updateLastSeq(lastSeq);
    } else if (ep.state === ZeekState.RESET) {
      // don't trust any subsequent sequence numbers
    } else if (delta > 0) {
      ep.updateLastSeq(lastSeq);
    } else if (len > 0) {
      if (ep.retransmissions.hit()) this.addHistory(ep.isOrig ? 'T' : 't');
    }
    return delta;
  }

  private checkHistory(ep: ZeekEndpoint, mask: number, code: string): boolean {
    const m = ep.isOrig ? mask : mask << 16;
    const c = ep.isOrig ? code : code.toLowerCase();
    if ((this.histSeen & m) === 0) {
      this.histSeen |= m;
      this.addHistory(c);
      return false;
    }
    return true;
  }

  private addHistory(code: string): void {
    this.history += code;
  }

  private updateHistory(ep: ZeekEndpoint, SYN: boolean, FIN: boolean, RST: boolean, ACK: boolean, relSeq: number, len: number): void {
    const bits = (SYN ? 1 : 0) + (FIN ? 1 : 0) + (RST ? 1 : 0);
    if (bits > 1) {
      if (FIN && RST) this.checkHistory(ep, HIST.FIN_RST, 'I');
      else this.checkHistory(ep, HIST.MULTI_FLAG, 'Q');
    } else if (bits === 1) {
      if (SYN) {
        const code = ACK ? 'H' : 'S';
        if (this.checkHistory(ep, HIST.SYN, code) && relSeq !== ep.histLastSyn) this.addHistory(ep.isOrig ? code : code.toLowerCase());
        ep.histLastSyn = relSeq;
      }
      if (FIN) {
        if (this.checkHistory(ep, HIST.FIN, 'F') && relSeq + len !== ep.histLastFin) this.addHistory(ep.isOrig ? 'F' : 'f');
        ep.histLastFin = relSeq + len;
      }
      if (RST) {
        if (this.checkHistory(ep, HIST.RST, 'R') && relSeq !== ep.histLastRst) this.addHistory(ep.isOrig ? 'R' : 'r');
        ep.histLastRst = relSeq;
      }
    } else {
      // A history of just "H" followed by an ACK or data from the other side: the SYN-ACK's
      // sender was the responder after all; Zeek flips and rewrites the history as "^h"
      // (zeek/zeek PR #2191, ANCHORS §1.4).
      if (this.history === 'H' && !ep.isOrig) {
        this.flipRoles();
        this.history = '^h';
        this.histSeen = HIST.SYN << 16;
      }
      if (len) this.checkHistory(ep, HIST.DATA, 'D');
      else if (ACK) this.checkHistory(ep, HIST.ACK, 'A');
    }
  }

  /** Connection::FlipRoles: swap originator and responder, and append '^'. */
  private flipRoles(): void {
    const t = this.orig;
    this.orig = this.resp;
    this.resp = t;
    this.orig.isOrig = true;
    this.resp.isOrig = false;
    this.aIsOrig = this.orig === this.a;
    this.addHistory('^');
  }

  /** UpdateStateMachine; returns do_close. */
  private updateStateMachine(
    ep: ZeekEndpoint,
    peer: ZeekEndpoint,
    baseSeq: number,
    len: number,
    deltaLast: number,
    SYN: boolean,
    FIN: boolean,
    RST: boolean,
    ACK: boolean,
  ): boolean {
    let doClose = false;
    switch (ep.state) {
      case ZeekState.INACTIVE: {
        if (SYN) {
          if (ep.isOrig) {
            ep.setState(ACK ? ZeekState.SYN_ACK_SENT : ZeekState.SYN_SENT);
          } else {
            if (!ACK && peer.state === ZeekState.SYN_ACK_SENT && baseSeq === ep.startSeq) {
              // A SYN/SYN-ACK reversal: flip the endpoints and establish the connection.
              this.flipRoles();
              peer.setState(ZeekState.ESTABLISHED);
            }
            if (peer.state === ZeekState.SYN_SENT) peer.setState(ZeekState.ESTABLISHED);
            ep.setState(ZeekState.ESTABLISHED);
          }
        }
        if (FIN) {
          ep.setState(ZeekState.CLOSED);
          doClose = true;
        }
        if (RST) {
          ep.setState(ZeekState.RESET);
          doClose = true;
        }
        if (ep.state === ZeekState.INACTIVE) {
          if (!ep.isOrig && len === 0 && this.orig.state === ZeekState.SYN_SENT) {
            // "Some eccentric TCP's will ack an initial SYN prior to sending a SYN reply"
          } else if (ACK && peer.state === ZeekState.ESTABLISHED) {
            ep.setState(ZeekState.ESTABLISHED);
          } else {
            ep.setState(ZeekState.PARTIAL);
          }
        }
        break;
      }
      case ZeekState.SYN_SENT:
      case ZeekState.SYN_ACK_SENT:
        if (FIN) {
          ep.setState(ZeekState.CLOSED);
          doClose = true;
        }
        if (RST) {
          ep.setState(ZeekState.RESET);
          doClose = true;
        }
        break;
      case ZeekState.ESTABLISHED:
      case ZeekState.PARTIAL:
        if (SYN && ep.state === ZeekState.PARTIAL && peer.state === ZeekState.INACTIVE && !ACK) ep.setState(ZeekState.SYN_SENT);
        if (FIN && !RST) {
          ep.setState(ZeekState.CLOSED);
          // "The peer sent a FIN followed by a RST. Turn it back into CLOSED state."
          if (peer.state === ZeekState.RESET && peer.prevState === ZeekState.CLOSED) peer.setState(ZeekState.CLOSED);
          doClose = true;
        }
        if (RST) {
          ep.setState(ZeekState.RESET);
          doClose = true;
        }
        break;
      case ZeekState.CLOSED:
        if (RST && peer.state !== ZeekState.CLOSED) {
          ep.setState(ZeekState.RESET);
          if (!ep.didClose) doClose = true;
        }
        break;
      default:
        break;
    }
    void deltaLast;
    return doClose;
  }

  get duration(): number {
    return this.lastTime - this.startTime;
  }
}
