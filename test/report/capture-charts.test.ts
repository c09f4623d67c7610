/**
 * The capture-wide charts' bins (report/capture-charts.ts), checked against a plain reference:
 * a linear scan of the 1-2-5 edges for every value, and a count per start bar.
 */
import { expect, test } from 'vitest';
import { captureCharts, LOG_EDGES } from '../../src/report/capture-charts.js';

/** The reference: the last edge not above x, clamped to the first and last bins. */
function referenceBin(x: number): number {
  let b = 0;
  for (let i = 0; i < LOG_EDGES.length - 1; i++) if ((LOG_EDGES[i] as number) <= x) b = i;
  return b;
}

test('the edges run 1 µs, 2 µs, 5 µs … 1 000 000 s', () => {
  expect(LOG_EDGES.slice(0, 4)).toEqual([1e-6, 2e-6, 5e-6, 1e-5]);
  expect(LOG_EDGES.at(-1)).toBe(1e6);
  expect(LOG_EDGES).toHaveLength(37);
});

test('every value lands in the bin a linear scan finds; NaN handshake RTTs are left out; one empty bin either side', () => {
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const n = 5000;
  const start = Array.from({ length: n }, () => 1_700_000_000 + rand() * 600);
  const duration = Array.from({ length: n }, () => 10 ** (rand() * 12 - 7)); // 0.1 µs … 100 000 s
  const irtt = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? NaN : 10 ** (rand() * 6 - 6)));
  const charts = captureCharts(n, start, duration, irtt);
  for (const [values, bins, keep] of [
    [duration, charts.durations, () => true],
    [irtt, charts.handshakeRtt, (v: number) => !Number.isNaN(v)],
  ] as const) {
    const full = new Array<number>(LOG_EDGES.length - 1).fill(0);
    for (const v of values) if (keep(v)) full[referenceBin(v)] = (full[referenceBin(v)] ?? 0) + 1;
    const first = LOG_EDGES.indexOf(bins.edges[0] as number);
    expect(bins.counts).toEqual(full.slice(first, first + bins.counts.length));
    expect(bins.n).toBe(full.reduce((a, b) => a + b, 0));
    expect(bins.edges).toHaveLength(bins.counts.length + 1);
    expect(full.slice(0, first).every((c) => c === 0) && full.slice(first + bins.counts.length).every((c) => c === 0)).toBe(true);
  }
  expect(charts.handshakeRtt.n).toBe(n - Math.ceil(n / 3));
  const s = charts.starts;
  expect(s?.counts).toHaveLength(120); // a 600 s span: 120 bars of 5 s
  expect(s?.counts.reduce((a, b) => a + b, 0)).toBe(n);
  for (let b = 0; b < 120; b++) {
    const lo = (s?.first as number) + b * (s?.width as number);
    expect(s?.counts[b]).toBe(start.filter((t) => t >= lo && (b === 119 || t < lo + (s?.width as number))).length);
  }
});

test('a lone value: its bin with an empty one either side; no connection: no starts', () => {
  const one = captureCharts(1, [5], [0.003], [NaN]);
  expect(one.durations).toEqual({ edges: [0.001, 0.002, 0.005, 0.01], counts: [0, 1, 0], n: 1 });
  expect(one.handshakeRtt.n).toBe(0);
  expect(captureCharts(0, [], [], []).starts).toBeNull();
});
