/**
 * One TCP connection: a four-tuple plus a generation (port reuse starts a new one), two RFC
 * 9293 endpoint machines, and Zeek's model of the same packets. Endpoint `a` is the sender of
 * the connection's first captured packet; `client` and `server` are decided from the packets
 * (the sender of the first pure SYN) or, with no SYN, the way Zeek decides (rolesInferred).
 */
import { TcpFlag } from '../decode/fields.js';
import { arriveTransition, classifyArrive, classifySend, Endpoint, recordSent, sendTransition, settleWindowScale } from './endpoint.js';
import { finsCrossed, inDoubt, noteChange, weigh } from './evidence.js';
import { WiresharkBases } from './relative-seq.js';
import type { Segment } from './segment.js';
import { seqAdd } from './seq.js';
import type { Evidence, StateChange } from './state-change.js';
import type { EndpointState } from './state.js';
import type { ArriveEvent, SendEvent, Transition } from './transitions.js';
import { ZEEK_BARE, ZEEK_DEFAULTS, type ZeekConfig } from './zeek/config.js';
import type { ZeekSession } from './zeek/session.js';
import type { ZeekTimers } from './zeek/timers.js';
import { ZeekTrack } from './zeek/track.js';

export type Side = 'client' | 'server';

export interface Address {
  ip: string;
  port: number;
}

export type { Contradiction, Evidence, StateChange } from './state-change.js';

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
  /** Zeek's connections (conn.log rows) over the same packets: one, or more when Zeek's timers or reuse split it. */
  readonly zeekTrack: ZeekTrack;
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
  /** Wireshark's base sequence numbers per direction (relative numbers, the stream rule). */
  readonly bases = new WiresharkBases();
  /** Wireshark's tcp.stream (0-based), given by the tracker. */
  stream = 0;
  /**
   * Set when this connection continues the tcp.stream of an earlier one of its four-tuple (handed
   * on before Wireshark's conversation ended): that one's `carry`, and whether its endpoints a
   * and b are this one's b and a.
   */
  continues: { carry: unknown; swapped: boolean } | null = null;
  /** What the analysis keeps to carry on this connection's tcp.stream (see continues). */
  carry: unknown = null;
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
    zeekTimers: ZeekTimers | null = null,
    zeekConfig: ZeekConfig = zeekBare ? ZEEK_BARE : ZEEK_DEFAULTS,
  ) {
    this.firstFrame = first.frame;
    this.lastFrame = first.frame;
    this.firstSec = first.tsSec;
    this.firstNsec = first.tsNsec;
    this.lastSec = first.tsSec;
    this.lastNsec = first.tsNsec;
    this.zeekTrack = new ZeekTrack(first, addrA.port, addrB.port, zeekConfig, zeekTimers);
  }

  /** The Zeek connection that began with this connection's first packet. */
  get zeek(): ZeekSession {
    return this.zeekTrack.first;
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
    this.bases.update(seg, fromA);
    this.observer?.before?.(this, fromA);

    // One array for every segment of every connection: observers read it during onSegment only
    // (conn.changes keeps the changes); a connection held in memory carries no scratch space.
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
    this.zeekTrack.process(seg, fromA);
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
        if (inDoubt(ep, seg, event)) return;
        row = arriveTransition(ep.state, event);
      }
      if (row === null) {
        if (i === 0 && this.isUnexpected(ep.state, event, at)) this.noteUnexpected(name, at, ep.state, event, seg.frame);
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
