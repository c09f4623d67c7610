/** src/pipeline.ts heapGrowthFlag: when tcplens caps V8's heap growth, and when it leaves it alone. */
import { expect, test } from 'vitest';
import { heapGrowthFlag, LARGE_HEAP } from '../src/pipeline.js';

test('below LARGE_HEAP the heap grows as V8 decides (small and medium captures run as before)', () => {
  expect(heapGrowthFlag(LARGE_HEAP - 1, [])).toBeNull();
  expect(heapGrowthFlag(64 << 20, [])).toBeNull();
});

test('from LARGE_HEAP on, growth is capped at 2.5 times the live objects', () => {
  expect(heapGrowthFlag(LARGE_HEAP, [])).toBe('--heap-growing-percent=150');
  expect(heapGrowthFlag(2 ** 31, ['--enable-source-maps'])).toBe('--heap-growing-percent=150');
});

test("a growth factor the user gave node is kept, in either spelling", () => {
  expect(heapGrowthFlag(2 ** 31, ['--heap-growing-percent=20'])).toBeNull();
  expect(heapGrowthFlag(2 ** 31, ['--heap_growing_percent=300'])).toBeNull();
});
