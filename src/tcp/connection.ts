/**
 * One TCP connection: a four-tuple plus a generation (port reuse starts a new one), and what
 * reads its segments, each its own concern: the two RFC 9293 endpoint machines
 * (endpoint-machines.ts), Zeek's model of the same packets (zeek/track.ts), Wireshark's base
 * sequence numbers and completeness (relative-seq.ts, completeness.ts), and the tracker's keys
 * (flow-index.ts). Endpoint `a` is the sender of the connection's first captured packet;
 * `client` and `server` are decided from the packets (the sender of the first pure SYN) or, with
 * no SYN, the way Zeek decides (rolesInferred).
 */
import { completenessAfter } from './completeness.js';
import type { Endpoint } from './endpoint.js';
import { EndpointMachines, type UnexpectedSegment } from './endpoint-machines.js';
import { FlowIndex } from './flow-index.js';
import { WiresharkBases } from './relative-seq.js';
import type { Segment } from './segment.js';
import type { StateChange } from './state-change.js';
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

/** Observer of a connection's segments (implemented by analysis/); called after the state step. */
export interface ConnectionObserver {
  /** Called before the state machines take the segment. */
  before?(conn: Connection, fromA: boolean): void;
  onSegment(conn: Connection, seg: Segment, fromA: boolean, changes: readonly StateChange[]): void;
  onEnd?(conn: Connection): void;
}

export class Connection {
  /** Both endpoints' RFC 9293 machines; a, b, changes and unexpected are theirs. */
  readonly machines = new EndpointMachines();
  readonly a: Endpoint = this.machines.a;
  readonly b: Endpoint = this.machines.b;
  readonly changes: StateChange[] = this.machines.changes;
  readonly unexpected: UnexpectedSegment[] = this.machines.unexpected;
  /** Zeek's connections (conn.log rows) over the same packets: one, or more when Zeek's timers or reuse split it. */
  readonly zeekTrack: ZeekTrack;
  /** Where the tracker files this connection. */
  readonly index = new FlowIndex();
  firstFrame: number;
  lastFrame: number;
  firstSec: number;
  firstNsec: number;
  lastSec: number;
  lastNsec: number;
  /** Which endpoint sent the first pure SYN: 'a', 'b' or null. */
  firstSynFrom: 'a' | 'b' | null = null;
  /** Wireshark's tcp.completeness bits (completeness.ts). */
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
  /** Started by a SYN that reused the four-tuple of an earlier connection (Wireshark's reused_ports). */
  reusedPorts = false;

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

  get unexpectedCount(): number {
    return this.machines.unexpectedCount;
  }

  /**
   * Feeds one segment sent by endpoint a (fromA) or b. Returns the state changes it caused
   * (a reused array: valid until the next segment of any connection).
   */
  process(seg: Segment, fromA: boolean): readonly StateChange[] {
    this.lastFrame = seg.frame;
    this.lastSec = seg.tsSec;
    this.lastNsec = seg.tsNsec;
    if (seg.syn && !seg.hasAck && this.firstSynFrom === null) this.firstSynFrom = fromA ? 'a' : 'b';
    this.completeness = completenessAfter(this.completeness, seg, this.packetCount++ === 0);
    this.bases.update(seg, fromA);
    this.observer?.before?.(this, fromA);
    const changes = this.machines.take(seg, fromA);
    this.zeekTrack.process(seg, fromA);
    this.observer?.onSegment(this, seg, fromA, changes);
    return changes;
  }
}
