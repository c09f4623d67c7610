/**
 * The options a segment record carries (the ladder shows them on SYNs; the time-sequence graph
 * draws SACK blocks), checked against tshark's reading of the same frames.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { analyzeCapture, type SegmentRecord } from '../../src/pipeline.js';
import { SAMPLES } from '../support/cli.js';
import { corpusPath, HAVE_CORPUS, SKIP_MESSAGE } from '../support/corpus.js';

async function segmentsOf(path: string): Promise<SegmentRecord[][]> {
  const out: SegmentRecord[][] = [];
  await analyzeCapture(path, path, {}, { collect: false, keepSegmentsOf: { has: () => true } as unknown as ReadonlySet<number>, onConnection: (_r, segments) => out.push(segments ?? []) });
  return out;
}

const pick = (s: SegmentRecord | undefined) => s && { frame: s.frame, mss: s.mss, wscale: s.wscale, sackPermitted: s.sackPermitted, tfo: s.tfo, tsval: s.tsval, tsecr: s.tsecr };

test('samples/kernel/tfo.pcap: MSS, window scale, SACK-permitted, timestamps and the Fast Open request and cookie', async () => {
  const [first] = await segmentsOf(join(SAMPLES, 'kernel', 'tfo.pcap'));
  // tshark -r samples/kernel/tfo.pcap -T fields -e frame.number -e tcp.options.mss_val -e tcp.options.wscale.shift
  //   -e tcp.options.sack_perm -e tcp.options.tfo.request -e tcp.options.tfo.cookie -e tcp.options.timestamp.tsval
  //   -e tcp.options.timestamp.tsecr    (TShark (Wireshark) 4.0.17, Debian 12)
  // 1  65495  10  0402  1                   3760651115  0
  // 2  65495  10  0402     168012065db00a3e 3782031977  3760651115
  // 3                                       3760651115  3782031977
  expect(first?.slice(0, 3).map(pick)).toEqual([
    { frame: 1, mss: 65495, wscale: 10, sackPermitted: true, tfo: 0, tsval: 3760651115, tsecr: 0 },
    { frame: 2, mss: 65495, wscale: 10, sackPermitted: true, tfo: 8, tsval: 3782031977, tsecr: 3760651115 },
    { frame: 3, mss: undefined, wscale: undefined, sackPermitted: undefined, tfo: undefined, tsval: 3760651115, tsecr: 3782031977 },
  ]);
});

describe.skipIf(!HAVE_CORPUS)(HAVE_CORPUS ? 'corpus' : SKIP_MESSAGE, () => {
  test('pcapplusplus/one_tcp_stream.pcap: SACK blocks relative to the peer\'s base, as tshark shows them', async () => {
    const [segments] = await segmentsOf(corpusPath('pcapplusplus/one_tcp_stream.pcap'));
    // tshark -r one_tcp_stream.pcap -Y tcp.options.sack_le -T fields -e frame.number -e tcp.options.sack_le
    //   -e tcp.options.sack_re -e tcp.ack    (TShark 4.0.17)
    // 9 1452 2872 2872 · 18 2871 2872 2872 · 27 8529 9949 9949
    const withSack = (segments ?? []).filter((s) => s.sack !== undefined).map((s) => [s.frame, ...(s.sack as number[]), s.relAck]);
    expect(withSack).toEqual([[9, 1452, 2872, 2872], [18, 2871, 2872, 2872], [27, 8529, 9949, 9949]]);
  });
});
