/**
 * time-wait-reuse: a new connection on a four-tuple whose previous connection entered TIME-WAIT
 * less than 2×MSL before. Capture-scoped (it links two connections), reported on the new one.
 * RFC 9293 §3.10.7.4 / RFC 6191: a SYN in TIME-WAIT may reopen the connection only when its
 * sequence number (or timestamp) is above the old connection's; otherwise old duplicates may be
 * taken as new data. Memory: the TIME-WAIT entries of the last 2×MSL, pruned once they doubled.
 */
import { defineAnomaly, type Finding } from '../anomaly.js';
import type { CaptureRuleOptions } from '../options.js';

interface State {
  opts: CaptureRuleOptions;
  /** Four-tuple → capture time its last connection entered TIME-WAIT, and that connection. */
  timeWait: Map<string, { at: number; id: number }>;
  /** Prune when the map grows past this (no rescan per connection). */
  pruneAt: number;
}

const MIN_PRUNE_AT = 10_000;

export default defineAnomaly({
  id: 'time-wait-reuse',
  scope: 'capture',
  severity: 'warning',
  rfc: 'RFC 9293 §3.10.7.4 (SYN in TIME-WAIT), RFC 6191',
  doc: `Set on a connection when all of the following are true:
        - its first packet is a SYN (without ACK)
        - an earlier connection on the same four-tuple entered TIME-WAIT less than 2×MSL (--msl, 2 × 30 s)
          before that SYN
        The four-tuple reused within 2×MSL of TIME-WAIT.`,

  create(opts: CaptureRuleOptions): State {
    return { opts, timeWait: new Map(), pruneAt: MIN_PRUNE_AT };
  },

  onConnectionStart(state, conn, firstTime, firstIsSyn): Finding | null {
    const prior = state.timeWait.get(conn.key);
    if (prior === undefined || !firstIsSyn) return null;
    state.timeWait.delete(conn.key);
    const gap = firstTime - prior.at;
    const twoMsl = 2 * state.opts.mslSeconds;
    if (gap >= twoMsl) return null;
    return {
      id: 'time-wait-reuse',
      severity: 'warning',
      frame: conn.firstFrame,
      side: null,
      detail: `connection ${conn.id} reuses the four-tuple of connection ${prior.id} ${gap.toFixed(3)} s after it entered TIME-WAIT, within 2×MSL = ${twoMsl} s`,
    };
  },

  onConnectionEnd(state, conn) {
    for (const c of conn.changes) {
      if (c.to === 'TIME-WAIT') state.timeWait.set(conn.key, { at: c.tsSec + c.tsNsec / 1e9, id: conn.id });
    }
    if (state.timeWait.size > state.pruneAt) {
      const now = conn.lastTime;
      for (const [k, v] of state.timeWait) if (now - v.at > 2 * state.opts.mslSeconds) state.timeWait.delete(k);
      state.pruneAt = Math.max(MIN_PRUNE_AT, 2 * state.timeWait.size);
    }
  },
});
