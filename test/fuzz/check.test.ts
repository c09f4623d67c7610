/** The campaign's checks find what they are for: each kind of failure is reported, a clean run is not. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkRun, checkTruncation, framesBefore, runInProcess } from '../../bench/fuzz/check.js';
import { SAMPLES } from '../support/cli.js';

const file = '/x/m.cap';
const ok = { code: 0, stdout: '{"frame":1}\n{"frame":2}\n', stderr: '' };

describe('checkRun', () => {
  test('a clean run has no problem', () => {
    expect(checkRun('packets', 'ndjson', file, ok)).toEqual([]);
    expect(checkRun('analyze', 'json', file, { code: 3, stdout: '{"a":1}', stderr: `tcplens: error: ${file}: at byte 0x4 (4): bad [BAD_MAGIC]\n` })).toEqual([]);
  });
  test.each([
    ['an undocumented exit code', 'packets', 'ndjson', { ...ok, code: 70 }, /exit 70/],
    ['usage error from analyze', 'analyze', 'json', { code: 2, stdout: '{}', stderr: '' }, /exit 2/],
    ['a stack trace', 'packets', 'ndjson', { ...ok, stderr: 'tcplens: internal error: TypeError: x\n    at f (a.js:1:1)\n' }, /fault/],
    ['exit 3 without file and offset', 'packets', 'ndjson', { ...ok, code: 3, stderr: 'tcplens: error: something\n' }, /without "error: FILE: at byte/],
    ['an ndjson line cut in half', 'packets', 'ndjson', { ...ok, stdout: '{"frame":1}\n{"fra\n' }, /does not parse/],
    ['a json document cut short', 'analyze', 'json', { ...ok, stdout: '{"capture":' }, /does not parse/],
    ['a csv row of the wrong width', 'analyze', 'csv', { ...ok, stdout: 'a,b,c\n1,"2,3",4\n1,2\n' }, /csv row 3 has 2 fields/],
    ['a zeek row of the wrong width', 'analyze', 'zeek', { ...ok, stdout: '#fields\ta\tb\n1\t2\t3\n' }, /zeek row/],
    ['an html document that does not end', 'analyze', 'html', { ...ok, stdout: '<!doctype html><html><body>' }, /does not end/],
  ])('%s is a problem', (_name, command, format, run, want) => {
    const problems = checkRun(command, format, file, run);
    expect(problems.join('\n')).toMatch(want);
  });
});

describe('truncation', () => {
  test('frames lost before the cut, or changed, are problems; a clean prefix is not', () => {
    const whole = ['a', 'b', 'c', 'd'];
    expect(checkTruncation(['a', 'b'], whole, 2)).toEqual([]);
    expect(checkTruncation(['a'], whole, 2)[0]).toMatch(/1 frames read, but 2 ended before the cut/);
    expect(checkTruncation(['a', 'x'], whole, 1)[0]).toMatch(/frame 2 differs/);
  });

  test('frames that end before a cut are counted exactly for pcap', async () => {
    const bytes = readFileSync(join(SAMPLES, 'handshake-close.pcap'));
    expect(await framesBefore(bytes, bytes.length)).toBe(10);
    expect(await framesBefore(bytes, 24)).toBe(0);
    expect(await framesBefore(bytes, bytes.length - 1)).toBe(9);
  });
});

test('commands run in-process on the CLI code path, output caught, exit codes as the CLI gives them', async () => {
  const sample = join(SAMPLES, 'handshake-close.pcap');
  const run = await runInProcess(['packets', sample, '--format', 'ndjson']);
  expect(run.code).toBe(0);
  expect(run.stdout.trim().split('\n')).toHaveLength(10);
  const usage = await runInProcess(['analyze', sample, '--format', 'yaml']);
  expect(usage.code).toBe(2);
  const missing = await runInProcess(['analyze', '/nonexistent/x.pcap', '--format', 'json']);
  expect(missing.code).toBe(3);
  // A file that is not there: its error alone (no empty report first, no byte offset).
  expect(missing.stderr).toBe('tcplens: error: /nonexistent/x.pcap: no such file\n');
  expect(missing.stdout).toBe('');
});
