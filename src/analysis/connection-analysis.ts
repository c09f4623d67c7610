/**
 * Runs the anomaly rules over one connection as its segments arrive (a ConnectionObserver),
 * and keeps its findings. Findings per connection are capped: a pathological connection cannot
 * grow memory without bound.
 */
import type { Connection, ConnectionObserver, Side, StateChange } from '../tcp/connection.js';
import type { Segment } from '../tcp/segment.js';
import type { AnomalyOptions, AnomalyRule, EndContext, Finding, SegmentContext } from './anomaly.js';
import { RULES } from './rules/index.js';
import { SequenceAnalysis } from './sequence-analysis.js';

const MAX_FINDINGS = 200;

const NO_CHANGES: readonly StateChange[] = [];

export class ConnectionAnalysis implements ConnectionObserver {
  readonly findings: Finding[] = [];
  findingCount = 0;
  readonly sequence = new SequenceAnalysis();
  private readonly memos = new Map<string, object>();
  private senderBefore = '';
  private receiverBefore = '';
  /** The rule being run: memo and report act for it. */
  private rule: AnomalyRule | null = null;
  /**
   * One context, refilled for every segment and rule: the per-packet path allocates no
   * closures (STYLE 2.5). Its memo and report are bound once.
   */
  private readonly ctx: SegmentContext;

  constructor(
    private readonly opts: AnomalyOptions,
    private readonly rules: readonly AnomalyRule[] = RULES,
  ) {
    this.ctx = {
      conn: null as unknown as Connection,
      seg: null as unknown as Segment,
      sender: null as unknown as SegmentContext['sender'],
      receiver: null as unknown as SegmentContext['receiver'],
      side: 'client',
      peerSide: 'server',
      changes: NO_CHANGES,
      receiverChanges: NO_CHANGES,
      senderBefore: '',
      receiverBefore: '',
      memo: <T extends object>(init: () => T): T => this.memo((this.rule as AnomalyRule).id, init),
      report: (frame: number, s: Side | null, detail: string, frames?: number[]): void => this.add(this.rule as AnomalyRule, frame, s, detail, frames),
    };
  }

  /** Called by the connection before the state machines take the segment. */
  before(conn: Connection, fromA: boolean): void {
    this.senderBefore = (fromA ? conn.a : conn.b).state;
    this.receiverBefore = (fromA ? conn.b : conn.a).state;
  }

  onSegment(conn: Connection, seg: Segment, fromA: boolean, changes: readonly StateChange[]): void {
    const side: Side = fromA === conn.clientIsA ? 'client' : 'server';
    this.sequence.onSegment(conn, seg, fromA);
    const ctx = this.ctx;
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
    for (const rule of this.rules) {
      if (rule.onSegment === undefined) continue;
      this.rule = rule;
      rule.onSegment(ctx, this.opts);
    }
    this.rule = null;
  }

  /** Runs the end-of-connection rules. */
  finish(conn: Connection, captureEnd: number, atCaptureEnd: boolean): void {
    for (const rule of this.rules) {
      if (rule.onEnd === undefined) continue;
      const ctx: EndContext = {
        conn,
        captureEnd,
        atCaptureEnd,
        memo: (init) => this.memo(rule.id, init),
        report: (frame, s, detail, frames) => this.add(rule, frame, s, detail, frames),
      };
      rule.onEnd(ctx, this.opts);
    }
    this.findings.sort((x, y) => x.frame - y.frame);
  }

  add(rule: { id: string; severity: Finding['severity'] }, frame: number, side: Side | null, detail: string, frames?: number[]): void {
    this.findingCount++;
    if (this.findings.length >= MAX_FINDINGS) return;
    const f: Finding = { id: rule.id, severity: rule.severity, frame, side, detail };
    if (frames !== undefined) f.frames = frames;
    this.findings.push(f);
  }

  private memo<T extends object>(id: string, init: () => T): T {
    let m = this.memos.get(id) as T | undefined;
    if (m === undefined) {
      m = init();
      this.memos.set(id, m);
    }
    return m;
  }
}
