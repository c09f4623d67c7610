/**
 * Later evidence: one mechanism, append-only (history is never rewritten, only marked), for
 * every change an endpoint machine makes (README "How tcplens reads an endpoint's state").
 *
 * A send row is witnessed: the endpoint's own segment shows it. An arrive row is inferred: it
 * assumes the peer's segment arrived when captured. The endpoint's own later segment confirms
 * it (it acknowledges that segment) or later segments contradict it (weigh, finsCrossed); a
 * contradicted change did not take place: the endpoint goes back to the state it came from.
 * Nothing here allocates per packet: only a contradiction makes its one-frame list.
 */
import { Confirm, type Endpoint } from './endpoint.js';
import type { Segment } from './segment.js';
import { seqAdd, seqGeq, seqGt } from './seq.js';
import { MAX_CONTRADICTING, type Contradiction, type StateChange } from './state-change.js';
import type { ArriveEvent, SendEvent } from './transitions.js';

/**
 * After a change is made: a witnessed ACK of the peer's SYN or FIN also proves the inferred
 * changes that led to it, and settles any doubt; an inferred change records how the endpoint's
 * own later segment can confirm it, or a resend contradict it.
 */
export function noteChange(changes: StateChange[], ep: Endpoint, change: StateChange, event: SendEvent | ArriveEvent, seg: Segment): void {
  if (change.evidence === 'witnessed') {
    // Its ACK of the peer's SYN or FIN also proves the inferred changes that led here.
    if ((event === 'ack-of-syn' || event === 'ack-of-fin') && changes.length > 1) {
      const i = changes.length - 2;
      for (let j = i; j >= 0; j--) {
        const c = changes[j] as StateChange;
        if (c.endpoint !== change.endpoint || c.evidence === 'contradicted') continue;
        if (c.evidence === 'inferred') confirm(changes, c, seg.frame);
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
      expect(ep, change, Confirm.Ack, seqAdd(seg.seq, seg.seqLen));
      break;
    case 'fin-ack-of-fin':
      if (change.from === 'FIN-WAIT-2') expect(ep, change, Confirm.Ack, seqAdd(seg.seq, seg.seqLen));
      else ep.ackArrival = change;
      break;
    case 'ack-of-syn':
      expect(ep, change, Confirm.NonSyn, 0);
      ep.ackArrival = change;
      break;
    case 'ack-of-fin':
      ep.ackArrival = change;
      break;
    case 'data':
    case 'ack':
      expect(ep, change, Confirm.NonSyn, 0);
      break;
    default:
      // A RST: nothing the endpoint sends afterwards can show it arrived.
      if (seg.rst && ep.rstAcceptedFrame === 0) ep.rstAcceptedFrame = seg.frame;
  }
}

function expect(ep: Endpoint, change: StateChange, kind: number, seq: number): void {
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
export function weigh(changes: StateChange[], sender: Endpoint, receiver: Endpoint, seg: Segment): void {
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
      contradict(receiver, p, seg.frame, 'resent');
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
      contradict(sender, q, seg.frame, 'resent');
      sender.ackArrival = null;
      if (sender.pending === q) sender.pending = null;
      sender.doubt = q;
      sender.doubtAck = true;
    } else if (sender.doubt !== null && sender.doubtAck) addFrame(sender.doubt, seg.frame);
    const own = sender.pending;
    if (seg.syn && !seg.hasAck && own !== null && own.from === 'SYN-SENT' && own.evidence === 'inferred' && sender.state === own.to) {
      contradict(sender, own, seg.frame, 'resent');
      sender.pending = null;
    }
  } else if (seg.rst && !seg.hasAck && sender.state === 'ESTABLISHED' && receiver.hasLastAck && seg.seq === receiver.lastAck) {
    // The RST a port with no connection sends (§3.10.7.1): no connection took the segment it answers.
    const q = sender.ackArrival !== null && sender.ackArrival.from === 'SYN-RECEIVED' && sender.ackArrival.evidence === 'inferred' ? sender.ackArrival : null;
    const p = sender.pending !== null && sender.pending.from === 'SYN-SENT' && sender.pending.evidence === 'inferred' ? sender.pending : null;
    const c = q ?? p;
    if (c !== null && sender.state === c.to) {
      contradict(sender, c, seg.frame, 'reset');
      if (sender.pending === c) sender.pending = null;
      if (sender.ackArrival === c) sender.ackArrival = null;
    }
  }
  // Confirmation: the sender's own segment acknowledges what its inferred change assumed.
  const p = sender.pending;
  if (p !== null && p.evidence === 'inferred' && !seg.rst) {
    if (sender.pendingKind === Confirm.Ack ? seg.hasAck && seqGeq(seg.ack, sender.pendingSeq) : sender.pendingKind === Confirm.NonSyn && !seg.syn) {
      confirm(changes, p, seg.frame);
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
export function confirm(changes: readonly StateChange[], p: StateChange, frame: number): void {
  for (let i = changes.lastIndexOf(p); i >= 0; i--) {
    const c = changes[i] as StateChange;
    if (c.endpoint !== p.endpoint || c.evidence === 'contradicted') continue;
    // A RST's arrival is never implied: the endpoint could have got there without it.
    if (c.evidence !== 'inferred' || c.to === 'CLOSED' || c.to === 'LISTEN') break;
    c.evidence = 'witnessed';
    c.evidenceFrame = frame;
  }
}

function contradict(ep: Endpoint, c: StateChange, frame: number, how: Contradiction): void {
  c.evidence = 'contradicted';
  c.evidenceFrame = frame;
  c.contradictedBy = [frame];
  c.contradiction = how;
  ep.state = c.from;
}

/** A copy of a segment whose arrival was contradicted, or an ACK the endpoint is known to have ignored: not assumed to arrive. */
export function inDoubt(ep: Endpoint, seg: Segment, event: ArriveEvent | SendEvent): boolean {
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
export function finsCrossed(sender: Endpoint, receiver: Endpoint, seg: Segment): boolean {
  if (!seg.fin || seg.rst || sender.state !== 'CLOSE-WAIT' || !receiver.sawFin) return false;
  if (seg.hasAck && seqGeq(seg.ack, seqAdd(receiver.finSeq, 1))) return false;
  const p = sender.pending;
  if (p === null || p.to !== 'CLOSE-WAIT' || p.evidence !== 'inferred') return false;
  contradict(sender, p, seg.frame, 'crossed');
  sender.pending = null;
  return true;
}

function addFrame(c: StateChange, frame: number): void {
  const list = c.contradictedBy;
  if (list !== null && list.length < MAX_CONTRADICTING && list[list.length - 1] !== frame) list.push(frame);
}
