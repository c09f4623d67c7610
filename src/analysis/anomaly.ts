/**
 * Anomaly rules: one file per rule, named by its id (typescript-eslint's one file per rule), with declarative metadata and
 * pure detectors that read the tracker's state and never change it.
 */
import type { Connection, Side, StateChange } from '../tcp/connection.js';
import type { Endpoint } from '../tcp/endpoint.js';
import type { Segment } from '../tcp/segment.js';
import type { SequenceAnalysis } from './flags/sequence-analysis.js';
import type { CaptureRuleOptions } from './options.js';

export type Severity = 'note' | 'warning' | 'error';

/** A finding; its id is one of the registries' (anomaly-ids.ts AnomalyId) once it leaves the engine. */
export interface Finding<Id extends string = string> {
  id: Id;
  severity: Severity;
  /** The frame that shows it (the first, when several do). */
  frame: number;
  frames?: number[];
  side: Side | null;
  /** Which predicate held, with the numbers. */
  detail: string;
}

/** What a rule sees for one segment, after the state machines took it. */
export interface SegmentContext {
  conn: Connection;
  seg: Segment;
  /** The segment's sender and receiver, and the sender's side. */
  sender: Endpoint;
  receiver: Endpoint;
  side: Side;
  peerSide: Side;
  /** State changes this segment caused, at both endpoints. */
  changes: readonly StateChange[];
  /** The state changes at the receiver only (did it accept a RST, a FIN …). */
  receiverChanges: readonly StateChange[];
  /** Sender and receiver states before this segment. */
  senderBefore: string;
  receiverBefore: string;
  /** Wireshark's analysis of this segment (frameFlags, frameAckRtt …) and of its connection. */
  wireshark: SequenceAnalysis;
  /** Per-rule memory for this connection. */
  memo<T extends object>(init: () => T): T;
  /** The rule's memory if it made one (nothing is allocated). */
  seen<T extends object>(): T | undefined;
  report(frame: number, side: Side | null, detail: string, frames?: number[]): void;
}

export interface EndContext {
  conn: Connection;
  /** Capture time of the last packet of the whole capture, seconds. */
  captureEnd: number;
  /** true when the connection was handed on because the capture ended. */
  atCaptureEnd: boolean;
  /** The rule's memory for this connection, if its onSegment made one (nothing is allocated here). */
  seen<T extends object>(): T | undefined;
  /** Wireshark's analysis of the connection (its flows' counts and RTT estimates). */
  wireshark: SequenceAnalysis;
  report(frame: number, side: Side | null, detail: string, frames?: number[]): void;
}

export interface AnomalyOptions {
  /** --long-close-wait: seconds in CLOSE-WAIT before it is reported. */
  longCloseWaitSeconds: number;
  /** --msl: maximum segment lifetime; TIME-WAIT lasts 2×MSL. */
  mslSeconds: number;
  /** --zero-window-stall: seconds a zero window must last to be a stall (default 0.5). */
  zeroWindowStallSeconds: number;
  /** --retransmission-share: share of a direction's payload bytes resent above which it is reported (default 0.05). */
  retransmissionShare: number;
}

export const DEFAULT_ANOMALY_OPTIONS: AnomalyOptions = {
  longCloseWaitSeconds: 30,
  mslSeconds: 30,
  zeroWindowStallSeconds: 0.5,
  retransmissionShare: 0.05,
};

/** What every rule declares, whatever it looks at. */
interface RuleMeta<Id extends string> {
  id: Id;
  severity: Severity;
  /** Wireshark filter of the same idea, where one exists. */
  wireshark?: string;
  zeek?: string;
  rfc?: string;
  /** "Set when all of the following are true:" and the list (Wireshark's way of documenting). */
  doc: string;
}

/** A rule over one connection's segments (scope 'connection', the default). */
export interface AnomalyRule<Id extends string = string> extends RuleMeta<Id> {
  scope?: 'connection';
  onSegment?(ctx: SegmentContext, opts: AnomalyOptions): void;
  onEnd?(ctx: EndContext, opts: AnomalyOptions): void;
}

/**
 * A rule over the whole capture (scope 'capture'): it sees each connection as it starts and as it
 * ends, keeps its own memory for the capture (made by create(), bounded: see bounded.ts), and
 * gives its findings once every connection has ended. A finding returned at a connection's start
 * belongs to that connection (time-wait-reuse); the others are the capture's.
 */
export interface CaptureScopedRule<Id extends string = string, State = unknown> extends RuleMeta<Id> {
  scope: 'capture';
  create(opts: CaptureRuleOptions): State;
  onConnectionStart?(state: State, conn: Connection, firstTime: number, firstIsSyn: boolean): Finding<Id> | null;
  onConnectionEnd?(state: State, conn: Connection): void;
  findings?(state: State): Finding<Id>[];
}

/** A capture-scoped rule whatever its memory (registries list rules whose State types differ). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCaptureScopedRule = CaptureScopedRule<string, any>;

/** Defines a rule; `const` keeps its id a literal, so the registry's ids make a union type (AnomalyId). */
export function defineAnomaly<const Id extends string>(rule: AnomalyRule<Id>): AnomalyRule<Id>;
export function defineAnomaly<const Id extends string, State>(rule: CaptureScopedRule<Id, State>): CaptureScopedRule<Id, State>;
export function defineAnomaly(rule: AnomalyRule | AnyCaptureScopedRule): AnomalyRule | AnyCaptureScopedRule {
  return rule;
}
