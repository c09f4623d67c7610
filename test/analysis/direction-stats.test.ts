/**
 * tcptrace's per-direction figures on captures crafted for their edge branches
 * (test/fixtures/tcptrace/craft.mjs) and on the Linux zero-window recording: every field
 * `tcptrace -l -r -n` prints that we report must print the same (test/fixtures/tcptrace/,
 * command and version in each file and in VERSION). Timestamp RTTs, which tcptrace does not
 * measure, are checked against the TSvals and times written in the scenarios.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { analyze } from '../support/analyze.js';
import { SAMPLES } from '../support/cli.js';
import { FIELDS, compare, parseTcptrace } from '../support/tcptrace.js';

const here = dirname(fileURLToPath(import.meta.url));
const DIR = join(here, '..', 'fixtures', 'tcptrace');

const CASES: [string, string, string][] = [
  // Every scenario of craft.mjs, each with its tcptrace output beside it.
  ...readdirSync(join(DIR, 'crafted'))
    .filter((f) => f.endsWith('.pcap'))
    .map((f): [string, string, string] => [f, join(DIR, 'crafted', f), join(DIR, 'crafted', f.replace(/\.pcap$/, '.tcptrace-lr.txt'))]),
  ['samples/kernel/zero-window', join(SAMPLES, 'kernel', 'zero-window.pcap'), join(DIR, 'samples', 'kernel', 'zero-window.pcap.tcptrace-lr.txt')],
];

describe('every figure equals tcptrace -l -r', () => {
  test('all eight crafted scenarios are here', () => {
    expect(CASES).toHaveLength(9);
  });
  test.each(CASES)('%s', async (name, pcap, oracle) => {
    const r = await analyze(pcap, name);
    const trace = parseTcptrace(readFileSync(oracle, 'utf8'));
    const { rows, skipped } = compare(name, r.connections, trace, Object.keys(FIELDS));
    expect(skipped).toEqual([]);
    expect(rows.length).toBeGreaterThan(40);
    expect(rows.filter((x) => !x.ok).map((x) => `${x.dir} ${x.field}: ours ${x.ours}, tcptrace ${x.theirs}`)).toEqual([]);
  });
});

describe('figures read off the scenarios', () => {
  const figures = async (name: string) => (await analyze(join(DIR, 'crafted', `${name}.pcap`), name)).connections[0]!.figures;

  test('timestamps: one sample per echoed TSval, the resend included (RFC 7323 §4: no Karn ambiguity); ACK samples skip the resend', async () => {
    const f = await figures('timestamps');
    // SYN TSval 1000 echoed at 10 ms; 1010 (30 ms) at 45; 1220 (the resend, 250 ms) at 258; 1300 (FIN, 300 ms) at 320.
    expect(f.client.rttTimestamps).toEqual({ samples: 4, min: 0.008, avg: 0.01325, max: 0.02 });
    expect(f.client.rtt).toEqual({ samples: 3, min: 0.01, avg: 0.015, max: 0.02 });
    // The server's SYN,ACK (5000, 10 ms) echoed at 20; its FIN (5320) echoed at 330.
    expect(f.server.rttTimestamps).toEqual({ samples: 2, min: 0.01, avg: 0.01, max: 0.01 });
  });

  test('zero-window probes with data are neither unique nor resent; the zero windows are counted', async () => {
    const f = await figures('zero-window-probe-data');
    expect([f.client.zeroWindowProbes, f.client.zeroWindowProbeBytes, f.client.uniqueBytes, f.client.retransmittedBytes, f.server.zeroWindows]).toEqual([2, 2, 200, 0, 2]);
  });

  test('options: MSS, the asked window scale, SACK-permitted, timestamps; no scale asked is null', async () => {
    const one = await figures('window-scale-one-side');
    expect([one.client.mss, one.client.windowScale, one.server.windowScale, one.client.sackPermitted, one.client.timestamps]).toEqual([1460, 7, null, false, false]);
    const ts = await figures('timestamps');
    expect([ts.server.mss, ts.server.windowScale, ts.server.sackPermitted, ts.server.timestamps]).toEqual([1400, 7, true, true]);
  });

  test('throughput is unique bytes over the connection\'s duration', async () => {
    const r = await analyze(join(DIR, 'crafted', 'karn.pcap'), 'karn');
    const c = r.connections[0]!;
    expect(c.figures.client.throughput).toBeCloseTo(500 / c.duration, 2);
  });
});

describe('bounds', () => {
  test('past 2,048 remembered segments the oldest half is forgotten: a resend of forgotten data counts as new, of remembered data as resent', async () => {
    const { ConnectionFigures, MAX_REMEMBERED_SEGMENTS } = await import('../../src/analysis/direction-stats.js');
    const { Segment } = await import('../../src/tcp/segment.js');
    const f = new ConnectionFigures();
    const seg = new Segment();
    // One direction only (no ACKs, as a one-sided capture shows it), ISN near 2^32 so the data wraps.
    const isn = 0xfffff000;
    const send = (rel: number, ms: number): void => {
      seg.seq = (isn + rel) >>> 0;
      seg.flags = 0x18; // PSH,ACK
      seg.len = 100;
      seg.tsSec = 1;
      seg.tsNsec = ms * 1e6;
      f.onSegment(seg, true);
    };
    const count = MAX_REMEMBERED_SEGMENTS + 10;
    for (let i = 0; i < count; i++) send(1 + i * 100, i / 10);
    expect(f.a.uniqueBytes).toBe(count * 100);
    send(1, 900); // forgotten: new again
    expect([f.a.uniqueBytes, f.a.retransmittedBytes]).toEqual([(count + 1) * 100, 0]);
    send(1 + (count - 1) * 100, 901); // the last one: remembered
    expect([f.a.uniqueBytes, f.a.retransmittedBytes, f.a.retransmittedPackets]).toEqual([(count + 1) * 100, 100, 1]);
  });
});
