/**
 * syn-flood: many never-completed handshakes to one ip:port at once. Capture-scoped: counted per
 * destination as connections end, in bounded memory (a BoundedTable of destinations, a CappedSet
 * of sources each, per-second counters folded into peaks past MAX_SECONDS_PER_TARGET).
 *
 * The window is how long a half-open entry lives on Linux: net/ipv4/tcp_timer.c
 * tcp_syn_ack_timeout() with tcp_synack_retries = 5 resends the SYN,ACK at 1, 3, 7, 15, 31 s and
 * drops the request at 63 s (RFC 4987 §3.1: the backlog of half-open connections is the flood's
 * target).
 */
import { formatEndpoint } from '../../decode/format.js';
import { defineAnomaly, type Finding } from '../anomaly.js';
import { BoundedTable, CappedSet } from '../bounded.js';
import { firstPacketTime, handshakeOutcome } from '../handshake-outcome.js';
import type { CaptureRuleOptions } from '../options.js';
import { percent } from '../wording.js';

/** Destinations followed at once. */
const MAX_TARGETS = 100_000;
/** Distinct sources counted exactly per destination. */
const MAX_SOURCES_PER_TARGET = 10_000;
/** Seconds a destination's counters keep before older ones are folded into its peaks. */
const MAX_SECONDS_PER_TARGET = 4096;
/** Connections reach their end late (up to the idle timeout after their SYN); seconds this recent are never folded. */
const LATE_MARGIN_SECONDS = 3900;

interface Target {
  attempts: number;
  answered: number;
  completed: number;
  sources: CappedSet<string>;
  /** Never-completed, never-refused attempts by the second of their SYN (recent seconds only: see fold). */
  openBySecond: Map<number, number>;
  /** SYNs by second, for the peak rate (recent seconds only). */
  synsBySecond: Map<number, number>;
  /** Peaks over the seconds already folded away. */
  peakOpenFolded: number;
  peakRateFolded: number;
  firstFrame: number;
  firstTime: number;
  lastTime: number;
}

interface State {
  opts: CaptureRuleOptions;
  targets: BoundedTable<string, Target>;
  /** Latest SYN time seen: the clock for forgetting quiet destinations. */
  now: number;
}

export default defineAnomaly({
  id: 'syn-flood',
  scope: 'capture',
  severity: 'error',
  rfc: 'RFC 4987 §3.1 (SYN flooding); RFC 9293 §3.10.7.2 (SYN-RECEIVED)',
  doc: `Set per destination ip:port when all of the following are true:
        - at least --syn-flood-min (100) attempts whose handshake never completed and that were not refused
          had their SYN within one SYN-RECEIVED lifetime (63 s: Linux tcp_synack_retries = 5) of each other
        - at most --syn-flood-max-completed (50 %) of all the attempts to it completed their handshake
        Many never-completed handshakes to one ip:port at once: a SYN flood. The detail gives the peak,
        the SYN count and rate, the distinct sources, and the shares answered and completed.`,

  create(opts: CaptureRuleOptions): State {
    const state: State = { opts, now: -Infinity, targets: undefined as unknown as BoundedTable<string, Target> };
    state.targets = new BoundedTable<string, Target>(MAX_TARGETS, [
      // Cannot make a flood any more: too few attempts, the last one past a lifetime and the late margin ago.
      (t) => t.attempts < opts.synFloodMinHalfOpen && t.lastTime < state.now - opts.synRecvLifetime - LATE_MARGIN_SECONDS,
      (t) => t.attempts === 1,
    ]);
    return state;
  },

  onConnectionEnd(state, conn) {
    const outcome = handshakeOutcome(conn);
    if (outcome === null) return;
    const synTime = firstPacketTime(conn);
    if (synTime > state.now) state.now = synTime;
    const key = formatEndpoint(conn.address('server'));
    const t = state.targets.obtain(key, () => ({
      attempts: 0,
      answered: 0,
      completed: 0,
      sources: new CappedSet<string>(MAX_SOURCES_PER_TARGET),
      openBySecond: new Map(),
      synsBySecond: new Map(),
      peakOpenFolded: 0,
      peakRateFolded: 0,
      firstFrame: conn.firstFrame,
      firstTime: synTime,
      lastTime: synTime,
    }));
    if (t === undefined) return;
    t.attempts++;
    if (outcome.answered) t.answered++;
    if (outcome.completed) t.completed++;
    t.sources.add(conn.address('client').ip);
    const second = Math.floor(synTime);
    t.synsBySecond.set(second, (t.synsBySecond.get(second) ?? 0) + 1);
    if (!outcome.completed && !outcome.refused) t.openBySecond.set(second, (t.openBySecond.get(second) ?? 0) + 1);
    if (t.synsBySecond.size > MAX_SECONDS_PER_TARGET) fold(t, state.opts.synRecvLifetime);
    t.lastTime = Math.max(t.lastTime, synTime);
    t.firstTime = Math.min(t.firstTime, synTime);
  },

  findings(state): Finding[] {
    const out: Finding[] = [];
    const o = state.opts;
    for (const [key, t] of state.targets.entries) {
      const peak = Math.max(t.peakOpenFolded, peakWithin(t.openBySecond, o.synRecvLifetime));
      if (peak < o.synFloodMinHalfOpen || t.completed / t.attempts > o.synFloodMaxCompletedShare) continue;
      let peakRate = t.peakRateFolded;
      for (const n of t.synsBySecond.values()) peakRate = Math.max(peakRate, n);
      out.push({
        id: 'syn-flood',
        severity: 'error',
        frame: t.firstFrame,
        side: null,
        detail:
          `${key}: ${peak} half-open attempts (SYN seen, handshake never completed) alive at once within ${o.synRecvLifetime} s ` +
          `(threshold ${o.synFloodMinHalfOpen}); ${t.attempts} SYNs in ${(t.lastTime - t.firstTime).toFixed(1)} s, peak ${peakRate}/s, ` +
          `from ${t.sources.overflow ? `more than ${MAX_SOURCES_PER_TARGET}` : t.sources.size} distinct sources; ${percent(t.answered, t.attempts)} answered by SYN,ACK, ${percent(t.completed, t.attempts)} completed`,
      });
    }
    return out;
  },
});

/**
 * Folds a destination's older seconds into its peaks. Any window of `lifetime` seconds that
 * reaches back before the cut lies wholly within the seconds held now (the cut is
 * LATE_MARGIN_SECONDS behind), so its count is taken before they go.
 */
function fold(t: Target, lifetime: number): void {
  t.peakOpenFolded = Math.max(t.peakOpenFolded, peakWithin(t.openBySecond, lifetime));
  let latest = -Infinity;
  for (const [sec, n] of t.synsBySecond) {
    if (n > t.peakRateFolded) t.peakRateFolded = n;
    if (sec > latest) latest = sec;
  }
  const cut = latest - lifetime - LATE_MARGIN_SECONDS;
  for (const sec of t.synsBySecond.keys()) if (sec < cut) t.synsBySecond.delete(sec);
  for (const sec of t.openBySecond.keys()) if (sec < cut) t.openBySecond.delete(sec);
}

/** Largest number of attempts whose SYN fell within any window of `lifetime` seconds. */
export function peakWithin(bySecond: Map<number, number>, lifetime: number): number {
  const seconds = [...bySecond.keys()].sort((a, b) => a - b);
  let best = 0;
  let sum = 0;
  let lo = 0;
  for (let hi = 0; hi < seconds.length; hi++) {
    sum += bySecond.get(seconds[hi] as number) ?? 0;
    while ((seconds[hi] as number) - (seconds[lo] as number) >= lifetime) sum -= bySecond.get(seconds[lo++] as number) ?? 0;
    best = Math.max(best, sum);
  }
  return best;
}
