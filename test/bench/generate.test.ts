/** The benchmark's capture is a valid capture of the mix it claims (checked small; never timed). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { generateBenchCapture } from '../../bench/generate.js';
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
