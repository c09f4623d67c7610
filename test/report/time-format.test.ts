/**
 * report/time-format.ts against tshark: test/fixtures/time-format/tshark.txt is tshark 4.0.17's
 * Time column (`-t ud|e|r|dd`) for two crafted captures (microsecond and nanosecond pcap) whose
 * times cross seconds, go backwards, sit on a leap day and past 2038 (README.md there).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readCapture } from '../../src/capture/open-capture.js';
import { formatTimestamp } from '../../src/capture/timestamp.js';
import { isoTimestamp, parseEpoch, timeDigits, TimeFormatter, type TimeMode } from '../../src/report/time-format.js';
import { ROOT } from '../support/cli.js';

const DIR = join(ROOT, 'test', 'fixtures', 'time-format');
const TSHARK_MODE: Record<string, TimeMode> = { ud: 'iso', e: 'epoch', r: 'relative', dd: 'delta' };

function oracle(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  let key = '';
  for (const line of readFileSync(join(DIR, 'tshark.txt'), 'utf8').split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    if (line.startsWith('== ')) m.set((key = line.slice(3)), []);
    else m.get(key)?.push(line);
  }
  return m;
}

describe('time-format: as tshark shows times', () => {
  const want = oracle();
  test.each(['times-us', 'times-ns'].flatMap((f) => Object.keys(TSHARK_MODE).map((t) => ({ f, t }))))('$f -t $t', async ({ f, t }) => {
    const times: string[] = [];
    const r = await readCapture(join(DIR, `${f}.pcap`), { onFrame: (fr) => times.push(formatTimestamp(fr.tsSec, fr.tsNsec)) });
    const digits = timeDigits(r.info.interfaces);
    expect(digits).toBe(f === 'times-ns' ? 9 : 6);
    const fmt = new TimeFormatter(TSHARK_MODE[t] as TimeMode, digits, times[0] ?? null);
    const expected = want.get(`${f} ${t}`);
    expect(expected).toHaveLength(9);
    expect(times.map((s) => fmt.text(s))).toEqual(expected);
  });

  test('JSON ISO 8601: T and Z, the capture precision; null stays null; a date past what JavaScript holds stays an epoch', () => {
    expect(isoTimestamp('1454591580.134854000', 6)).toBe('2016-02-04T13:13:00.134854Z');
    expect(isoTimestamp('1454591580.134854123', 9)).toBe('2016-02-04T13:13:00.134854123Z');
    expect(isoTimestamp('0.000000000', 6)).toBe('1970-01-01T00:00:00.000000Z');
    expect(isoTimestamp(null, 6)).toBeNull();
    expect(isoTimestamp('18446744073.709551615', 9)).toBe('2554-07-21T23:34:33.709551615Z');
    // pcapplusplus/pcapng-example.pcapng has interfaces whose times decode to year 586524.
    expect(isoTimestamp('18446744073709.551615000', 6)).toBe('18446744073709.551615');
  });

  test('exact where floats are not: seconds beyond 2^53 ns and nine digits survive', () => {
    expect(parseEpoch('4102444800.000000001')).toEqual([4102444800, 1]);
    expect(parseEpoch('12.5')).toEqual([12, 500000000]);
    expect(parseEpoch('x')).toBeNull();
    const rel = new TimeFormatter('relative', 9, '1454591580.999999999');
    expect(rel.text('4102444800.000000001')).toBe('2647853219.000000002');
    // Floats cannot even hold the inputs: 4102444800.000000001 is 4102444800 as a double.
    expect(4102444800.000000001).toBe(4102444800);
  });

  test('digits: 9 for interfaces finer than a microsecond (10^-7…, 2^-k), else 6', () => {
    expect(timeDigits([{ tsResolution: '10^-6' }])).toBe(6);
    expect(timeDigits([{ tsResolution: '10^-3' }, { tsResolution: '10^-6' }])).toBe(6);
    expect(timeDigits([{ tsResolution: '10^-6' }, { tsResolution: '10^-9' }])).toBe(9);
    expect(timeDigits([{ tsResolution: '2^-20' }])).toBe(9);
    expect(timeDigits([])).toBe(6);
  });
});
