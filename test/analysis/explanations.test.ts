/**
 * Every anomaly's explanation is whole, and the same in every report (analysis/anomaly-ids.ts
 * explanation): no line of a rule's doc is left out, conditions that run over several lines stay
 * together, and what follows the conditions is kept.
 */
import { expect, test } from 'vitest';
import { ANOMALY_IDS, explainDoc, explanation } from '../../src/analysis/anomaly-ids.js';
import { RULES } from '../../src/analysis/rules/index.js';

test('a condition over two lines stays one, and the sentence after the list is kept', () => {
  const doc = `Set when all of the following are true:
        - a segment carries payload
        - part of it was sent before, in a segment still among the last 16 of
          its sender
        Reported once per side.`;
  expect(explainDoc(doc)).toBe('When a segment carries payload; part of it was sent before, in a segment still among the last 16 of its sender. Reported once per side.');
});

test.each(RULES.map((r) => [r.id, r] as const))('%s: every line of its doc is in its explanation', (id, rule) => {
  const text = explanation(id);
  for (const raw of rule.doc.split('\n')) {
    const line = raw.trim().replace(/^- /, '');
    if (line === '' || line.startsWith('Set when ')) continue;
    expect(text).toContain(line);
  }
  expect(text).toMatch(/[.)]$/);
});

test('every anomaly id has an explanation', () => {
  for (const id of ANOMALY_IDS) expect(explanation(id), id).not.toBe('');
});
