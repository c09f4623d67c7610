/**
 * Every Wireshark flag tcplens sets (flag-bits.ts WIRESHARK_FLAGS) has its own test file here,
 * test/analysis/flags/<flag, dashed>.test.ts, that runs its tables through flagTable with that
 * flag; flagTable ends with a test that fails unless a flagged and a clean scenario ran through
 * their assertions (tcplens and tshark alike).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { WIRESHARK_FLAGS } from '../../../src/analysis/flags/flag-bits.js';

const dir = new URL('./', import.meta.url);
const files = new Set(readdirSync(dir).filter((f) => f.endsWith('.test.ts')));

test.each(WIRESHARK_FLAGS.map((flag) => [flag]))('tcp.analysis.%s has its own test file that runs it through flagTable', (flag) => {
  const file = `${flag.replace(/_/g, '-')}.test.ts`;
  expect(files.has(file), `test/analysis/flags/${file}`).toBe(true);
  expect(readFileSync(new URL(file, dir), 'utf8')).toContain(`flagTable('${flag}'`);
});
