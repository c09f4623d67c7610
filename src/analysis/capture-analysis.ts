/**
 * Findings that span connections: SYN floods and port scans (capture-wide, in the top-level
 * anomaly list) and TIME-WAIT reuse (attached to the connection that reused the four-tuple).
 * Memory: per destination, one counter per second of capture that holds never-completed
 * attempts; per source, the set of destination ports it tried.
 */
import type { Connection } from '../tcp/connection.js';
import type { Finding } from './anomaly.js';

export interface CaptureRuleOptions {
  /** --syn-flood-min: never-completed SYNs alive at once, to one ip:port, that make a flood. */
  synFloodMinHalfOpen: number;
  /** --syn-flood-max-completed: above this share of completed handshakes, it is a busy server, not a flood. */
  synFloodMaxCompletedShare: number;
  /** Seconds a Linux SYN-RECEIVED entry lives (tcp_synack_retries = 5 → 63 s). */
  synRecvLifetime: number;
  /** --port-scan-min-ports: distinct destination ports from one source. */
  portScanMinPorts: number;
  /** --port-scan-min-failed: share of those attempts refused or unanswered. */
  portScanMinFailedShare: number;
  mslSeconds: number;
}

export const DEFAULT_CAPTURE_RULES: CaptureRuleOptions = {
  synFloodMinHalfOpen: 100,
  synFloodMaxCompletedShare: 0.5,
  synRecvLifetime: 63,
  portScanMinPorts: 50,
  portScanMinFailedShare: 0.8,
  mslSeconds: 30,
};

interface Target {
  attempts: number;
  answered: number;
  completed: number;
  sources: Set<string>;
  /** Never-completed attempts by the second of their SYN. */
  openBySecond: Map<number, number>;
  /** SYNs by second, for the peak rate. */
  synsBySecond: Map<number, number>;
  firstFrame: number;
  firstTime: number;
  lastTime: number;
}

interface Scanner {
  ports: Set<number>;
  failed: number;
  attempts: number;
  firstFrame: number;
  targets: Set<string>;
}

const MAX_SOURCES_TRACKED = 100_000;

export class CaptureAnalysis {
  private readonly targets = new Map<string, Target>();
  private readonly scanners = new Map<string, Scanner>();
  /** Four-tuple → capture time its last connection entered TIME-WAIT. */
  private readonly timeWait = new Map<string, { at: number; id: number }>();

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
    if (this.timeWait.size > MAX_SOURCES_TRACKED) this.pruneTimeWait(conn.lastTime);
    if (conn.rolesInferred) return;
    const client = conn.endpointOf('client');
    const server = conn.endpointOf('server');
    if (!client.hasIsn) return;
    const completed = server.state !== 'SYN-RECEIVED' && conn.changes.some((c) => c.from === 'SYN-RECEIVED' && c.to === 'ESTABLISHED');
    const answered = server.hasIsn;
    const refused = server.sawRst && !answered;
    const dst = conn.address('server');
    const src = conn.address('client');
    const key = `${dst.ip.includes(':') ? `[${dst.ip}]` : dst.ip}:${dst.port}`;
    const synTime = conn.firstSec + conn.firstNsec / 1e9;
    let t = this.targets.get(key);
    if (t === undefined) {
      t = { attempts: 0, answered: 0, completed: 0, sources: new Set(), openBySecond: new Map(), synsBySecond: new Map(), firstFrame: conn.firstFrame, firstTime: synTime, lastTime: synTime };
      this.targets.set(key, t);
    }
    t.attempts++;
    if (answered) t.answered++;
    if (completed) t.completed++;
    if (t.sources.size < MAX_SOURCES_TRACKED) t.sources.add(src.ip);
    const second = Math.floor(synTime);
    t.synsBySecond.set(second, (t.synsBySecond.get(second) ?? 0) + 1);
    if (!completed && !refused) t.openBySecond.set(second, (t.openBySecond.get(second) ?? 0) + 1);
    t.lastTime = Math.max(t.lastTime, synTime);
    t.firstTime = Math.min(t.firstTime, synTime);

    let s = this.scanners.get(src.ip);
    if (s === undefined && this.scanners.size < MAX_SOURCES_TRACKED) {
      s = { ports: new Set(), failed: 0, attempts: 0, firstFrame: conn.firstFrame, targets: new Set() };
      this.scanners.set(src.ip, s);
    }
    if (s !== undefined) {
      s.attempts++;
      s.ports.add(dst.port);
      if (s.targets.size < 16) s.targets.add(dst.ip);
      if (!completed) s.failed++;
    }
  }

  /** The capture-wide findings, once every connection has ended. */
  findings(): Finding[] {
    const out: Finding[] = [];
    const o = this.opts;
    for (const [key, t] of this.targets) {
      const peak = peakAlive(t.openBySecond, o.synRecvLifetime);
      const completedShare = t.completed / t.attempts;
      if (peak.count < o.synFloodMinHalfOpen || completedShare > o.synFloodMaxCompletedShare) continue;
      let peakRate = 0;
      for (const n of t.synsBySecond.values()) peakRate = Math.max(peakRate, n);
      out.push({
        id: 'syn-flood',
        severity: 'error',
        frame: t.firstFrame,
        side: null,
        detail:
          `${key}: ${peak.count} half-open attempts (SYN seen, handshake never completed) alive at once within ${o.synRecvLifetime} s ` +
          `(threshold ${o.synFloodMinHalfOpen}); ${t.attempts} SYNs in ${(t.lastTime - t.firstTime).toFixed(1)} s, peak ${peakRate}/s, ` +
          `from ${t.sources.size} distinct sources; ${pct(t.answered, t.attempts)} answered by SYN,ACK, ${pct(t.completed, t.attempts)} completed`,
      });
    }
    for (const [ip, s] of this.scanners) {
      if (s.ports.size < o.portScanMinPorts || s.failed / s.attempts < o.portScanMinFailedShare) continue;
      out.push({
        id: 'port-scan',
        severity: 'warning',
        frame: s.firstFrame,
        side: null,
        detail: `${ip} tried ${s.ports.size} distinct destination ports on ${s.targets.size === 16 ? '16 or more' : s.targets.size} host(s); ${pct(s.failed, s.attempts)} of ${s.attempts} attempts were refused or unanswered (thresholds ${o.portScanMinPorts} ports, ${Math.round(o.portScanMinFailedShare * 100)} %)`,
      });
    }
    return out.sort((a, b) => a.frame - b.frame);
  }

  private pruneTimeWait(now: number): void {
    for (const [k, v] of this.timeWait) if (now - v.at > 2 * this.opts.mslSeconds) this.timeWait.delete(k);
  }
}

/** Largest number of attempts whose SYN fell within any window of `lifetime` seconds. */
function peakAlive(bySecond: Map<number, number>, lifetime: number): { count: number } {
  const seconds = [...bySecond.keys()].sort((a, b) => a - b);
  let best = 0;
  let sum = 0;
  let lo = 0;
  for (let hi = 0; hi < seconds.length; hi++) {
    sum += bySecond.get(seconds[hi] as number) ?? 0;
    while ((seconds[hi] as number) - (seconds[lo] as number) >= lifetime) sum -= bySecond.get(seconds[lo++] as number) ?? 0;
    best = Math.max(best, sum);
  }
  return { count: best };
}

function pct(n: number, of: number): string {
  return of === 0 ? '0 %' : `${Math.round((n / of) * 100)} %`;
}
