/** report/keep-lowest.ts against sorting: the `max` lowest ranks of those offered in any order, each made only when kept. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { keepLowest } from '../../src/report/keep-lowest.js';

describe('keepLowest', () => {
  test('keeps the max lowest ranks in order, whatever the order offered, and makes only what it keeps', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { maxLength: 60 }), fc.integer({ min: 0, max: 8 }), (ranks, max) => {
        const list: { rank: number }[] = [];
        let made = 0;
        for (const rank of ranks) {
          const before = list.map((e) => e.rank);
          keepLowest(list, max, rank, (e) => e.rank, () => (made++, { rank }));
          const kept = list.some((e) => e.rank === rank);
          // Made exactly when it was among the lowest so far.
          expect(kept).toBe([...before, rank].sort((a, b) => a - b).slice(0, max).includes(rank));
        }
        expect(list.map((e) => e.rank)).toEqual([...ranks].sort((a, b) => a - b).slice(0, max));
        expect(made).toBeLessThanOrEqual(ranks.length);
      }),
    );
  });
});
