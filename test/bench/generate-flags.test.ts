/**
 * Issue 12's pathological capture: tiny packets of one four-tuple with random flags
 * (bench/generate-flags.ts). Its connections are Wireshark's streams (oracle: tshark 4.0.17,
 * `tshark -r flags-5000.pcap -T fields -e tcp.stream | sort -un | wc -l` → 1114 on the
 * 5,000-packet file of seed 1, made by `node dist/bench/generate-flags.js flags-5000.pcap 5000 1`),
 * and memory follows the one connection alive at once, not the thousands handed on: the text
 * report (the default) runs under a 24 MB heap, where keeping each ended connection's record
 * (about 6 KB each, as --format json must) runs out of memory. Never timed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { generateRandomFlags } from '../../bench/generate-flags.js';
import { analyzeCapture } from '../../src/pipeline.js';
import { runCli } from '../support/cli.js';

test('the random-flags capture has as many connections as tshark has streams', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'tcplens-flags-')), 'flags-5000.pcap');
  expect(generateRandomFlags(path, 5000, 1)).toEqual({ packets: 5000 });
  const r = await analyzeCapture(path, path, {}, { collect: false });
  expect(r.decode.error).toBeNull();
  expect(r.connectionCount).toBe(1114);
});

test('30,000 random-flags packets of one four-tuple: the text report needs no more heap than one connection (24 MB cap), --format json does', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'tcplens-flags-')), 'flags-30000.pcap');
  generateRandomFlags(path, 30_000, 1);
  const text = await runCli(['analyze', path], { nodeArgs: ['--max-old-space-size=24'] });
  expect(text.stderr).not.toMatch(/heap out of memory/);
  expect(text.code).toBe(0);
  expect(text.stdout).toContain('6612 TCP connections'); // tshark 4.0.17: 6612 streams on this file
  // The control: a format that holds every record does run out under the same cap.
  const json = await runCli(['analyze', path, '--format', 'json'], { nodeArgs: ['--max-old-space-size=24'] });
  expect(json.code).not.toBe(0);
}, 120_000);
