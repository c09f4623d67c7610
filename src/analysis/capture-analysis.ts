/**
 * Findings that span connections: SYN floods and port scans (capture-wide, in the top-level
 * anomaly list) and TIME-WAIT reuse (attached to the connection that reused the four-tuple).
 * Memory is bounded (see the MAX_ constants): per destination, counters for its recent seconds
 * and its distinct sources up to a cap; per source, the destination ports it tried; sources
 * and destinations that cannot make a finding any more are forgotten when there are too many.
 */
import { formatEndpoint } from '../decode/format.js';
import type { Connection } from '../tcp/connection.js';
import type { Finding } from './anomaly.js';
import { ListenQueueOverflow } from './rules/listen-queue-overflow.js';

import { DEFAULT_CAPTURE_RULES, type CaptureRuleOptions } from './options.js';

export { DEFAULT_CAPTURE_RULES, type CaptureRuleOptions };

interface Target {
  attempts: number;
  answered: number;
  completed: number;
  /** Distinct sources, counted exactly up to MAX_SOURCES_PER_TARGET. */
  sources: Set<string>;
  sourcesOverflow: boolean;
  /** Never-completed attempts by the second of their SYN (only recent seconds: see compact). */
  openBySecond: Map<number, number>;
  /** SYNs by second, for the peak rate (recent seconds only). */
  synsBySecond: Map<number, number>;
  /** Peaks over the seconds already dropped from the maps. */
  peakOpenDropped: number;
  peakRateDropped: number;
  firstFrame: number;
  firstTime: number;
  lastTime: number;
}

interface Scanner {
  /** Distinct destination ports (a number until a second one is seen). */
  ports: Set<number> | number;
  failed: number;
  attempts: number;
  firstFrame: number;
  /** Distinct destination hosts, up to MAX_SCAN_TARGETS. */
  targets: Set<string> | string;
}

/**
 * Memory bounds (the capture-wide state must not grow with the capture): how many
 * destinations and sources are followed at once, how many distinct sources are counted per
 * destination, and how many seconds a destination's counters keep before older ones are
 * folded into its peaks.
 */
const MAX_TARGETS = 100_000;
const MAX_SCANNERS = 100_000;
const MAX_SOURCES_PER_TARGET = 10_000;
const MAX_SCAN_TARGETS = 16;
const MAX_SECONDS_PER_TARGET = 4096;
/** Connections reach onEnd late (up to the idle timeout after their SYN); seconds this recent are never folded. */
const LATE_MARGIN_SECONDS = 3900;

export class CaptureAnalysis {
  private readonly targets = new Map<string, Target>();
  private readonly scanners = new Map<string, Scanner>();
  /** Four-tuple → capture time its last connection entered TIME-WAIT. */
  private readonly timeWait = new Map<string, { at: number; id: number }>();
  private timeWaitPruneAt = 10_000;
  /** Latest SYN time seen at onEnd: the clock for pruning. */
  private now = -Infinity;
  /** listen-queue-overflow (its own file, src/analysis/rules/listen-queue-overflow.ts). */
  private readonly listenQueue = new ListenQueueOverflow();

  constructor(private readonly opts: CaptureRuleOptions = DEFAULT_CAPTURE_RULES) {}

  /** At a connection's start: TIME-WAIT reuse of its four-tuple. */
  onStart(conn: Connection, firstTime: number, firstIsSyn: boolean): Finding | null {
    const prior = this.timeWait.get(conn.key);
    if (prior === undefined || !firstIsSyn) return null;
    this.timeWait.delete(conn.key);
    const gap = firstTime - prior.at;
    const twoMsl = 2 * this.opts.mslSeconds;
    if (gap >= twoMsl) return null;
    return {
      id: 'time-wait-reuse',
      severity: 'warning',
      frame: conn.firstFrame,
      side: null,
      detail: `connection ${conn.id} reuses the four-tuple of connection ${prior.id} ${gap.toFixed(3)} s after it entered TIME-WAIT, within 2×MSL = ${twoMsl} s`,
    };
  }

  /** At a connection's end: what it tells about its destination and its source. */
  onEnd(conn: Connection): void {
    for (const c of conn.changes) {
      if (c.to === 'TIME-WAIT') this.timeWait.set(conn.key, { at: c.tsSec + c.tsNsec / 1e9, id: conn.id });
    }
    if (this.timeWait.size > this.timeWaitPruneAt) this.pruneTimeWait(conn.lastTime);
    this.listenQueue.onEnd(conn);
    if (conn.rolesInferred) return;
    const client = conn.endpointOf('client');
    const server = conn.endpointOf('server');
    if (!client.hasIsn) return;
    const completed = server.state !== 'SYN-RECEIVED' && conn.changes.some((c) => c.from === 'SYN-RECEIVED' && c.to === 'ESTABLISHED');
    const answered = server.hasIsn;
    const refused = server.sawRst && !answered;
    const dst = conn.address('server');
    const src = conn.address('client');
    const key = formatEndpoint(dst);
    const synTime = conn.firstSec + conn.firstNsec / 1e9;
    if (synTime > this.now) this.now = synTime;
    let t = this.targets.get(key);
    if (t === undefined) {
      if (this.targets.size >= MAX_TARGETS) this.pruneTargets();
      t = { attempts: 0, answered: 0, completed: 0, sources: new Set(), sourcesOverflow: false, openBySecond: new Map(), synsBySecond: new Map(), peakOpenDropped: 0, peakRateDropped: 0, firstFrame: conn.firstFrame, firstTime: synTime, lastTime: synTime };
      this.targets.set(key, t);
    }
    t.attempts++;
    if (answered) t.answered++;
    if (completed) t.completed++;
    if (t.sources.size < MAX_SOURCES_PER_TARGET) t.sources.add(src.ip);
    else if (!t.sources.has(src.ip)) t.sourcesOverflow = true;
    const second = Math.floor(synTime);
    t.synsBySecond.set(second, (t.synsBySecond.get(second) ?? 0) + 1);
    if (!completed && !refused) t.openBySecond.set(second, (t.openBySecond.get(second) ?? 0) + 1);
    if (t.synsBySecond.size > MAX_SECONDS_PER_TARGET) this.compact(t);
    t.lastTime = Math.max(t.lastTime, synTime);
    t.firstTime = Math.min(t.firstTime, synTime);

    let s = this.scanners.get(src.ip);
    if (s === undefined) {
      if (this.scanners.size >= MAX_SCANNERS) this.pruneScanners();
      if (this.scanners.size < MAX_SCANNERS) {
        s = { ports: dst.port, failed: 0, attempts: 0, firstFrame: conn.firstFrame, targets: dst.ip };
        this.scanners.set(src.ip, s);
      }
    }
    if (s !== undefined) {
      s.attempts++;
      if (typeof s.ports === 'number') {
        if (s.ports !== dst.port) s.ports = new Set([s.ports, dst.port]);
      } else s.ports.add(dst.port);
      if (typeof s.targets === 'string') {
        if (s.targets !== dst.ip) s.targets = new Set([s.targets, dst.ip]);
      } else if (s.targets.size < MAX_SCAN_TARGETS) s.targets.add(dst.ip);
      if (!completed) s.failed++;
    }
  }

  /**
   * Folds a destination's older seconds into its peaks. Any window of synRecvLifetime seconds
   * that reaches back before the cut lies wholly within the seconds held now (the cut is
   * LATE_MARGIN_SECONDS behind), so its count is taken before they go.
   */
  private compact(t: Target): void {
    const lifetime = this.opts.synRecvLifetime;
    t.peakOpenDropped = Math.max(t.peakOpenDropped, peakAlive(t.openBySecond, lifetime));
    let latest = -Infinity;
    for (const [sec, n] of t.synsBySecond) {
      if (n > t.peakRateDropped) t.peakRateDropped = n;
      if (sec > latest) latest = sec;
    }
    const cut = latest - lifetime - LATE_MARGIN_SECONDS;
    for (const sec of t.synsBySecond.keys()) if (sec < cut) t.synsBySecond.delete(sec);
    for (const sec of t.openBySecond.keys()) if (sec < cut) t.openBySecond.delete(sec);
  }

  /**
   * Too many destinations: forget those that cannot be part of a flood any more (fewer
   * attempts than the threshold in all, the last one past a SYN-RECEIVED lifetime and the late
   * margin ago), oldest first; if none can go, those with a single attempt.
   */
  private pruneTargets(): void {
    const o = this.opts;
    const quietSince = this.now - o.synRecvLifetime - LATE_MARGIN_SECONDS;
    const goal = MAX_TARGETS * 0.9;
    for (const [k, t] of this.targets) {
      if (this.targets.size <= goal) return;
      if (t.attempts < o.synFloodMinHalfOpen && t.lastTime < quietSince) this.targets.delete(k);
    }
    for (const [k, t] of this.targets) {
      if (this.targets.size <= goal) return;
      if (t.attempts === 1) this.targets.delete(k);
    }
  }

  /** Too many sources: forget those that tried only one port, oldest first. */
  private pruneScanners(): void {
    const goal = MAX_SCANNERS * 0.9;
    for (const [ip, s] of this.scanners) {
      if (this.scanners.size <= goal) return;
      if (typeof s.ports === 'number') this.scanners.delete(ip);
    }
  }

  /** The capture-wide findings, once every connection has ended. */
  findings(): Finding[] {
    const out: Finding[] = [];
    const o = this.opts;
    for (const [key, t] of this.targets) {
      const peak = Math.max(t.peakOpenDropped, peakAlive(t.openBySecond, o.synRecvLifetime));
      const completedShare = t.completed / t.attempts;
      if (peak < o.synFloodMinHalfOpen || completedShare > o.synFloodMaxCompletedShare) continue;
      let peakRate = t.peakRateDropped;
      for (const n of t.synsBySecond.values()) peakRate = Math.max(peakRate, n);
      out.push({
        id: 'syn-flood',
        severity: 'error',
        frame: t.firstFrame,
        side: null,
        detail:
          `${key}: ${peak} half-open attempts (SYN seen, handshake never completed) alive at once within ${o.synRecvLifetime} s ` +
          `(threshold ${o.synFloodMinHalfOpen}); ${t.attempts} SYNs in ${(t.lastTime - t.firstTime).toFixed(1)} s, peak ${peakRate}/s, ` +
          `from ${t.sourcesOverflow ? `more than ${MAX_SOURCES_PER_TARGET}` : t.sources.size} distinct sources; ${pct(t.answered, t.attempts)} answered by SYN,ACK, ${pct(t.completed, t.attempts)} completed`,
      });
    }
    for (const [ip, s] of this.scanners) {
      const ports = typeof s.ports === 'number' ? 1 : s.ports.size;
      const hosts = typeof s.targets === 'string' ? 1 : s.targets.size;
      if (ports < o.portScanMinPorts || s.failed / s.attempts < o.portScanMinFailedShare) continue;
      out.push({
        id: 'port-scan',
        severity: 'warning',
        frame: s.firstFrame,
        side: null,
        detail: `${ip} tried ${ports} distinct destination ports on ${hosts === MAX_SCAN_TARGETS ? `${MAX_SCAN_TARGETS} or more` : hosts} host(s); ${pct(s.failed, s.attempts)} of ${s.attempts} attempts were refused or unanswered (thresholds ${o.portScanMinPorts} ports, ${Math.round(o.portScanMinFailedShare * 100)} %)`,
      });
    }
    out.push(...this.listenQueue.findings());
    return out.sort((a, b) => a.frame - b.frame);
  }

  /** Drops TIME-WAIT entries past 2×MSL; looks again only once the map has doubled (no rescan per connection). */
  private pruneTimeWait(now: number): void {
    for (const [k, v] of this.timeWait) if (now - v.at > 2 * this.opts.mslSeconds) this.timeWait.delete(k);
    this.timeWaitPruneAt = Math.max(10_000, 2 * this.timeWait.size);
  }
}

/** Largest number of attempts whose SYN fell within any window of `lifetime` seconds. */
function peakAlive(bySecond: Map<number, number>, lifetime: number): number {
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

function pct(n: number, of: number): string {
  return of === 0 ? '0 %' : `${Math.round((n / of) * 100)} %`;
}
