/** src/heap-growth.ts: when tcplens caps V8's heap growth, and when it leaves it alone; the one full collection it runs then. */
import { expect, test } from 'vitest';
import { getHeapStatistics } from 'node:v8';
import { analysisIsLarge, collectGarbageNow, HIGH_GROWTH_LIMIT, heapGrowthFlag, LARGE_HEAP } from '../src/heap-growth.js';

const MB = 1 << 20;
/** Node 20's heap_size_limit on a machine of 16 GB or more: 4,096 MB of old generation and 48 MB of young. */
const DEFAULT_LIMIT = 4144 * MB;

test('below the connection limit and LARGE_HEAP the heap grows as V8 decides (medium captures run as before)', () => {
  expect(analysisIsLarge(false, LARGE_HEAP - 1)).toBe(false);
  expect(analysisIsLarge(false, 64 * MB)).toBe(false);
});

test('at the connection limit (a flood), or past LARGE_HEAP, growth is set to 1.5x the live objects', () => {
  expect(analysisIsLarge(true, 64 * MB)).toBe(true);
  expect(analysisIsLarge(false, LARGE_HEAP)).toBe(true);
  expect(heapGrowthFlag(DEFAULT_LIMIT, [])).toBe('--heap-growing-percent=50');
  expect(heapGrowthFlag(DEFAULT_LIMIT, ['--enable-source-maps'])).toBe('--heap-growing-percent=50');
  // An 8 GB machine: Node gives a 2,048 MB old generation, which V8 lets grow by 4.
  expect(heapGrowthFlag(2096 * MB, [])).toBe('--heap-growing-percent=50');
});

test('under a heap limit below 2 GB V8 grows by at most 2 of itself: left alone (a container, --max-old-space-size=2000)', () => {
  expect(heapGrowthFlag(2048 * MB, [])).toBeNull();
  expect(heapGrowthFlag(1048 * MB, [])).toBeNull();
  expect(heapGrowthFlag(HIGH_GROWTH_LIMIT - 1, [])).toBeNull();
});

test('a growth factor the user gave node is kept, in either spelling', () => {
  expect(heapGrowthFlag(DEFAULT_LIMIT, ['--heap-growing-percent=20'])).toBeNull();
  expect(heapGrowthFlag(DEFAULT_LIMIT, ['--heap_growing_percent=300'])).toBeNull();
});

test('collectGarbageNow runs a full collection: garbage promoted to the old generation is gone after it', () => {
  // Kept alive through two scavenges, so it is in the old generation, then dropped.
  let garbage: number[][] | null = Array.from({ length: 2000 }, (_, i) => Array.from({ length: 2000 }, () => i + 0.5));
  for (let round = 0; round < 3; round++) Array.from({ length: 200_000 }, (_, i) => ({ i }));
  expect(garbage.length).toBe(2000);
  garbage = null;
  const before = getHeapStatistics().used_heap_size;
  expect(collectGarbageNow()).toBe(true);
  const after = getHeapStatistics().used_heap_size;
  // 2,000 arrays of 2,000 doubles: 32 MB.
  expect(before - after).toBeGreaterThan(24 * MB);
  expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
});
