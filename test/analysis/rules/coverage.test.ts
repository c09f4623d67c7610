/**
 * Every anomaly id (both registries) has its own test file, test/analysis/rules/<id>.test.ts,
 * that runs its cases through one of the testers with that id: ruleTester (ladders),
 * captureRuleCases (captures) or describeRule (hand-written). Each tester ends with a test that
 * fails unless a valid and an invalid case ran to the end of their assertions, so a file that
 * merely names the rule cannot pass.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { ANOMALY_IDS } from '../../../src/analysis/anomaly-ids.js';

const dir = new URL('./', import.meta.url);
const files = new Set(readdirSync(dir).filter((f) => f.endsWith('.test.ts')));

test.each(ANOMALY_IDS.map((id) => [id]))('%s has its own test file that runs it through a tester', (id) => {
  const file = `${id}.test.ts`;
  expect(files.has(file), `test/analysis/rules/${file}`).toBe(true);
  const text = readFileSync(new URL(file, dir), 'utf8');
  expect(text).toMatch(new RegExp(`\\b(ruleTester|captureRuleCases|describeRule)\\('${id}'`));
});

test('no test file here names an id that is not registered', () => {
  const ids = new Set<string>(ANOMALY_IDS);
  const strays = [...files].map((f) => f.replace(/\.test\.ts$/, '')).filter((id) => id !== 'coverage' && !ids.has(id));
  expect(strays).toEqual([]);
});
