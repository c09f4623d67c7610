/** The benchmark captures are valid captures of the mix they claim (checked small; never timed). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { generateBenchCapture } from '../../bench/generate.js';
import { generateManyConnections } from '../../bench/generate-many.js';
import { analyzeCapture } from '../../src/pipeline.js';
import { TcpFlag } from '../../src/decode/fields.js';
import { collect } from '../support/collect.js';

test('the generated mix reads without damage and holds opens, closes, resets, VLANs and IPv6', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'tcplens-bench-')), 'mix.pcap');
  const written = generateBenchCapture(path, 2e6);
  const { result, frames } = await collect(path);
  expect(result.error).toBeNull();
  expect(result.warnings).toEqual([]);
  expect(frames.length).toBe(written.packets);
  expect(frames.every((f) => f.tcp !== null && f.issue === null)).toBe(true);
  const count = (pred: (f: (typeof frames)[number]) => boolean): number => frames.filter(pred).length;
  expect(count((f) => f.tcp?.flags === TcpFlag.SYN)).toBeGreaterThan(10);
  expect(count((f) => ((f.tcp?.flags ?? 0) & TcpFlag.FIN) !== 0)).toBeGreaterThan(10);
  expect(count((f) => ((f.tcp?.flags ?? 0) & TcpFlag.RST) !== 0)).toBeGreaterThan(0);
  expect(count((f) => f.ipVersion === 6)).toBeGreaterThan(0);
  expect(count((f) => f.vlan === 100)).toBeGreaterThan(0);
});

test('the many-connections capture: each attempt is its own refused connection, also past the connection limit', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'tcplens-bench-')), 'many.pcap');
  expect(generateManyConnections(path, 300, 10, 'refused')).toEqual({ packets: 600 });
  const ids: number[] = [];
  const r = await analyzeCapture(path, path, { maxConnections: 100 }, { collect: false, onConnection: (c) => c.anomalies.some((a) => a.id === 'rst-refused') && ids.push(c.id) });
  expect(r.connectionCount).toBe(300);
  expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  expect(r.decode.warnings).toEqual([]);
  expect(r.warnings.map((w) => [w.code, w.frame])).toEqual([['CONNECTION_LIMIT', 201]]);
  expect(r.warnings[0]?.message).toMatch(/more than 100 connections were held at once \(first at frame 201\), so \d+ finished and 0 never-synchronized/);
});
