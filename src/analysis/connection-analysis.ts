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

export class ConnectionAnalysis implements ConnectionObserver {
  readonly findings: Finding[] = [];
  findingCount = 0;
  readonly sequence = new SequenceAnalysis();
  private readonly memos = new Map<string, object>();
  private senderBefore = '';
  private receiverBefore = '';

  constructor(
    private readonly opts: AnomalyOptions,
    private readonly rules: readonly AnomalyRule[] = RULES,
  ) {}

  /** Called by the tracker before the state machines take the segment. */
  before(conn: Connection, fromA: boolean): void {
    this.senderBefore = (fromA ? conn.a : conn.b).state;
    this.receiverBefore = (fromA ? conn.b : conn.a).state;
  }

  onSegment(conn: Connection, seg: Segment, fromA: boolean, changes: readonly StateChange[]): void {
    const side: Side = fromA === conn.clientIsA ? 'client' : 'server';
    this.sequence.onSegment(conn, seg, fromA);
    for (const rule of this.rules) {
      if (rule.onSegment === undefined) continue;
      const ctx: SegmentContext = {
        conn,
        seg,
        sender: fromA ? conn.a : conn.b,
        receiver: fromA ? conn.b : conn.a,
        side,
        peerSide: side === 'client' ? 'server' : 'client',
        changes,
        receiverChanges: changes.filter((c) => c.endpoint === (fromA ? 'b' : 'a')),
        senderBefore: this.senderBefore,
        receiverBefore: this.receiverBefore,
        memo: (init) => this.memo(rule.id, init),
        report: (frame, s, detail, frames) => this.add(rule, frame, s, detail, frames),
      };
      rule.onSegment(ctx, this.opts);
    }
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
