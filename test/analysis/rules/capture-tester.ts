/**
 * Valid/invalid tables for an anomaly rule over whole captures (typescript-eslint's RuleTester):
 * each case runs the pipeline on a capture and lists every finding of the rule it must give, as
 * `side@frame` (capture-wide findings have side null: `null@frame`), so a missing, extra or
 * misplaced finding fails; options may change thresholds.
 */
import type { Readable } from 'node:stream';
import { expect, test } from 'vitest';
import type { AnomalyId } from '../../../src/analysis/anomaly-ids.js';
import type { AnalyzeOptions } from '../../../src/pipeline.js';
import { analyze } from '../../support/analyze.js';
import { describeRule } from './describe-rule.js';

export interface RuleCase {
  name: string;
  /** A file, or a crafted capture made afresh for each run. */
  capture: string | (() => Readable);
  options?: Partial<AnalyzeOptions>;
  /** `side@frame` of every finding of the rule; [] for a valid case. */
  expect: string[];
  /** Text each finding's detail must contain, in order. */
  details?: (string | RegExp)[];
}

export function captureRuleCases(id: AnomalyId, cases: { valid: RuleCase[]; invalid: RuleCase[] }): void {
  describeRule(id, (held) => {
    for (const [kind, list] of [['valid', cases.valid], ['invalid', cases.invalid]] as const) {
      for (const c of list) {
        test(`${kind}: ${c.name}`, async () => {
          const input = typeof c.capture === 'string' ? c.capture : c.capture();
          const r = await analyze(input, typeof c.capture === 'string' ? c.capture : c.name, c.options ?? {});
          const found = [...r.anomalies, ...r.connections.flatMap((conn) => conn.anomalies)].filter((a) => a.id === id).sort((a, b) => a.frame - b.frame);
          expect(found.map((a) => `${a.side}@${a.frame}`)).toEqual(c.expect);
          (c.details ?? []).forEach((d, i) => expect(found[i]?.detail).toMatch(d));
          if (kind === 'valid') held.valid();
          else if (c.expect.length > 0) held.invalid();
        });
      }
    }
  });
}
