/**
 * Runs the capture-scoped rules (rules/index.ts CAPTURE_RULES) over one capture: each rule's
 * memory is made once, each connection is shown to every rule as it starts and as it ends, and
 * the findings are gathered, in registry order and then by frame, once every connection ended.
 */
import type { Connection } from '../tcp/connection.js';
import type { CaptureScopedRule, Finding } from './anomaly.js';
import type { AnomalyId } from './anomaly-ids.js';
import { DEFAULT_CAPTURE_RULES, type CaptureRuleOptions } from './options.js';
import { CAPTURE_RULES } from './rules/index.js';

/** A rule and its memory for this capture (the rule's State is its own business). */
interface Running {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  rule: CaptureScopedRule<AnomalyId, any>;
  state: unknown;
}

export class CaptureRules {
  private readonly running: Running[];

  constructor(opts: CaptureRuleOptions = DEFAULT_CAPTURE_RULES) {
    this.running = CAPTURE_RULES.map((rule) => ({ rule, state: rule.create(opts) as unknown }));
  }

  /** At a connection's first packet: findings that belong to that connection (time-wait-reuse). */
  onStart(conn: Connection, firstTime: number, firstIsSyn: boolean): Finding<AnomalyId>[] {
    let out: Finding<AnomalyId>[] | null = null;
    for (const r of this.running) {
      const f = r.rule.onConnectionStart?.(r.state, conn, firstTime, firstIsSyn) ?? null;
      if (f !== null) (out ??= []).push(f);
    }
    return out ?? NONE;
  }

  onEnd(conn: Connection): void {
    for (const r of this.running) r.rule.onConnectionEnd?.(r.state, conn);
  }

  /** The capture's findings, once every connection has ended. */
  findings(): Finding<AnomalyId>[] {
    const out: Finding<AnomalyId>[] = [];
    for (const r of this.running) if (r.rule.findings !== undefined) out.push(...r.rule.findings(r.state));
    return out.sort((a, b) => a.frame - b.frame);
  }
}

const NONE: Finding<AnomalyId>[] = [];
