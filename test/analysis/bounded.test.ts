/**
 * The capture-scoped rules' memory bounds (src/analysis/bounded.ts): a table never holds more than
 * its capacity, forgets only what its rule allows, oldest first, pass after pass; a capped set
 * counts exactly up to its cap and then says "more".
 */
import { describe, expect, test } from 'vitest';
import { BoundedTable, CappedSet } from '../../src/analysis/bounded.js';

describe('BoundedTable', () => {
  test('takes keys up to its capacity and returns the same entry for a key', () => {
    const t = new BoundedTable<string, { n: number }>(3, []);
    const a = t.obtain('a', () => ({ n: 1 }));
    expect(t.obtain('a', () => ({ n: 2 }))).toBe(a);
    t.obtain('b', () => ({ n: 1 }));
    t.obtain('c', () => ({ n: 1 }));
    expect(t.size).toBe(3);
    // Nothing may be forgotten: the new key is refused, the table stays at capacity.
    expect(t.obtain('d', () => ({ n: 1 }))).toBeUndefined();
    expect([...t.entries.keys()]).toEqual(['a', 'b', 'c']);
  });

  test('when full, forgets what the first pass allows, oldest first, down to capacity × keepShare', () => {
    const t = new BoundedTable<number, { quiet: boolean }>(10, [(v) => v.quiet], 0.5);
    for (let k = 0; k < 10; k++) t.obtain(k, () => ({ quiet: k % 2 === 0 }));
    const made = t.obtain(10, () => ({ quiet: false }));
    expect(made).toEqual({ quiet: false });
    // 0, 2, 4, 6, 8 were quiet; five had to go to reach 5, then 10 came in.
    expect([...t.entries.keys()]).toEqual([1, 3, 5, 7, 9, 10]);
  });

  test('stops forgetting as soon as the goal is reached (the newest forgettable ones stay)', () => {
    const t = new BoundedTable<number, { quiet: boolean }>(10, [(v) => v.quiet], 0.9);
    for (let k = 0; k < 10; k++) t.obtain(k, () => ({ quiet: true }));
    t.obtain(10, () => ({ quiet: true }));
    expect([...t.entries.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test('runs the second pass only when the first did not free enough', () => {
    const t = new BoundedTable<number, { attempts: number; old: boolean }>(4, [(v) => v.old, (v) => v.attempts === 1], 0.5);
    t.obtain(0, () => ({ attempts: 5, old: false }));
    t.obtain(1, () => ({ attempts: 1, old: false }));
    t.obtain(2, () => ({ attempts: 5, old: true }));
    t.obtain(3, () => ({ attempts: 1, old: false }));
    t.obtain(4, () => ({ attempts: 1, old: false }));
    // Pass 1 drops 2 (old) → 3 entries, above 2; pass 2 drops 1 → 2 entries; 3 stays; then 4 comes in.
    expect([...t.entries.keys()]).toEqual([0, 3, 4]);
  });
});

describe('CappedSet', () => {
  test('counts distinct values, the first without a Set', () => {
    const s = new CappedSet<string>(3);
    expect(s.size).toBe(0);
    s.add('a');
    s.add('a');
    expect(s.size).toBe(1);
    s.add('b');
    s.add('a');
    expect(s.size).toBe(2);
    expect(s.overflow).toBe(false);
  });

  test('past its cap: the size stays at the cap and overflow says there were more', () => {
    const s = new CappedSet<number>(3);
    for (const v of [1, 2, 3, 3, 2]) s.add(v);
    expect([s.size, s.overflow]).toEqual([3, false]);
    s.add(4);
    expect([s.size, s.overflow]).toEqual([3, true]);
  });

  test('a cap of one holds one value and flags a second', () => {
    const s = new CappedSet<number>(1);
    s.add(7);
    s.add(7);
    expect(s.overflow).toBe(false);
    s.add(8);
    expect([s.size, s.overflow]).toEqual([1, true]);
  });
});
