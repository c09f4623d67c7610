/** Capture times as SQL timestamps: microseconds, and null for a time no calendar holds. */
import { expect, test } from 'vitest';
import { micros } from '../../src/report/audit-store.js';

test('capture times become microseconds; times outside years 1–9999 become null, never an error', () => {
  expect(micros('1700000000.123456789')).toBe(1_700_000_000_123_456n);
  expect(micros('0.000000001')).toBe(0n);
  expect(micros(null)).toBeNull();
  expect(micros('18446744073709551615.000000000')).toBeNull();
  expect(micros('253402300800.000000000')).toBeNull();
  expect(micros('253402300799.999999000')).toBe(253_402_300_799_999_999n);
});
