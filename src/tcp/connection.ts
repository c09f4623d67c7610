/**
 * One TCP connection: a four-tuple plus a generation (port reuse starts a new one), two RFC
 * 9293 endpoint machines, and Zeek's model of the same packets. Endpoint `a` is the sender of
 * the connection's first captured packet; `client` and `server` are decided from the packets
 * (the sender of the first pure SYN) or, with no SYN, the way Zeek decides (rolesInferred).
 */
import { TcpFlag } from '../decode/fields.js';
import { arriveTransition, classifyArrive, classifySend, Confirm, Endpoint, recordSent, sendTransition, settleWindowScale } from './endpoint.js';
import type { Segment } from './segment.js';
import { seqAdd, seqGeq, seqGt } from './seq.js';
import type { EndpointState } from './state.js';
import type { ArriveEvent, SendEvent, Transition } from './transitions.js';
import { ZeekSession } from './zeek/session.js';

export type Side = 'client' | 'server';

export interface Address {
  ip: string;
  port: number;
}

export interface StateChange {
  /** Which endpoint: 'a' (first packet's sender) or 'b'; mapped to client/server on output. */
  endpoint: 'a' | 'b';
  from: EndpointState;
  to: EndpointState;
  /** The frame that caused it, or null for a projected change. */
  frame: number | null;
  tsSec: number;
  tsNsec: number;
  cause: string;
  rfc: string;
  projected: boolean;
  /**
   * witnessed: the endpoint's own captured segment shows it (it sent the SYN, FIN, RST, or
   * acknowledged what arrived); inferred: it rests on the peer's segment arriving when it was
   * captured, and nothing the endpoint sent later proves it; contradicted: later evidence shows
   * that arrival had not happened (the change did not take place).
   */
  evidence: Evidence;
  /** An inferred change later confirmed: the frame of its own segment that proves it. Contradicted: the first frame against it. */
  evidenceFrame: number | null;
  /** Contradicted: the frames against it (the first MAX_CONTRADICTING), and how they contradict it. */
  contradictedBy: number[] | null;
  contradiction: Contradiction | null;
}

export type Evidence = 'witnessed' | 'inferred' | 'contradicted';
/**
 * resent: the peer sent the segment again unchanged, or the endpoint resent what that
 * segment's ACK would have settled; crossed: its own FIN does not acknowledge the FIN assumed
 * to have arrived (Figure 13); reset: it answered the ACK with a RST of the §3.10.7.1 form
 * (no connection took that ACK).
 */
export type Contradiction = 'resent' | 'crossed' | 'reset';

const MAX_CONTRADICTING = 16;

export interface UnexpectedSegment {
  endpoint: 'a' | 'b';
  /** 'send' at its sender or 'arrive' at its receiver. */
  at: 'send' | 'arrive';
  state: EndpointState;
  event: string;
  frame: number;
}

/** Wireshark's tcp.completeness bits (epan/dissectors/packet-tcp.c, TCP_COMPLETENESS_*). */
export const Completeness = { SYN: 1, SYN_ACK: 2, ACK: 4, DATA: 8, FIN: 16, RST: 32 } as const;

/** Observer of a connection's segments (implemented by analysis/); called after the state step. */
export interface ConnectionObserver {
  /** Called before the state machines take the segment. */
  before?(conn: Connection, fromA: boolean): void;
  onSegment(conn: Connection, seg: Segment, fromA: boolean, changes: readonly StateChange[]): void;
  onEnd?(conn: Connection): void;
}

const MAX_UNEXPECTED = 64;
/** The changes of the segment being processed (see process). */
const SEGMENT_CHANGES: StateChange[] = [];

export class Connection {
  readonly a: Endpoint = new Endpoint();
  readonly b: Endpoint = new Endpoint();
  readonly zeek: ZeekSession;
  readonly changes: StateChange[] = [];
  readonly unexpected: UnexpectedSegment[] = [];
  unexpectedCount = 0;
  firstFrame: number;
  lastFrame: number;
  firstSec: number;
  firstNsec: number;
  lastSec: number;
  lastNsec: number;
  /** Which endpoint sent the first pure SYN: 'a', 'b' or null. */
  firstSynFrom: 'a' | 'b' | null = null;
  completeness = 0;
  /** Segments seen in this connection. */
  packetCount = 0;
  /** Per direction: Wireshark's base sequence number (the SYN's, or one below the first seen). */
  baseSeqA = 0;
  baseSeqB = 0;
  baseSetA = false;
  baseSetB = false;
  observer: ConnectionObserver | null = null;
  /** Whether the connection has been handed on (ended). */
  ended = false;
  /** The tracker's comparable key of endpoint a's address (to tell directions apart). */
  sourceKeyA = '';
  /** IPv4: endpoint a's address·2^16 + port, and the tracker's two-number key. */
  sourceNumA = 0;
  keyLo = 0;
  keyHi = 0;
  /** Started by a SYN that reused the four-tuple of an earlier connection (Wireshark's reused_ports). */
  reusedPorts = false;
  /** Tests only: told of every table row taken (the row-coverage check of test/tcp). */
  rowHook: ((at: 'send' | 'arrive', state: EndpointState, event: string) => void) | null = null;

  constructor(
    readonly id: number,
    readonly key: string,
    readonly addrA: Address,
    readonly addrB: Address,
    first: Segment,
    readonly ipVersion: number,
    zeekBare = false,
  ) {
    this.firstFrame = first.frame;
    this.lastFrame = first.frame;
    this.firstSec = first.tsSec;
    this.firstNsec = first.tsNsec;
    this.lastSec = first.tsSec;
    this.lastNsec = first.tsNsec;
    this.zeek = zeekBare ? new ZeekSession(first, addrA.port, addrB.port, () => false) : new ZeekSession(first, addrA.port, addrB.port);
  }

  /** Client is the first pure SYN's sender; without one, Zeek's originator. */
  get clientIsA(): boolean {
    if (this.firstSynFrom !== null) return this.firstSynFrom === 'a';
    return this.zeek.aIsOrig;
  }

  get rolesInferred(): boolean {
    return this.firstSynFrom === null;
  }

  endpointOf(side: Side): Endpoint {
    return (side === 'client') === this.clientIsA ? this.a : this.b;
  }

  sideOf(endpoint: 'a' | 'b'): Side {
    return (endpoint === 'a') === this.clientIsA ? 'client' : 'server';
  }

  address(side: Side): Address {
    return (side === 'client') === this.clientIsA ? this.addrA : this.addrB;
  }

  get lastTime(): number {
    return this.lastSec + this.lastNsec / 1e9;
  }

  /**
   * Feeds one segment sent by endpoint a (fromA) or b. Returns the state changes it caused
   * (a reused array: valid until the next segment of any connection).
   */
  process(seg: Segment, fromA: boolean): readonly StateChange[] {
    const sender = fromA ? this.a : this.b;
    const receiver = fromA ? this.b : this.a;
    const senderName = fromA ? 'a' : 'b';
    const receiverName = fromA ? 'b' : 'a';
    this.lastFrame = seg.frame;
    this.lastSec = seg.tsSec;
    this.lastNsec = seg.tsNsec;
    if (seg.syn && !seg.hasAck && this.firstSynFrom === null) this.firstSynFrom = senderName;
    this.trackCompleteness(seg, this.packetCount++ === 0);
    if (fromA ? !this.baseSetA : !this.baseSetB) {
      const base = seg.syn ? seg.seq : (seg.seq - 1) >>> 0;
      if (fromA) {
        this.baseSeqA = base;
        this.baseSetA = true;
      } else {
        this.baseSeqB = base;
        this.baseSetB = true;
      }
    }
    this.observer?.before?.(this, fromA);

    // One array for every segment of every connection: observers read it during onSegment only
    // (conn.changes keeps the changes); a connection held in memory carries no scratch space.
    const changes = SEGMENT_CHANGES;
    changes.length = 0;
    // Later evidence first: what this segment shows about earlier inferred changes.
    this.weigh(sender, receiver, seg);
    const crossed = this.finsCrossed(sender, receiver, seg);
    // The sender's side: the segment shows what it did (RFC 9293 §3.10 user calls).
    this.step(sender, senderName, seg, 'send', changes, receiver);
    // Figure 13: the peer's FIN was in flight when this FIN was sent; it arrives now.
    if (crossed) {
      const row = arriveTransition(sender.state, 'fin');
      if (row !== null && this.rowHook !== null) this.rowHook('arrive', sender.state, 'fin');
      if (row !== null) {
        this.apply(sender, senderName, seg, row, 'fin', 'inferred', changes, receiver);
        sender.pendingSeq = seqAdd(receiver.finSeq, 1); // it rests on the peer's FIN, not on this segment
      }
    }
    recordSent(sender, seg);
    if (seg.syn && seg.hasAck) settleWindowScale(sender, receiver);
    // The receiver's side: SEGMENT ARRIVES (§3.10.7), delivery assumed at capture time.
    this.step(receiver, receiverName, seg, 'arrive', changes, sender);
    this.zeek.process(seg, fromA);
    this.observer?.onSegment(this, seg, fromA, changes);
    return changes;
  }

  /**
   * One step of an endpoint, as the table says (src/tcp/transitions.ts): a row to another
   * state changes it; a row to the same state is expected and changes nothing; a row with
   * `then` took the segment's ACK field only, and the rest is classified again in the new state.
   */
  private step(ep: Endpoint, name: 'a' | 'b', seg: Segment, at: 'send' | 'arrive', changes: StateChange[], peer: Endpoint): void {
    for (let i = 0; i < 3; i++) {
      let event: SendEvent | ArriveEvent;
      let row: Transition | null;
      if (at === 'send') {
        event = classifySend(seg, ep, peer);
        row = sendTransition(ep.state, event);
      } else {
        event = classifyArrive(seg, peer, ep);
        if (this.inDoubt(ep, seg, event)) return;
        row = arriveTransition(ep.state, event);
      }
      if (row === null) {
        if (i === 0 && this.isUnexpected(ep.state, event, at)) this.noteUnexpected(name, at, ep.state, event, seg.frame);
        return;
      }
      if (this.rowHook !== null) this.rowHook(at, ep.state, event);
      if (row.to === ep.state) return;
      this.apply(ep, name, seg, row, event, at === 'send' ? 'witnessed' : 'inferred', changes, peer);
      if (row.then !== true) return;
    }
  }

  private apply(ep: Endpoint, name: 'a' | 'b', seg: Segment, row: Transition, event: SendEvent | ArriveEvent, evidence: Evidence, changes: StateChange[], peer: Endpoint): void {
    const from = ep.state;
    ep.state = row.to;
    const change: StateChange = {
      endpoint: name,
      from,
      to: row.to,
      frame: seg.frame,
      tsSec: seg.tsSec,
      tsNsec: seg.tsNsec,
      cause: row.cause,
      rfc: row.rfc,
      projected: false,
      evidence,
      evidenceFrame: null,
      contradictedBy: null,
      contradiction: null,
    };
    changes.push(change);
    this.changes.push(change);
    if (evidence === 'witnessed') {
      if (row.to === 'SYN-RECEIVED') ep.passiveOpen = true;
      // Its ACK of the peer's SYN or FIN also proves the inferred changes that led here.
      if ((event === 'ack-of-syn' || event === 'ack-of-fin') && this.changes.length > 1) {
        const i = this.changes.length - 2;
        for (let j = i; j >= 0; j--) {
          const c = this.changes[j] as StateChange;
          if (c.endpoint !== name || c.evidence === 'contradicted') continue;
          if (c.evidence === 'inferred') this.confirm(c, seg.frame);
          break;
        }
        if (ep.pending !== null && ep.pending.evidence !== 'inferred') ep.pending = null;
      }
      // Its own ACK settled what was in doubt (ack-of-syn, ack-of-fin rows).
      if (ep.doubt !== null && !ep.doubtAck && seg.hasAck && seqGeq(seg.ack, ep.doubtSeq)) ep.doubt = null;
      return;
    }
    // Inferred: how the endpoint's own later segment can confirm it, or a resend contradict it.
    switch (event) {
      case 'syn':
      case 'syn-ack':
      case 'fin':
        this.expect(ep, change, Confirm.Ack, seqAdd(seg.seq, seg.seqLen));
        break;
      case 'fin-ack-of-fin':
        if (from === 'FIN-WAIT-2') this.expect(ep, change, Confirm.Ack, seqAdd(seg.seq, seg.seqLen));
        else ep.ackArrival = change;
        break;
      case 'ack-of-syn':
        this.expect(ep, change, Confirm.NonSyn, 0);
        ep.ackArrival = change;
        break;
      case 'ack-of-fin':
        ep.ackArrival = change;
        break;
      case 'data':
      case 'ack':
        this.expect(ep, change, Confirm.NonSyn, 0);
        break;
      default:
        // A RST: nothing the endpoint sends afterwards can show it arrived.
        if (seg.rst && ep.rstAcceptedFrame === 0) ep.rstAcceptedFrame = seg.frame;
    }
    void peer;
  }

  private expect(ep: Endpoint, change: StateChange, kind: number, seq: number): void {
    ep.pending = change;
    ep.pendingKind = kind;
    ep.pendingSeq = seq;
  }

  /**
   * Later evidence (one mechanism, append-only: history is never rewritten, only marked).
   * An inferred change assumed that a segment arrived when captured. A later segment can show
   * that it did (the endpoint acknowledges it: the change becomes witnessed) or that it did not:
   * - the peer sends that SYN,ACK or FIN again unchanged (it got no ACK: it had not arrived);
   * - the endpoint sends again the SYN,ACK or FIN that the assumed ACK would have settled;
   * - the endpoint resends its SYN although a SYN,ACK was assumed to have arrived;
   * - it answers the SYN,ACK or the final ACK assumed to have arrived with a RST of the form a
   *   port with no connection sends (§3.10.7.1: no ACK bit, SEG.SEQ = SEG.ACK of the segment it
   *   answers): a scanner's kernel, or a listener whose accept queue overflowed;
   * - its FIN does not acknowledge a FIN assumed to have arrived (finsCrossed).
   * The change is then marked contradicted with the frame, the endpoint returns to the state
   * it came from, and further copies of the same segment are not assumed to arrive (the
   * endpoint's own ACK, rows ack-of-syn and ack-of-fin, shows when one did).
   */
  private weigh(sender: Endpoint, receiver: Endpoint, seg: Segment): void {
    // A SYN,ACK sent again after the peer sent its SYN again answers that SYN (§3.10.7.4: Linux
    // answers a retransmitted SYN in SYN-RECEIVED with its SYN,ACK): it shows nothing was lost.
    const answersSyn = seg.syn && seg.hasAck && receiver.lastSynFrame > sender.lastSynFrame;
    const copy = !seg.rst && !answersSyn && ((seg.syn && sender.synCount > 0 && seg.seq === sender.isn) || (seg.fin && !seg.syn && sender.sawFin && seqAdd(seg.seq, seg.len) === sender.finSeq));
    if (copy) {
      const end = seqAdd(seg.seq, seg.seqLen);
      const p = receiver.pending;
      // A pure copy carries nothing new: no ACK beyond what its sender acknowledged before.
      const pure = !seg.hasAck || !sender.hasLastAck || !seqGt(seg.ack, sender.lastAck);
      if (p !== null && receiver.pendingKind === Confirm.Ack && receiver.pendingSeq === end && receiver.state === p.to && p.evidence === 'inferred') {
        this.contradict(receiver, p, seg.frame, 'resent');
        receiver.pending = null;
        receiver.doubt = pure ? p : null;
        receiver.doubtAck = false;
        receiver.doubtSeq = end;
      } else if (receiver.doubt !== null && !receiver.doubtAck && receiver.doubtSeq === end) {
        addFrame(receiver.doubt, seg.frame);
        if (!pure) receiver.doubt = null;
      }
      const q = sender.ackArrival;
      if (q !== null && q.evidence === 'inferred' && sender.state === q.to && (seg.syn ? q.from === 'SYN-RECEIVED' : q.from === 'FIN-WAIT-1' || q.from === 'CLOSING' || q.from === 'LAST-ACK')) {
        this.contradict(sender, q, seg.frame, 'resent');
        sender.ackArrival = null;
        if (sender.pending === q) sender.pending = null;
        sender.doubt = q;
        sender.doubtAck = true;
      } else if (sender.doubt !== null && sender.doubtAck) addFrame(sender.doubt, seg.frame);
      const own = sender.pending;
      if (seg.syn && !seg.hasAck && own !== null && own.from === 'SYN-SENT' && own.evidence === 'inferred' && sender.state === own.to) {
        this.contradict(sender, own, seg.frame, 'resent');
        sender.pending = null;
      }
    } else if (seg.rst && !seg.hasAck && sender.state === 'ESTABLISHED' && receiver.hasLastAck && seg.seq === receiver.lastAck) {
      // The RST a port with no connection sends (§3.10.7.1): no connection took the segment it answers.
      const q = sender.ackArrival !== null && sender.ackArrival.from === 'SYN-RECEIVED' && sender.ackArrival.evidence === 'inferred' ? sender.ackArrival : null;
      const p = sender.pending !== null && sender.pending.from === 'SYN-SENT' && sender.pending.evidence === 'inferred' ? sender.pending : null;
      const c = q ?? p;
      if (c !== null && sender.state === c.to) {
        this.contradict(sender, c, seg.frame, 'reset');
        if (sender.pending === c) sender.pending = null;
        if (sender.ackArrival === c) sender.ackArrival = null;
      }
    }
    // Confirmation: the sender's own segment acknowledges what its inferred change assumed.
    const p = sender.pending;
    if (p !== null && p.evidence === 'inferred' && !seg.rst) {
      if (sender.pendingKind === Confirm.Ack ? seg.hasAck && seqGeq(seg.ack, sender.pendingSeq) : sender.pendingKind === Confirm.NonSyn && !seg.syn) {
        this.confirm(p, seg.frame);
        sender.pending = null;
      }
    }
    // Doubt about the peer's ACK (its SYN,ACK resent after an ACK) ends when it sends without SYN.
    if (sender.doubt !== null && sender.doubtAck && !seg.syn && !seg.rst) sender.doubt = null;
  }

  /**
   * Its own segment proves the state: the change is witnessed, and so are the inferred changes
   * of the same endpoint that led to it (it could not be there without passing through them;
   * when exactly each arrival happened stays an assumption of capture-time delivery).
   */
  private confirm(p: StateChange, frame: number): void {
    for (let i = this.changes.lastIndexOf(p); i >= 0; i--) {
      const c = this.changes[i] as StateChange;
      if (c.endpoint !== p.endpoint || c.evidence === 'contradicted') continue;
      // A RST's arrival is never implied: the endpoint could have got there without it.
      if (c.evidence !== 'inferred' || c.to === 'CLOSED' || c.to === 'LISTEN') break;
      c.evidence = 'witnessed';
      c.evidenceFrame = frame;
    }
  }

  private contradict(ep: Endpoint, c: StateChange, frame: number, how: Contradiction): void {
    c.evidence = 'contradicted';
    c.evidenceFrame = frame;
    c.contradictedBy = [frame];
    c.contradiction = how;
    ep.state = c.from;
  }

  /** A copy of a segment whose arrival was contradicted, or an ACK the endpoint is known to have ignored: not assumed to arrive. */
  private inDoubt(ep: Endpoint, seg: Segment, event: ArriveEvent): boolean {
    const d = ep.doubt;
    if (d === null) return false;
    if (ep.doubtAck) return event === 'ack-of-syn' || event === 'ack-of-fin';
    return (seg.syn || seg.fin) && seqAdd(seg.seq, seg.seqLen) === ep.doubtSeq;
  }

  /**
   * RFC 9293 §3.6, Figure 13 (simultaneous close). The observer assumed the peer's FIN arrived
   * when it was captured (CLOSE-WAIT, inferred); if this side's own FIN does not acknowledge it,
   * it had not: the two FINs crossed on the wire. The CLOSE-WAIT is contradicted (Later
   * evidence) and the peer's FIN is delivered after this side's FIN is sent
   * (ESTABLISHED → FIN-WAIT-1 → CLOSING).
   */
  private finsCrossed(sender: Endpoint, receiver: Endpoint, seg: Segment): boolean {
    if (!seg.fin || seg.rst || sender.state !== 'CLOSE-WAIT' || !receiver.sawFin) return false;
    if (seg.hasAck && seqGeq(seg.ack, seqAdd(receiver.finSeq, 1))) return false;
    const p = sender.pending;
    if (p === null || p.to !== 'CLOSE-WAIT' || p.evidence !== 'inferred') return false;
    this.contradict(sender, p, seg.frame, 'crossed');
    sender.pending = null;
    return true;
  }

  /** A (state, event) with no row that says something went off the rails. */
  private isUnexpected(state: EndpointState, event: string, at: 'send' | 'arrive'): boolean {
    if (event === 'ack' || event === 'ack-of-syn' || event === 'ack-of-fin') return false;
    if (event === 'data') return state === 'CLOSED' || state === 'LISTEN' || (at === 'send' && (state === 'FIN-WAIT-1' || state === 'FIN-WAIT-2' || state === 'CLOSING' || state === 'LAST-ACK' || state === 'TIME-WAIT'));
    return true;
  }

  private noteUnexpected(endpoint: 'a' | 'b', at: 'send' | 'arrive', state: EndpointState, event: string, frame: number): void {
    this.unexpectedCount++;
    if (this.unexpected.length < MAX_UNEXPECTED) this.unexpected.push({ endpoint, at, state, event, frame });
  }

  /**
   * Wireshark's conversation completeness (packet-tcp.c, dissect_tcp): in a new conversation
   * only a pure SYN counts ("pure SYN must be sought in new conversations only"), with DATA for
   * TCP Fast Open data; afterwards SYN-ACK, pure ACK or data-carrying ACK, FIN-ACK and RST.
   */
  private trackCompleteness(seg: Segment, isFirst: boolean): void {
    const f = seg.flags;
    const synAck = f & (TcpFlag.SYN | TcpFlag.ACK);
    if (isFirst) {
      if (synAck === TcpFlag.SYN) {
        this.completeness |= Completeness.SYN;
        if (seg.len > 0) this.completeness |= Completeness.DATA;
      }
      return;
    }
    if (synAck === (TcpFlag.SYN | TcpFlag.ACK)) this.completeness |= Completeness.SYN_ACK;
    if (synAck === TcpFlag.ACK) this.completeness |= seg.len > 0 ? Completeness.DATA : Completeness.ACK;
    if ((f & (TcpFlag.FIN | TcpFlag.ACK)) === (TcpFlag.FIN | TcpFlag.ACK)) this.completeness |= Completeness.FIN;
    if ((f & TcpFlag.RST) !== 0) this.completeness |= Completeness.RST;
  }
}

function addFrame(c: StateChange, frame: number): void {
  const list = c.contradictedBy;
  if (list !== null && list.length < MAX_CONTRADICTING && list[list.length - 1] !== frame) list.push(frame);
}
