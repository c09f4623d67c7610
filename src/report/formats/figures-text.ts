/**
 * The text report's performance lines: the capture's (handshake RTTs, resent payload, stalled
 * connections) and, per connection, tcptrace's per-direction figures as a two-column block.
 */
import { formatEndpoint } from '../../decode/format.js';
import type { ConnectionRecord, DirectionFigures, PerformanceSummary, RttFigures } from '../model.js';
import type { Style } from './style.js';

/** Seconds as milliseconds, three significant decimals below 10 ms. */
export function ms(s: number | null): string {
  if (s === null) return '-';
  const v = s * 1000;
  return `${v < 10 ? v.toFixed(3) : v.toFixed(1)} ms`;
}

function pct(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((part / whole) * 100).toFixed(1)} %`;
}

export function performanceLines(p: PerformanceSummary, st: Style): string[] {
  const out: string[] = ['', 'performance:'];
  const h = p.handshakeRtt;
  out.push(
    h.connections === 0
      ? '  handshake RTT: no connection with a complete handshake'
      : `  handshake RTT (Wireshark's iRTT) over ${h.connections} connection${h.connections === 1 ? '' : 's'}: min ${ms(h.min)}, median ${ms(h.median)}, p95 ${ms(h.p95)}, max ${ms(h.max)}`,
  );
  out.push(`  payload ${p.payloadBytes} bytes, of which resent ${p.retransmittedPayloadBytes} (${p.retransmittedShare === null ? '-' : `${(p.retransmittedShare * 100).toFixed(1)} %`})`);
  const s = p.stalled;
  out.push(s.count === 0 ? '  stalls (zero-window-stall, retransmission-timeout): none' : `  stalls (zero-window-stall, retransmission-timeout) in ${s.count} connection${s.count === 1 ? '' : 's'}:`);
  for (const c of s.connections) {
    out.push(`    connection ${c.id} (tcp.stream ${c.stream}) ${formatEndpoint(c.client)} → ${formatEndpoint(c.server)}`);
    for (const a of c.stalls) out.push(st.dim(`      ${a.id}, frame ${a.frame}: ${a.detail}`));
  }
  if (s.count > s.connections.length) out.push(st.dim(`    … and ${s.count - s.connections.length} more (--anomaly zero-window-stall or retransmission-timeout lists them)`));
  return out;
}

/** Whether a connection's figures have something to say beyond its byte counts: resends, probes, zero windows, reordering. */
export function figuresWorthShowing(c: ConnectionRecord): boolean {
  for (const d of [c.figures.client, c.figures.server]) {
    if (d.retransmittedPackets > 0 || d.zeroWindowProbes > 0 || d.zeroWindows > 0 || d.outOfOrderPackets > 0) return true;
  }
  return false;
}

function rtt(r: RttFigures): string {
  return r.samples === 0 ? '-' : `${ms(r.min)} / ${ms(r.avg)} / ${ms(r.max)} (${r.samples})`;
}

function options(d: DirectionFigures): string {
  const o: string[] = [];
  if (d.mss !== null) o.push(`MSS ${d.mss}`);
  if (d.windowScale !== null) o.push(`wscale ${d.windowScale}`);
  if (d.sackPermitted) o.push('SACK');
  if (d.timestamps) o.push('TS');
  return o.length === 0 ? '-' : o.join(', ');
}

/** The per-direction block: one row per figure, the client's sending then the server's. */
export function figuresBlock(c: ConnectionRecord, st: Style): string[] {
  const cl = c.figures.client;
  const sv = c.figures.server;
  const rows: [string, (d: DirectionFigures) => string][] = [
    ['payload (unique)', (d) => `${d.dataBytes} B in ${d.dataPackets} (${d.uniqueBytes} B unique)`],
    ['resent', (d) => (d.retransmittedPackets === 0 ? '0' : `${d.retransmittedPackets} pkt${d.retransmittedPackets === 1 ? '' : 's'}, ${d.retransmittedBytes} B (${pct(Math.max(0, d.dataBytes - d.uniqueBytes - d.zeroWindowProbeBytes), d.dataBytes)} of payload)`)],
    ['out of order', (d) => String(d.outOfOrderPackets)],
    ['RTT from ACKs min/avg/max', (d) => rtt(d.rtt)],
    ['RTT from timestamps', (d) => rtt(d.rttTimestamps)],
    ['window min/max', (d) => `${d.windowMin} / ${d.windowMax} B`],
    ['zero windows, probes', (d) => `${d.zeroWindows}, ${d.zeroWindowProbes}`],
    ['options seen', options],
    ['throughput', (d) => (d.throughput === null ? '-' : `${Math.round(d.throughput)} B/s`)],
  ];
  const label = Math.max(...rows.map(([l]) => l.length));
  const left = Math.max('client → server'.length, ...rows.map(([, f]) => f(cl).length));
  const out = [
    `  connection ${c.id} (tcp.stream ${c.stream}) ${formatEndpoint(c.client)} → ${formatEndpoint(c.server)}`,
    st.dim(`    ${''.padEnd(label)}  ${'client → server'.padEnd(left)}  server → client`),
  ];
  for (const [l, f] of rows) out.push(`    ${l.padEnd(label)}  ${f(cl).padEnd(left)}  ${f(sv)}`);
  return out;
}
