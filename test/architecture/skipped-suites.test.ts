/**
 * A clone without ../shared (or Chromium) runs the rest and says, in its last lines, which suites
 * were skipped and how to enable them (test/support/skipped-suites-reporter.ts).
 */
import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { ROOT } from '../support/cli.js';

test('npm test\'s last lines name the suites skipped for a missing corpus or Chromium, and the variables that point at them', () => {
  const run = spawnSync('npx', ['vitest', 'run', 'test/analysis/bounded.test.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TCPLENS_CORPUS: '/nonexistent/corpus', TCPLENS_CHROMIUM: '/nonexistent/chromium', NO_COLOR: '1' },
    timeout: 120_000,
  });
  expect(run.status).toBe(0);
  const lines = run.stdout.trim().split('\n');
  const head = lines.lastIndexOf('skipped, because this machine lacks what they need:');
  expect(head).toBeGreaterThan(0);
  const tail = lines.slice(head + 1);
  expect(tail.every((l) => l.startsWith('  - ')), 'the skip lines end the output').toBe(true);
  expect(tail.find((l) => l.includes('no corpus at /nonexistent/corpus'))).toContain('set TCPLENS_CORPUS=');
  expect(tail.find((l) => l.includes('no Chromium at /nonexistent/chromium'))).toContain('set TCPLENS_CHROMIUM=');
}, 150_000);
