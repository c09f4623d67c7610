/**
 * typescript-eslint's RuleTester for anomaly rules: each case is a ladder (test/ladder.ts) and
 * the exact findings of the rule under test, as "id@side@frame" (one entry per finding, so the
 * count is asserted too). A valid case must produce none.
 */
import { describe, expect, test } from 'vitest';
import { RULES } from '../../../src/analysis/rules/index.js';
import type { Finding } from '../../../src/analysis/anomaly.js';
import type { Ladder } from '../../ladder.js';

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

export function ruleTester(id: string, cases: { valid: RuleCase[]; invalid: (RuleCase & { expect: string[]; detail?: RegExp })[] }): void {
  describe(id, () => {
    test('is registered', () => {
      expect(RULES.map((r) => r.id)).toContain(id);
    });
    test.each(cases.valid.map((c) => [c.name, c] as const))('valid: %s', (_n, c) => {
      expect(findingsOf(id, c).map(show)).toEqual([]);
    });
    test.each(cases.invalid.map((c) => [c.name, c] as const))('invalid: %s', (_n, c) => {
      const found = findingsOf(id, c);
      expect(found.map(show)).toEqual(c.expect);
      if (c.detail !== undefined) expect(found[0]?.detail).toMatch(c.detail);
    });
  });
}
