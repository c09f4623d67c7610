/** report/formats/id-spool.ts: texts added in any order come back by id, the same characters, from memory or the spool file. */
import { describe, expect, test } from 'vitest';
import { IdSpool } from '../../src/report/formats/id-spool.js';

const decode = (t: string | Buffer | undefined): string | undefined => (t === undefined || typeof t === 'string' ? t : t.toString('utf8'));

describe('IdSpool', () => {
  test('every text back by id, in memory, spooled, multi-byte, larger than the write batch, dropped ones gone', () => {
    const texts = new Map<number, string>();
    for (let id = 1; id <= 300; id++) {
      const unit = id % 3 === 0 ? 'é→𝄞' : id % 3 === 1 ? 'ab"c' : '\u2028x';
      // A few far larger than the 1 MiB staging buffer (a ladder of 50,000 segments).
      const repeat = id % 97 === 0 ? 300_000 : 1 + ((id * 7919) % 2000);
      texts.set(id, `${id}:${unit.repeat(repeat)}`);
    }
    const order = [...texts.keys()].sort((a, b) => ((a * 7919) % 301) - ((b * 7919) % 301));
    for (const budget of [Infinity, 0, 50_000]) {
      const spool = new IdSpool(budget, 'tcplens-test');
      for (const id of order) spool.add(id, texts.get(id) as string);
      for (const id of [5, 194]) spool.drop(id);
      expect(spool.maxId).toBe(300);
      for (let id = 1; id <= 300; id++) expect(decode(spool.take(id))).toBe(id === 5 || id === 194 ? undefined : texts.get(id));
      expect(spool.take(301)).toBeUndefined();
      spool.close();
    }
  });
});
