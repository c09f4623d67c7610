/**
 * typescript-eslint's RuleTester for anomaly rules: each case is a ladder (test/ladder.ts) and
 * the exact findings of the rule under test, as "id@side@frame" (one entry per finding, so the
 * count is asserted too). A valid case must produce none.
 */
import { expect, test } from 'vitest';
import type { Finding } from '../../../src/analysis/anomaly.js';
import type { AnomalyId } from '../../../src/analysis/anomaly-ids.js';
import type { Ladder } from '../../ladder.js';
import { describeRule } from './describe-rule.js';

export interface RuleCase {
  name: string;
  run: () => Ladder;
  /** Seconds of capture after the last packet (for rules that look at the end). */
  tail?: number;
}

export function findingsOf(id: string, c: RuleCase): Finding[] {
  const l = c.run();
  const last = (l.conn?.lastTime ?? 0) + (c.tail ?? 0);
  return l.findings(last).filter((f) => f.id === id);
}

export const show = (f: Finding): string => `${f.id}@${f.side ?? '-'}@${f.frame}`;

export function ruleTester(id: AnomalyId, cases: { valid: RuleCase[]; invalid: (RuleCase & { expect: string[]; detail?: RegExp })[] }): void {
  describeRule(id, (held) => {
    test.each(cases.valid.map((c) => [c.name, c] as const))('valid: %s', (_n, c) => {
      expect(findingsOf(id, c).map(show)).toEqual([]);
      held.valid();
    });
    test.each(cases.invalid.map((c) => [c.name, c] as const))('invalid: %s', (_n, c) => {
      const found = findingsOf(id, c);
      expect(found.map(show)).toEqual(c.expect);
      if (c.detail !== undefined) expect(found[0]?.detail).toMatch(c.detail);
      if (c.expect.length > 0) held.invalid();
    });
  });
}
