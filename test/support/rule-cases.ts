/**
 * Valid/invalid tables for an anomaly rule over whole captures (typescript-eslint's RuleTester):
 * each case runs the pipeline on a capture and lists every finding of the rule it must give, as
 * `side@frame`, so a missing, extra or misplaced finding fails; options may change thresholds.
 */
import { describe, expect, test } from 'vitest';
import { RULES } from '../../src/analysis/rules/index.js';
import type { AnalyzeOptions } from '../../src/pipeline.js';
import { analyze } from './analyze.js';

export interface RuleCase {
  name: string;
  capture: string;
  options?: Partial<AnalyzeOptions>;
  /** `side@frame` of every finding of the rule; [] for a valid case. */
  expect: string[];
  /** Text each finding's detail must contain, in order. */
  details?: (string | RegExp)[];
}

export function captureRuleCases(id: string, cases: { valid: RuleCase[]; invalid: RuleCase[] }): void {
  describe(id, () => {
    test('is registered', () => expect(RULES.map((r) => r.id)).toContain(id));
    for (const [kind, list] of [['valid', cases.valid], ['invalid', cases.invalid]] as const) {
      for (const c of list) {
        test(`${kind}: ${c.name}`, async () => {
          const r = await analyze(c.capture, c.capture, c.options ?? {});
          const found = r.connections.flatMap((conn) => conn.anomalies.filter((a) => a.id === id));
          expect(found.map((a) => `${a.side}@${a.frame}`)).toEqual(c.expect);
          (c.details ?? []).forEach((d, i) => expect(found[i]?.detail).toMatch(d));
        });
      }
    }
  });
}
