/**
 * port-scan: one source trying many destination ports, mostly refused or unanswered.
 * Capture-scoped: counted per source as connections end, in bounded memory (a BoundedTable of
 * sources; per source a CappedSet of ports and one of hosts). nmap's SYN scan (-sS) is the
 * model: one SYN per port, a RST from a closed port, nothing from a filtered one, and the
 * scanner's RST after a SYN,ACK from an open one (never completed).
 */
import { defineAnomaly, type Finding } from '../anomaly.js';
import { BoundedTable, CappedSet } from '../bounded.js';
import { handshakeOutcome } from '../handshake-outcome.js';
import type { CaptureRuleOptions } from '../options.js';
import { percent } from '../wording.js';

/** Sources followed at once. */
const MAX_SCANNERS = 100_000;
/** Distinct destination hosts counted per source ("16 or more" past it). */
const MAX_SCAN_TARGETS = 16;
const ALL_PORTS = 65_536;

interface Scanner {
  ports: CappedSet<number>;
  hosts: CappedSet<string>;
  failed: number;
  attempts: number;
  firstFrame: number;
}

interface State {
  opts: CaptureRuleOptions;
  scanners: BoundedTable<string, Scanner>;
}

export default defineAnomaly({
  id: 'port-scan',
  scope: 'capture',
  severity: 'warning',
  rfc: 'RFC 9293 §3.10.7.1 (a SYN to a closed port is answered by RST)',
  doc: `Set per source address when all of the following are true:
        - it opened connections (sent SYNs) to at least --port-scan-min-ports (50) distinct destination ports
        - at least --port-scan-min-failed (80 %) of those attempts never completed their handshake (refused
          by RST or unanswered)
        One source trying many destination ports, mostly refused or unanswered: a port scan.`,

  create(opts: CaptureRuleOptions): State {
    // When full, sources that tried a single port go first: they cannot be scanning.
    return { opts, scanners: new BoundedTable<string, Scanner>(MAX_SCANNERS, [(s) => s.ports.size === 1]) };
  },

  onConnectionEnd(state, conn) {
    const outcome = handshakeOutcome(conn);
    if (outcome === null) return;
    const dst = conn.address('server');
    const s = state.scanners.obtain(conn.address('client').ip, () => ({
      ports: new CappedSet<number>(ALL_PORTS),
      hosts: new CappedSet<string>(MAX_SCAN_TARGETS),
      failed: 0,
      attempts: 0,
      firstFrame: conn.firstFrame,
    }));
    if (s === undefined) return;
    s.attempts++;
    s.ports.add(dst.port);
    s.hosts.add(dst.ip);
    if (!outcome.completed) s.failed++;
  },

  findings(state): Finding[] {
    const out: Finding[] = [];
    const o = state.opts;
    for (const [ip, s] of state.scanners.entries) {
      const ports = s.ports.size;
      if (ports < o.portScanMinPorts || s.failed / s.attempts < o.portScanMinFailedShare) continue;
      const hosts = s.hosts.overflow ? `more than ${MAX_SCAN_TARGETS}` : String(s.hosts.size);
      out.push({
        id: 'port-scan',
        severity: 'warning',
        frame: s.firstFrame,
        side: null,
        detail: `${ip} tried ${ports} distinct destination ports on ${hosts} host(s); ${percent(s.failed, s.attempts)} of ${s.attempts} attempts were refused or unanswered (thresholds ${o.portScanMinPorts} ports, ${Math.round(o.portScanMinFailedShare * 100)} %)`,
      });
    }
    return out;
  },
});
