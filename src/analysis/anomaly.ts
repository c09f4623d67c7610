/**
 * Anomaly rules: one file per rule, named by its id (typescript-eslint's one file per rule), with declarative metadata and
 * pure detectors that read the tracker's state and never change it.
 */
import type { Connection, Side, StateChange } from '../tcp/connection.js';
import type { Endpoint } from '../tcp/endpoint.js';
import type { Segment } from '../tcp/segment.js';
import type { SequenceAnalysis } from './flags/sequence-analysis.js';

export type Severity = 'note' | 'warning' | 'error';

export interface Finding {
  id: string;
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

export interface AnomalyRule {
  id: string;
  severity: Severity;
  /** Wireshark filter of the same idea, where one exists. */
  wireshark?: string;
  zeek?: string;
  rfc?: string;
  /** "Set when all of the following are true:" and the list (Wireshark's way of documenting). */
  doc: string;
  onSegment?(ctx: SegmentContext, opts: AnomalyOptions): void;
  onEnd?(ctx: EndContext, opts: AnomalyOptions): void;
}

export function defineAnomaly(rule: AnomalyRule): AnomalyRule {
  return rule;
}
