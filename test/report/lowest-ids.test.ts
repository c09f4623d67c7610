/** report/formats/lowest-ids.ts against sorting: the k lowest of ids added in any order, and what each add pushed out. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LowestIds } from '../../src/report/formats/lowest-ids.js';

describe('LowestIds', () => {
  test('keeps the k lowest ids and names the one each add pushed out', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { maxLength: 200 }), fc.integer({ min: 0, max: 20 }), (ids, k) => {
        const kept = new LowestIds(k);
        const reference: number[] = [];
        for (const id of ids) {
          reference.push(id);
          reference.sort((a, b) => a - b);
          const out = reference.length > k ? (reference.pop() as number) : -1;
          expect(kept.add(id)).toBe(out);
        }
        expect(kept.ids()).toEqual(reference);
        expect(kept.size).toBe(Math.min(k, ids.length));
      }),
    );
  });
});
