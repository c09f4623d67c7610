/** The filters as a user writes them (src/report/filters.ts checkFilter): lists, and what is refused. */
import { describe, expect, test } from 'vitest';
import { checkFilter, FilterInputError } from '../../src/report/filters.js';

const IDS = ['missing-final-ack'];

function refusal(input: Parameters<typeof checkFilter>[0]): string {
  try {
    checkFilter(input, IDS);
  } catch (e) {
    if (e instanceof FilterInputError) return `--${e.option} ${e.message}`;
    throw e;
  }
  return 'accepted';
}

describe('--conn and --stream', () => {
  test('repeated or comma-separated, as the README says every filter is', () => {
    expect(checkFilter({ conn: ['3,7', '9'] }, IDS).ids).toEqual([3, 7, 9]);
    expect(checkFilter({ stream: ['0, 4'] }, IDS).streams).toEqual([0, 4]);
    // The viewer's query gives numbers.
    expect(checkFilter({ conn: [5] }, IDS).ids).toEqual([5]);
  });

  test('anything but a whole number in range is refused as written', () => {
    expect(refusal({ conn: ['0'] })).toBe('--conn must be a connection id (1, 2, …), not 0');
    expect(refusal({ conn: ['3,x', '1.5'] })).toBe('--conn must be a connection id (1, 2, …), not x, 1.5');
    expect(refusal({ stream: ['-1'] })).toBe('--stream must be a Wireshark tcp.stream number (0, 1, …), not -1');
    expect(refusal({ stream: ['0'] })).toBe('accepted');
  });
});

test('--state names every state a report shows, MIDSTREAM and UNSEEN too', () => {
  expect(checkFilter({ state: ['midstream'] }, IDS).states).toEqual(['MIDSTREAM']);
  expect(refusal({ state: ['BOGUS'] })).toContain('UNSEEN, MIDSTREAM, CLOSED, LISTEN');
});
