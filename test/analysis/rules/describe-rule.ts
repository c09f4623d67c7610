/**
 * One describe per anomaly rule, whatever its tester: it checks the id is registered, runs the
 * rule's cases, and ends with a test that passes only if at least one valid case (no finding) and
 * one invalid case (findings expected) ran to the end of their assertions. A rule's test file
 * that names the rule but asserts nothing therefore fails (coverage.test.ts requires the file).
 */
import { describe, expect, test } from 'vitest';
import { ANOMALY_IDS, type AnomalyId } from '../../../src/analysis/anomaly-ids.js';

export interface Held {
  /** Call after a case's assertions that the rule found nothing held. */
  valid(): void;
  /** Call after a case's assertions that the rule's findings (at least one) held. */
  invalid(): void;
}

export function describeRule(id: AnomalyId, body: (held: Held) => void): void {
  describe(id, () => {
    const count = { valid: 0, invalid: 0 };
    test('is registered', () => expect(ANOMALY_IDS).toContain(id));
    body({ valid: () => count.valid++, invalid: () => count.invalid++ });
    test('ran valid and invalid cases whose assertions held', () => {
      expect(count.valid, 'valid cases that held').toBeGreaterThan(0);
      expect(count.invalid, 'invalid cases that held').toBeGreaterThan(0);
    });
  });
}
