/**
 * The two RFC 9293 endpoint machines of one connection, stepped by the transition table
 * (transitions.ts). Each captured segment is a *send* at its sender and an *arrive* at its
 * receiver (§3.10), delivery assumed at capture time unless the packets prove otherwise (FINs
 * that crossed, RFC 9293 Figure 13); later segments may confirm or contradict an inferred change
 * (evidence.ts).
 */
import { arriveTransition, classifyArrive, classifySend, Endpoint, recordSent, sendTransition, settleWindowScale } from './endpoint.js';
import { finsCrossed, inDoubt, noteChange, weigh } from './evidence.js';
import type { Segment } from './segment.js';
import { seqAdd } from './seq.js';
import type { Evidence, StateChange } from './state-change.js';
import type { EndpointState } from './state.js';
import type { ArriveEvent, SendEvent, Transition } from './transitions.js';

export interface UnexpectedSegment {
  endpoint: 'a' | 'b';
  /** 'send' at its sender or 'arrive' at its receiver. */
  at: 'send' | 'arrive';
  state: EndpointState;
  event: string;
  frame: number;
}

const MAX_UNEXPECTED = 64;
/** The changes of the segment being processed (see take). */
const SEGMENT_CHANGES: StateChange[] = [];

export class EndpointMachines {
  readonly a: Endpoint = new Endpoint();
  readonly b: Endpoint = new Endpoint();
  /** Every state change of both endpoints, in order. */
  readonly changes: StateChange[] = [];
  /** Segments no table row expected (the first MAX_UNEXPECTED), and how many there were. */
  readonly unexpected: UnexpectedSegment[] = [];
  unexpectedCount = 0;
  /** Tests only: told of every table row taken (the row-coverage check of test/tcp). */
  rowHook: ((at: 'send' | 'arrive', state: EndpointState, event: string) => void) | null = null;

  /**
   * One segment sent by endpoint a (fromA) or b, at both machines. Returns the state changes it
   * caused (a reused array: valid until the next segment of any connection).
   */
  take(seg: Segment, fromA: boolean): readonly StateChange[] {
    const sender = fromA ? this.a : this.b;
    const receiver = fromA ? this.b : this.a;
    const senderName = fromA ? 'a' : 'b';
    const receiverName = fromA ? 'b' : 'a';
    // One array for every segment of every connection: observers read it during onSegment only
    // (this.changes keeps the changes); a connection held in memory carries no scratch space.
    const changes = SEGMENT_CHANGES;
    changes.length = 0;
    // Later evidence first: what this segment shows about earlier inferred changes.
    weigh(this.changes, sender, receiver, seg);
    const crossed = finsCrossed(sender, receiver, seg);
    // The sender's side: the segment shows what it did (RFC 9293 §3.10 user calls).
    this.step(sender, senderName, seg, 'send', changes, receiver);
    // Figure 13: the peer's FIN was in flight when this FIN was sent; it arrives now.
    if (crossed) {
      const row = arriveTransition(sender.state, 'fin');
      if (row !== null && this.rowHook !== null) this.rowHook('arrive', sender.state, 'fin');
      if (row !== null) {
        this.apply(sender, senderName, seg, row, 'fin', 'inferred', changes);
        sender.pendingSeq = seqAdd(receiver.finSeq, 1); // it rests on the peer's FIN, not on this segment
      }
    }
    recordSent(sender, seg);
    if (seg.syn && seg.hasAck) settleWindowScale(sender, receiver);
    // The receiver's side: SEGMENT ARRIVES (§3.10.7), delivery assumed at capture time.
    this.step(receiver, receiverName, seg, 'arrive', changes, sender);
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
        if (inDoubt(ep, seg, event)) return;
        row = arriveTransition(ep.state, event);
      }
      if (row === null) {
        if (i === 0 && isUnexpected(ep.state, event, at)) this.noteUnexpected(name, at, ep.state, event, seg.frame);
        return;
      }
      if (this.rowHook !== null) this.rowHook(at, ep.state, event);
      if (row.to === ep.state) return;
      this.apply(ep, name, seg, row, event, at === 'send' ? 'witnessed' : 'inferred', changes);
      if (row.then !== true) return;
    }
  }

  private apply(ep: Endpoint, name: 'a' | 'b', seg: Segment, row: Transition, event: SendEvent | ArriveEvent, evidence: Evidence, changes: StateChange[]): void {
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
    if (evidence === 'witnessed' && row.to === 'SYN-RECEIVED') ep.passiveOpen = true;
    noteChange(this.changes, ep, change, event, seg);
  }

  private noteUnexpected(endpoint: 'a' | 'b', at: 'send' | 'arrive', state: EndpointState, event: string, frame: number): void {
    this.unexpectedCount++;
    if (this.unexpected.length < MAX_UNEXPECTED) this.unexpected.push({ endpoint, at, state, event, frame });
  }
}

/** A (state, event) with no row that says something went off the rails. */
function isUnexpected(state: EndpointState, event: string, at: 'send' | 'arrive'): boolean {
  if (event === 'ack' || event === 'ack-of-syn' || event === 'ack-of-fin') return false;
  if (event === 'data') return state === 'CLOSED' || state === 'LISTEN' || (at === 'send' && (state === 'FIN-WAIT-1' || state === 'FIN-WAIT-2' || state === 'CLOSING' || state === 'LAST-ACK' || state === 'TIME-WAIT'));
  return true;
}
