/**
 * Every input that ever made the fuzz campaign fail (test/fuzz/regressions/, see its README)
 * replayed by the campaign's own runner: every command and format, the viewer's upload path,
 * the watchdog. The runner is a child process, so a crash or a hang is its failure, not vitest's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseSeed } from '../../bench/fuzz/seeds.js';
import { makeMutant, split, type Seed } from '../../bench/fuzz/mutate.js';
import { ROOT, SAMPLES } from '../support/cli.js';

const DIR = join(ROOT, 'test', 'fuzz', 'regressions');
const RUNNER = join(ROOT, 'dist', 'bench', 'fuzz', 'run.js');

test('every kept fuzz regression passes every check', () => {
  const inputs = readdirSync(DIR).filter((f) => !f.endsWith('.md'));
  expect(inputs.length).toBeGreaterThanOrEqual(4);
  const out = join(mkdtempSync(join(tmpdir(), 'tcplens-fuzz-replay-')), 'summary.json');
  const run = spawnSync(process.execPath, [RUNNER, '--replay', DIR, '--json', out, '--artifacts', join(ROOT, 'test-artifacts', 'fuzz-regressions')], { encoding: 'utf8', timeout: 120_000 });
  const summary = JSON.parse(readFileSync(out, 'utf8')) as { mutants: number; failed: number; failures: unknown[] };
  expect(summary.failures).toEqual([]);
  expect(summary.mutants).toBe(inputs.length);
  expect(run.status).toBe(0);
}, 150_000);

test('a campaign seed names the same mutants every time; a commit hash is read by its first 8 hex digits', () => {
  expect(parseSeed('1eec659abcdef')).toBe(0x1eec659a);
  expect(parseSeed('42')).toBe(42);
  const seeds: Seed[] = ['handshake-close.pcap', 'syn-flood.pcapng'].map((f) => {
    const bytes = readFileSync(join(SAMPLES, f));
    return { name: f, bytes, format: f.endsWith('ng') ? 'pcapng' : 'pcap' };
  });
  for (let i = 0; i < 50; i++) {
    const a = makeMutant(seeds, 7, i);
    const b = makeMutant(seeds, 7, i);
    expect(b.bytes.equals(a.bytes)).toBe(true);
    expect(b.mutations).toEqual(a.mutations);
  }
  expect(makeMutant(seeds, 7, 1).bytes.equals(makeMutant(seeds, 8, 1).bytes)).toBe(false);
});

test('the splitter cuts a pcap and a pcapng into their records and joins them back byte for byte', () => {
  for (const [f, format, records] of [['handshake-close.pcap', 'pcap', 10], ['syn-flood.pcapng', 'pcapng', 0]] as const) {
    const bytes = readFileSync(join(SAMPLES, f));
    const s = split({ name: f, bytes, format });
    if (records > 0) expect(s.records).toHaveLength(records);
    else expect(s.records.length).toBeGreaterThan(100);
    expect(Buffer.concat([s.header, ...s.records, s.tail]).equals(bytes)).toBe(true);
  }
});
