/**
 * The capture's performance summary (report/performance.ts) and the text report's figure lines:
 * nearest-rank percentiles, resent payload from tcptrace's figures, stalled connections kept by
 * lowest id whatever order connections end in.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DirectionStats } from '../../src/analysis/direction-stats.js';
import { directionFigures, type ConnectionRecord } from '../../src/report/model.js';
import { PerformanceTally, performanceOf } from '../../src/report/performance.js';
import { analyze } from '../support/analyze.js';
import { SAMPLES, runCli } from '../support/cli.js';

const TCPTRACE = join(SAMPLES, '..', 'test', 'fixtures', 'tcptrace', 'crafted');

function record(id: number, irtt: number | null, anomalies: string[] = []): ConnectionRecord {
  const none = directionFigures(new DirectionStats(), 0);
  return {
    id,
    stream: id - 1,
    client: { ip: '10.0.0.1', port: 1000 + id },
    server: { ip: '10.0.0.2', port: 80 },
    irtt,
    figures: { client: none, server: none },
    anomalies: anomalies.map((a) => ({ id: a, severity: 'warning', frame: id, side: 'server', detail: `${a} of ${id}` })),
  } as unknown as ConnectionRecord;
}

describe('performance summary', () => {
  test('handshake RTT: nearest-rank median and p95 over the connections with an iRTT', () => {
    const p = performanceOf([0.005, 0.001, null, 0.003, 0.002, 0.004].map((r, i) => record(i + 1, r)));
    expect(p.handshakeRtt).toEqual({ connections: 5, min: 0.001, median: 0.003, p95: 0.005, max: 0.005 });
    expect(performanceOf([]).handshakeRtt).toEqual({ connections: 0, min: null, median: null, p95: null, max: null });
  });

  test('resent payload: actual − unique − probe bytes per direction (karn: 700 sent, 500 unique)', async () => {
    const r = await analyze(join(TCPTRACE, 'karn.pcap'), 'karn');
    const p = performanceOf(r.connections);
    expect([p.payloadBytes, p.retransmittedPayloadBytes, p.retransmittedShare]).toEqual([700, 200, 0.285714]);
    const probes = performanceOf((await analyze(join(TCPTRACE, 'zero-window-probe-data.pcap'), 'z')).connections);
    // 202 bytes sent, 200 unique, the two probe bytes neither unique nor resent.
    expect([probes.payloadBytes, probes.retransmittedPayloadBytes]).toEqual([202, 0]);
  });

  test('stalled connections: the lowest ids in any arrival order, the rest counted; other anomalies are no stall', () => {
    const ids = Array.from({ length: 30 }, (_, i) => i + 1);
    for (const order of [ids, [...ids].reverse()]) {
      const t = new PerformanceTally();
      for (const id of order) t.add(record(id, null, id % 2 === 0 ? ['zero-window-stall', 'retransmission-timeout', 'retransmission-timeout'] : ['rst-abort']));
      const s = t.summary().stalled;
      expect(s.count).toBe(15);
      expect(s.connections.map((c) => c.id)).toEqual(ids.filter((id) => id % 2 === 0));
      expect(s.connections[0]?.stalls.map((a) => a.id)).toEqual(['zero-window-stall', 'retransmission-timeout']);
    }
  });
});

describe('text report', () => {
  test('zero-window: the stall under performance, and the per-direction block', async () => {
    const run = await runCli(['analyze', join(SAMPLES, 'kernel', 'zero-window.pcap')]);
    expect(run.stdout).toMatch(/performance:\n {2}handshake RTT \(Wireshark's iRTT\) over 1 connection: min 0\.0\d\d ms, median/);
    expect(run.stdout).toContain('  payload 65536 bytes, of which resent 0 (0.0 %)');
    expect(run.stdout).toMatch(/stalls \(zero-window-stall, retransmission-timeout\) in 1 connection:\n {4}connection 1 \(tcp\.stream 0\) 127\.0\.0\.1:\d+ → 127\.0\.0\.1:47212\n {6}zero-window-stall, frame 7: the server advertised a zero window for 1\.4\d\d s/);
    expect(run.stdout).toMatch(/ {4}zero windows, probes +0, 0 +2, 0\n/);
    expect(run.stdout).toMatch(/ {4}window min\/max +65536 \/ 65536 B +2048 \/ 4096 B\n/);
  });

  test('a connection with nothing to say gets no block unless chosen with --conn', async () => {
    const plain = await runCli(['analyze', join(SAMPLES, 'handshake-close.pcap')]);
    expect(plain.stdout).not.toContain("per direction (tcptrace -l's figures)");
    const chosen = await runCli(['analyze', join(SAMPLES, 'handshake-close.pcap'), '--conn', '1']);
    expect(chosen.stdout).toContain("per direction (tcptrace -l's figures):\n  connection 1 (tcp.stream 0)");
    expect(chosen.stdout).toMatch(/ {4}options seen +MSS 65495, wscale 10, SACK, TS +MSS 65495, wscale 10, SACK, TS\n/);
  });
});
