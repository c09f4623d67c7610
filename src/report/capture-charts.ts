/**
 * The capture-wide charts' data, binned here so the static report and the viewer (which holds
 * only columns of a million connections, web/connection-index.ts) draw the same bars:
 * connection starts over time, handshake RTTs (Wireshark's tcp.analysis.initial_rtt) and
 * connection durations, the last two on logarithmic bins (1-2-5 per decade), because a capture
 * mixes loopback microseconds with intercontinental hundreds of milliseconds.
 */

/** Bars over a time axis: counts[i] covers [first + i·width, first + (i+1)·width) seconds since `first`. */
export interface TimeBins {
  /** Epoch seconds of the first start (a float: for placing bars, never printed as a timestamp). */
  first: number;
  width: number;
  counts: number[];
}

/** Bars over logarithmic bins: counts[i] covers [edges[i], edges[i+1]) seconds; values below edges[0] count in the first, above the last edge in the last. */
export interface LogBins {
  edges: number[];
  counts: number[];
  /** How many values were counted (connections with a handshake RTT; all, for durations). */
  n: number;
}

export interface CaptureCharts {
  starts: TimeBins | null;
  handshakeRtt: LogBins;
  durations: LogBins;
}

/** 1 µs, 2 µs, 5 µs, 10 µs … 500 000 s, 1 000 000 s. */
export const LOG_EDGES: readonly number[] = (() => {
  const out: number[] = [];
  for (let exp = -6; exp <= 5; exp++) for (const m of [1, 2, 5]) out.push(Number((m * 10 ** exp).toPrecision(3)));
  out.push(1e6);
  return out;
})();

/** The index of the log bin holding x (seconds). */
function logBin(x: number): number {
  let lo = 0;
  let hi = LOG_EDGES.length - 2;
  if (x < (LOG_EDGES[1] as number)) return 0;
  if (x >= (LOG_EDGES[hi] as number)) return hi;
  // The last edge not above x.
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((LOG_EDGES[mid] as number) <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Counts over the log bins, trimmed to the bins from the first to the last that hold a value (and one more each side). */
function logBins(values: ArrayLike<number>, count: number, keep: (i: number) => boolean): LogBins {
  const counts = new Array<number>(LOG_EDGES.length - 1).fill(0);
  let n = 0;
  for (let i = 0; i < count; i++) {
    if (!keep(i)) continue;
    const b = logBin(values[i] as number);
    counts[b] = (counts[b] as number) + 1;
    n++;
  }
  let lo = counts.findIndex((c) => c > 0);
  let hi = counts.length - 1 - [...counts].reverse().findIndex((c) => c > 0);
  if (lo < 0) {
    lo = 0;
    hi = 0;
  }
  // One empty bin either side, so a lone bar still shows where it sits.
  lo = Math.max(0, lo - 1);
  hi = Math.min(counts.length - 1, hi + 1);
  return { edges: LOG_EDGES.slice(lo, hi + 2), counts: counts.slice(lo, hi + 1), n };
}

/**
 * Bins `count` connections given by their start (epoch seconds), duration (seconds) and
 * handshake RTT (seconds, NaN when there is none).
 */
export function captureCharts(count: number, start: ArrayLike<number>, duration: ArrayLike<number>, irtt: ArrayLike<number>): CaptureCharts {
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < count; i++) {
    const t = start[i] as number;
    if (t < first) first = t;
    if (t > last) last = t;
  }
  let starts: TimeBins | null = null;
  if (count > 0) {
    const span = Math.max(last - first, 1e-3);
    // About one bar per second, between 10 and 120 bars.
    const n = Math.min(120, Math.max(10, Math.ceil(span)));
    const width = span / n;
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < count; i++) {
      const b = Math.min(n - 1, Math.floor(((start[i] as number) - first) / width));
      counts[b] = (counts[b] as number) + 1;
    }
    starts = { first, width, counts };
  }
  return {
    starts,
    handshakeRtt: logBins(irtt, count, (i) => !Number.isNaN(irtt[i] as number)),
    durations: logBins(duration, count, () => true),
  };
}
