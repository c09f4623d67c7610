/**
 * Heads up! RFC 9293 §3.3.1 (the TCB variables), §3.4 (sequence numbers, acceptable ACKs and
 * segments), §3.10.7 (SEGMENT ARRIVES); RFC 7323 §2 (window scale).
 *
 * One side of a connection as the wire shows it. The observer knows only what was captured,
 * so SND.NXT is "the highest sequence number this side has sent", and so on.
 */
import type { Segment } from './segment.js';
import { seqAdd, seqGeq, seqGt, seqInWindow, seqLeq } from './seq.js';
import type { EndpointState } from './state.js';
import { ON_ARRIVE, ON_SEND, type ArriveEvent, type SendEvent, type Transition } from './transitions.js';
import type { StateChange } from './state-change.js';

/** How an inferred change can be confirmed by the endpoint's own later segment. */
export const Confirm = {
  /** It cannot be: nothing the endpoint sends shows it (an ACK of its FIN arrived …). */
  None: 0,
  /** It acknowledges the segment assumed to arrive (SEG.ACK ≥ pendingSeq). */
  Ack: 1,
  /** It sends anything but a SYN or RST (a SYN-RECEIVED endpoint would resend its SYN,ACK). */
  NonSyn: 2,
} as const;

export class Endpoint {
  state: EndpointState = 'UNSEEN';
  /** ISS: the sequence number of its SYN. */
  isn = 0;
  hasIsn = false;
  /** SND.NXT as observed: one past the highest sequence number it has sent. */
  nextSeq = 0;
  hasNextSeq = false;
  /** The highest acknowledgment it has sent (its RCV.NXT as it told the peer). */
  lastAck = 0;
  hasLastAck = false;
  /** Sequence number of its FIN, and the frame of the first one. */
  finSeq = 0;
  sawFin = false;
  finFrame = 0;
  finCount = 0;
  sawRst = false;
  /** The frame of the first RST from the peer that this endpoint accepted (0: none). */
  rstAcceptedFrame = 0;
  /** Entered SYN-RECEIVED by answering a SYN (passive OPEN): a RST returns it to LISTEN (§3.10.7.4). */
  passiveOpen = false;
  /** Payload bytes on its SYN (RFC 7413 TCP Fast Open), and how many SYNs it sent, the last when. */
  synDataLen = 0;
  synCount = 0;
  lastSynFrame = 0;
  lastSynTime = 0;
  /**
   * Evidence (see Connection, "Later evidence"): its latest inferred change still waiting for
   * confirmation, how it can be confirmed, and the sequence number an ACK must reach.
   */
  pending: StateChange | null = null;
  pendingKind: number = Confirm.None;
  pendingSeq = 0;
  /** Its latest inferred change that rests on the peer's ACK of its SYN or FIN arriving. */
  ackArrival: StateChange | null = null;
  /** After a contradiction: copies of the peer's segment ending here are not assumed to arrive. */
  doubtSeq = 0;
  /** The doubt is about the peer's ACK of its SYN,ACK or FIN (the endpoint resent it after that ACK). */
  doubtAck = false;
  doubt: StateChange | null = null;
  /** Last advertised window, raw, and its shift count (−1 until known; 0 if not negotiated). */
  window = 0;
  wscale = -1;
  offeredWscale = -1;
  mss = -1;
  sackPermitted = false;
  /** Packets, payload bytes and IP bytes it sent. */
  packets = 0;
  payloadBytes = 0;
  ipBytes = 0;

  /** The window in bytes: raw << scale once both sides offered scaling (RFC 7323 §2.2). */
  get scaledWindow(): number {
    return this.window * 2 ** Math.max(0, this.wscale);
  }
}

/** What a segment means to its sender, in the sender's current state. */
export function classifySend(seg: Segment, sender: Endpoint, peer: Endpoint): SendEvent {
  if (seg.rst) {
    // §3.10.7.1: the RST,ACK of a CLOSED port acknowledges the SYN (SEG.ACK = SEG.SEQ + SEG.LEN).
    if (sender.state === 'UNSEEN' && peer.state === 'SYN-SENT' && seg.hasAck && seqGt(seg.ack, peer.isn) && seqLeq(seg.ack, peer.nextSeq)) return 'rst-to-syn';
    // The reset form for a segment with ACK: SEG.SEQ = its SEG.ACK, no ACK bit (§3.10.7.1).
    if (sender.state === 'UNSEEN' && peer.state === 'SYN-RECEIVED' && !seg.hasAck && peer.hasLastAck && seg.seq === peer.lastAck) return 'rst-to-syn-ack';
    return 'rst';
  }
  if (seg.syn) return seg.hasAck ? 'syn-ack' : 'syn';
  if (seg.hasAck) {
    // Its own ACK shows what arrived where the observer had not assumed it (rows with then:
    // a FIN on the same segment is taken in the new state).
    // From SYN-SENT a stack sends nothing but SYNs until a SYN,ACK arrives: an ACK shows one did
    // (acknowledging the peer's SYN when it was captured; any ACK when it was not).
    if (sender.state === 'SYN-SENT' && (!peer.hasIsn || (seqGt(seg.ack, peer.isn) && seqLeq(seg.ack, peer.nextSeq)))) return 'ack-of-syn';
    if (sender.state === 'UNSEEN' && peer.state === 'SYN-RECEIVED' && peer.hasIsn && seqGt(seg.ack, peer.isn) && seqLeq(seg.ack, peer.nextSeq)) return 'ack-of-syn';
    if (peer.sawFin && (sender.state === 'ESTABLISHED' || sender.state === 'FIN-WAIT-1' || sender.state === 'FIN-WAIT-2') && seqGeq(seg.ack, seqAdd(peer.finSeq, 1))) return 'ack-of-fin';
  }
  if (seg.fin) return 'fin';
  return seg.len > 0 ? 'data' : 'ack';
}

/** What a segment from `sender` means to `receiver` in the receiver's current state. */
export function classifyArrive(seg: Segment, sender: Endpoint, receiver: Endpoint): ArriveEvent {
  if (seg.rst) {
    if (!rstAcceptable(seg, sender, receiver)) return 'rst-unacceptable';
    return receiver.state === 'SYN-RECEIVED' && receiver.passiveOpen ? 'rst-passive-open' : 'rst';
  }
  if (seg.syn) {
    if (!seg.hasAck) return 'syn';
    // RFC 9293 §3.10.7.3: in SYN-SENT an ACK is acceptable if SND.UNA < SEG.ACK =< SND.NXT.
    if (receiver.hasIsn && seqGt(seg.ack, receiver.isn) && seqLeq(seg.ack, receiver.nextSeq)) return 'syn-ack';
    return receiver.hasIsn ? 'syn-ack-unacceptable' : 'syn-ack';
  }
  // §3.10.7.4 fifth: in SYN-RECEIVED an acceptable ACK first completes the handshake; whatever
  // else the segment carries (a FIN) is then taken in ESTABLISHED.
  if (receiver.state === 'SYN-RECEIVED' && seg.hasAck && receiver.hasIsn && seqGt(seg.ack, receiver.isn) && seqLeq(seg.ack, receiver.nextSeq)) {
    return 'ack-of-syn';
  }
  const acksFin = seg.hasAck && receiver.sawFin && seqGeq(seg.ack, seqAdd(receiver.finSeq, 1));
  if (seg.fin) return acksFin ? 'fin-ack-of-fin' : 'fin';
  if (acksFin) return 'ack-of-fin';
  return seg.len > 0 ? 'data' : 'ack';
}

/**
 * RFC 9293 §3.10.7.3: in SYN-SENT a RST is acceptable only with an ACK of its SYN.
 * §3.10.7.4: otherwise a RST is valid if its sequence number is in the receive window
 * (RCV.NXT =< SEG.SEQ < RCV.NXT + RCV.WND; with a zero window only SEG.SEQ = RCV.NXT).
 */
export function rstAcceptable(seg: Segment, sender: Endpoint, receiver: Endpoint): boolean {
  if (receiver.state === 'SYN-SENT') {
    return seg.hasAck && receiver.hasIsn && seqGt(seg.ack, receiver.isn) && seqLeq(seg.ack, receiver.nextSeq);
  }
  if (!sender.hasNextSeq) return true; // nothing known of the sender's sequence space: cannot judge
  const rcvNxt = sender.nextSeq;
  const wnd = receiver.scaledWindow;
  if (wnd === 0) return seg.seq === rcvNxt;
  // Observed in the wild: stacks reset with the sequence number of data already acknowledged
  // by a delayed ACK, one below RCV.NXT; Linux accepts the exact value only (RFC 5961), so do
  // we for the left edge and allow the window to its right.
  return seqInWindow(seg.seq, rcvNxt, wnd);
}

/** The row a send event takes in a state, or null. */
export function sendTransition(state: EndpointState, event: SendEvent): Transition | null {
  return ON_SEND[state]?.[event] ?? null;
}

/** The row an arrive event takes in a state, or null. */
export function arriveTransition(state: EndpointState, event: ArriveEvent): Transition | null {
  return ON_ARRIVE[state]?.[event] ?? null;
}

/** Updates what the sender's segment tells about the sender (after the state step). */
export function recordSent(ep: Endpoint, seg: Segment): void {
  ep.packets++;
  ep.payloadBytes += seg.len;
  ep.ipBytes += seg.ipLen;
  ep.window = seg.win;
  if (seg.syn && !seg.rst) {
    ep.synCount++;
    ep.lastSynFrame = seg.frame;
    ep.lastSynTime = seg.tsSec + seg.tsNsec / 1e9;
    if (seg.len > 0) ep.synDataLen = seg.len;
  }
  if (seg.syn) {
    ep.isn = seg.seq;
    ep.hasIsn = true;
    ep.offeredWscale = seg.wscale;
    if (seg.mss >= 0) ep.mss = seg.mss;
    if (seg.sackPerm) ep.sackPermitted = true;
  }
  if (!seg.rst) {
    const end = seqAdd(seg.seq, seg.seqLen);
    if (!ep.hasNextSeq || seqGt(end, ep.nextSeq)) {
      ep.nextSeq = end;
      ep.hasNextSeq = true;
    }
  } else ep.sawRst = true;
  if (seg.fin && !seg.rst) {
    const finSeq = seqAdd(seg.seq, seg.len + (seg.syn ? 1 : 0));
    if (!ep.sawFin) {
      ep.finFrame = seg.frame;
      ep.finSeq = finSeq;
    }
    ep.sawFin = true;
    ep.finCount++;
  }
  if (seg.hasAck && !seg.rst && (!ep.hasLastAck || seqGt(seg.ack, ep.lastAck))) {
    ep.lastAck = seg.ack;
    ep.hasLastAck = true;
  }
}

/** RFC 7323 §2.2: scaling applies only when both SYNs carried the option. */
export function settleWindowScale(a: Endpoint, b: Endpoint): void {
  if (a.wscale >= 0) return;
  if (a.offeredWscale >= 0 && b.offeredWscale >= 0) {
    a.wscale = Math.min(a.offeredWscale, 14);
    b.wscale = Math.min(b.offeredWscale, 14);
  } else if (a.hasIsn && b.hasIsn) {
    a.wscale = 0;
    b.wscale = 0;
  }
}
