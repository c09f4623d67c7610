/**
 * Runs the anomaly rules over one connection as its segments arrive (a ConnectionObserver),
 * and keeps its findings. Findings per connection are capped: a pathological connection cannot
 * grow memory without bound.
 */
import type { Connection, ConnectionObserver, Side, StateChange } from '../tcp/connection.js';
import type { Segment } from '../tcp/segment.js';
import type { AnomalyOptions, AnomalyRule, EndContext, Finding, SegmentContext } from './anomaly.js';
import type { AnomalyId } from './anomaly-ids.js';
import { RULES } from './rules/index.js';
import { SequenceAnalysis } from './flags/sequence-analysis.js';
import { ConnectionFigures } from './direction-stats.js';

const MAX_FINDINGS = 200;

const NO_CHANGES: readonly StateChange[] = [];

/**
 * The one context every rule sees, refilled for each segment and rule: connections are fed one
 * segment at a time, so one object serves them all and the per-packet path allocates no
 * closures. memo, seen and report act for the rule being run.
 */
class RuleContext implements SegmentContext, EndContext {
  analysis: ConnectionAnalysis = null as unknown as ConnectionAnalysis;
  rule: AnomalyRule<AnomalyId> = null as unknown as AnomalyRule<AnomalyId>;
  conn: Connection = null as unknown as Connection;
  seg: Segment = null as unknown as Segment;
  sender: SegmentContext['sender'] = null as unknown as SegmentContext['sender'];
  receiver: SegmentContext['receiver'] = null as unknown as SegmentContext['receiver'];
  side: Side = 'client';
  peerSide: Side = 'server';
  changes: readonly StateChange[] = NO_CHANGES;
  receiverChanges: readonly StateChange[] = NO_CHANGES;
  senderBefore = '';
  receiverBefore = '';
  wireshark: SequenceAnalysis = null as unknown as SequenceAnalysis;
  captureEnd = 0;
  atCaptureEnd = false;

  memo<T extends object>(init: () => T): T {
    return this.analysis.memo(this.rule.id, init);
  }

  seen<T extends object>(): T | undefined {
    return this.analysis.seen<T>(this.rule.id);
  }

  report(frame: number, side: Side | null, detail: string, frames?: number[]): void {
    this.analysis.add(this.rule, frame, side, detail, frames);
  }
}

const ctx = new RuleContext();

export class ConnectionAnalysis implements ConnectionObserver {
  readonly findings: Finding<AnomalyId>[] = [];
  findingCount = 0;
  readonly sequence = new SequenceAnalysis();
  /** tcptrace's per-direction figures (unique and resent bytes, RTT, windows, options). */
  readonly figures = new ConnectionFigures();
  /** Per-rule memory, made only when a rule asks (most connections need none). */
  private memos: Map<string, object> | null = null;
  private senderBefore = '';
  private receiverBefore = '';

  constructor(
    private readonly opts: AnomalyOptions,
    private readonly rules: readonly AnomalyRule<AnomalyId>[] = RULES,
  ) {}

  /** Called by the connection before the state machines take the segment. */
  before(conn: Connection, fromA: boolean): void {
    this.senderBefore = (fromA ? conn.a : conn.b).state;
    this.receiverBefore = (fromA ? conn.b : conn.a).state;
  }

  onSegment(conn: Connection, seg: Segment, fromA: boolean, changes: readonly StateChange[]): void {
    const side: Side = fromA === conn.clientIsA ? 'client' : 'server';
    this.sequence.onSegment(conn, seg, fromA);
    this.figures.onSegment(seg, fromA);
    ctx.analysis = this;
    ctx.conn = conn;
    ctx.seg = seg;
    ctx.sender = fromA ? conn.a : conn.b;
    ctx.receiver = fromA ? conn.b : conn.a;
    ctx.side = side;
    ctx.peerSide = side === 'client' ? 'server' : 'client';
    ctx.changes = changes;
    ctx.receiverChanges = changes.length === 0 ? NO_CHANGES : changes.filter((c) => c.endpoint === (fromA ? 'b' : 'a'));
    ctx.senderBefore = this.senderBefore;
    ctx.receiverBefore = this.receiverBefore;
    ctx.wireshark = this.sequence;
    for (const rule of this.rules) {
      if (rule.onSegment === undefined) continue;
      ctx.rule = rule;
      rule.onSegment(ctx, this.opts);
    }
  }

  /** Runs the end-of-connection rules. */
  finish(conn: Connection, captureEnd: number, atCaptureEnd: boolean): void {
    ctx.analysis = this;
    ctx.conn = conn;
    ctx.captureEnd = captureEnd;
    ctx.atCaptureEnd = atCaptureEnd;
    ctx.wireshark = this.sequence;
    for (const rule of this.rules) {
      if (rule.onEnd === undefined) continue;
      ctx.rule = rule;
      rule.onEnd(ctx, this.opts);
    }
    if (this.findings.length > 1) this.findings.sort((x, y) => x.frame - y.frame);
  }

  add(rule: { id: AnomalyId; severity: Finding['severity'] }, frame: number, side: Side | null, detail: string, frames?: number[]): void {
    this.findingCount++;
    if (this.findings.length >= MAX_FINDINGS) return;
    const f: Finding<AnomalyId> = { id: rule.id, severity: rule.severity, frame, side, detail };
    if (frames !== undefined) f.frames = frames;
    this.findings.push(f);
  }

  memo<T extends object>(id: string, init: () => T): T {
    if (this.memos === null) this.memos = new Map();
    let m = this.memos.get(id) as T | undefined;
    if (m === undefined) {
      m = init();
      this.memos.set(id, m);
    }
    return m;
  }

  seen<T extends object>(id: string): T | undefined {
    return this.memos?.get(id) as T | undefined;
  }
}
