/**
 * The graphs' arithmetic outside the browser (views/assets/graphs.js run in a vm context):
 * the RTT graph's samples replay Wireshark's tcp.analysis.acks_frame rule, checked against
 * tshark's acks_frame for every frame of corpus captures with retransmissions, duplicate ACKs,
 * SACK and lost segments. The drawing itself is tested in Chromium (test/browser/graphs.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import { analyzeCapture, type SegmentRecord } from '../../src/pipeline.js';
import type { ConnectionRecord } from '../../src/report/model.js';
import { ROOT } from '../support/cli.js';
import { corpusPath, HAVE_CORPUS, readTsv, SKIP_MESSAGE } from '../support/corpus.js';

interface RttSample { frame: number; acks: number; t: number; rtt: number; from: 'client' | 'server' }
interface Graphs { rttSamples(segments: SegmentRecord[]): RttSample[] }

function loadGraphs(): Graphs {
  const sandbox: { globalThis?: unknown; tcplensGraphs?: Graphs } = {};
  sandbox.globalThis = sandbox;
  runInNewContext(readFileSync(join(ROOT, 'views', 'assets', 'graphs.js'), 'utf8'), sandbox);
  return sandbox.tcplensGraphs as Graphs;
}

async function connections(path: string): Promise<{ record: ConnectionRecord; segments: SegmentRecord[] }[]> {
  const out: { record: ConnectionRecord; segments: SegmentRecord[] }[] = [];
  await analyzeCapture(path, path, {}, { collect: false, keepSegmentsOf: { has: () => true } as unknown as ReadonlySet<number>, onConnection: (record, segments) => out.push({ record, segments: segments ?? [] }) });
  return out;
}

test('a crafted exchange: the ACK of a segment\'s end gives the sample; a partial ACK trims; a cumulative ACK drops the rest', () => {
  const g = loadGraphs();
  const seg = (frame: number, t: number, from: 'client' | 'server', seq: number, ack: number, len: number, flags = 0x10) => ({ frame, t, from, seq, ack, len, flags }) as SegmentRecord;
  const samples = g.rttSamples([
    seg(1, 0, 'client', 0xfffffff0, 0, 0, 0x02), // SYN near the wrap
    seg(2, 0.010, 'server', 500, 0xfffffff1, 0, 0x12), // SYN,ACK: acknowledges the SYN's end (1 → sample)
    seg(3, 0.011, 'client', 0xfffffff1, 501, 100), // 100 bytes across the wrap
    seg(4, 0.012, 'client', 0x55, 501, 100),
    seg(5, 0.030, 'server', 501, 0x55 - 50, 0), // inside frame 4? no: inside frame 3 → trims it, no sample
    seg(6, 0.040, 'server', 501, 0x55, 0), // frame 3's end exactly → sample of frame 3
    seg(7, 0.050, 'server', 501, 0xb9 + 10, 0), // beyond frame 4's end: dropped, no sample
  ]);
  expect(samples.map((s) => [s.frame, s.acks, s.from, Number(s.rtt.toFixed(6))])).toEqual([
    [2, 1, 'client', 0.01],
    [3, 2, 'server', 0.001], // the client's first data acknowledges the SYN,ACK
    [6, 3, 'client', 0.029],
  ]);
});

describe.skipIf(!HAVE_CORPUS)(HAVE_CORPUS ? 'the RTT samples against tshark 4.0.17 (tcp.analysis.acks_frame in .tshark-tcp.tsv)' : SKIP_MESSAGE, () => {
  test.each(['pcapplusplus/one_tcp_stream.pcap', 'zeek/tcp/ssh-dups.pcap', 'zeek/tcp/reassembly.pcap', 'zeek/http/get.pcap', 'zeek/tcp/miss_end_data.pcap'])('%s', async (file) => {
    const g = loadGraphs();
    const tshark = new Map<number, number>();
    const times = new Map<number, number>();
    for (const row of readTsv(file, 'tshark-tcp.tsv')) {
      times.set(Number(row['frame.number']), Number(row['frame.time_epoch']));
      if (row['tcp.analysis.acks_frame']) tshark.set(Number(row['frame.number']), Number(row['tcp.analysis.acks_frame']));
    }
    expect(tshark.size).toBeGreaterThan(0);
    const ours = new Map<number, RttSample>();
    for (const { segments } of await connections(corpusPath(file))) for (const s of g.rttSamples(segments)) ours.set(s.frame, s);
    expect(new Map([...ours].map(([f, s]) => [f, s.acks]))).toEqual(tshark);
    // The RTT is the two frames' time difference (tcp.analysis.ack_rtt).
    for (const [frame, s] of ours) expect(s.rtt).toBeCloseTo((times.get(frame) as number) - (times.get(s.acks) as number), 6);
  });
});
