/**
 * Issue 12's pathological capture: tiny packets of one four-tuple with random flags
 * (bench/generate-flags.ts). Its connections are Wireshark's streams (oracle: tshark 4.0.17,
 * `tshark -r flags-5000.pcap -T fields -e tcp.stream | sort -un | wc -l` → 1114 on the
 * 5,000-packet file of seed 1, made by `node dist/bench/generate-flags.js flags-5000.pcap 5000 1`),
 * and memory follows the one connection alive at once, not the thousands handed on: the text
 * report (the default) and the JSON document (it spools its connections) run under a 24 MB heap,
 * the HTML report under 48 MB (its fixed part is larger: the page's template and scripts, its
 * charts' columns), where a capture holding thousands of connections at once runs out of memory
 * under either. Never timed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { generateRandomFlags } from '../../bench/generate-flags.js';
import { generateManyConnections } from '../../bench/generate-many.js';
import { analyzeCapture } from '../../src/pipeline.js';
import { runCli } from '../support/cli.js';

test('the random-flags capture has as many connections as tshark has streams', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'tcplens-flags-')), 'flags-5000.pcap');
  expect(generateRandomFlags(path, 5000, 1)).toEqual({ packets: 5000 });
  const r = await analyzeCapture(path, path, {}, { collect: false });
  expect(r.decode.error).toBeNull();
  expect(r.connectionCount).toBe(1114);
});

test('30,000 random-flags packets of one four-tuple: text, json (24 MB heap) and html (48 MB) need no more heap than one connection; 30,000 SYNs held at once do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-flags-'));
  const path = join(dir, 'flags-30000.pcap');
  generateRandomFlags(path, 30_000, 1);
  for (const [format, cap] of [['text', 24], ['json', 24], ['html', 48]] as const) {
    const r = await runCli(['analyze', path, '--format', format], { nodeArgs: [`--max-old-space-size=${cap}`] });
    expect(r.stderr).not.toMatch(/heap out of memory/);
    expect(r.code).toBe(0);
    if (format === 'text') expect(r.stdout).toContain('6612 TCP connections'); // tshark 4.0.17: 6612 streams on this file
    if (format === 'json') expect((JSON.parse(r.stdout) as { connections: unknown[] }).connections.length).toBe(6612);
  }
  // The control: unanswered SYNs 10 µs apart are all alive at once (up to --max-connections), and that does not fit.
  const flood = join(dir, 'syns-30000.pcap');
  generateManyConnections(flood, 30_000, 10, 'unanswered');
  for (const cap of [24, 48]) {
    const held = await runCli(['analyze', flood], { nodeArgs: [`--max-old-space-size=${cap}`] });
    expect(held.code).not.toBe(0);
    expect(held.stderr).toMatch(/heap out of memory/);
  }
}, 180_000);
