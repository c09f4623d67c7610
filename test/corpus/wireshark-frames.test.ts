/**
 * tshark's per-frame TCP view, field by field, on every corpus capture: tcp.stream, the scaled
 * window and its scale factor, every tcp.analysis flag (zero_window_probe_ack included, which the
 * corpus's own TSVs lack), the duplicate-ACK number and frame, the ACKed frame and its RTT, bytes
 * in flight, and the initial RTT. The oracle files are tshark 4.0.17's, made by
 * test/fixtures/wireshark/oracle.sh; no differences are allowed.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { analyzeCapture } from '../../src/pipeline.js';
import { HAVE_CORPUS, SKIP_MESSAGE, corpusPath } from '../support/corpus.js';
import { ORACLE_DIR, differences, readOracle, tcplensView } from '../support/wireshark-oracle.js';

/**
 * Differences kept on purpose, each with its cause; none is in TCP analysis. The reader carries
 * a sub-second field past one second into the seconds, with a warning (see frames.test.ts);
 * tshark keeps the raw fields, so the RTTs across that frame differ.
 */
const KNOWN: Record<string, Record<string, string>> = {
  'tcpdump/timestamp_invalid_micro.pcap': { 'tcp.analysis.ack_rtt': '3(2146.483648000≠-0.1000000000)', 'tcp.analysis.initial_rtt': '3(2147.483649000≠0.000001000)' },
};

const dir = join(ORACLE_DIR, 'corpus');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.tsv'))
  .map((f) => ({ oracle: join(dir, f), capture: f.slice(0, -'.tsv'.length).replaceAll('~', '/') }))
  .filter((e) => readOracle(e.oracle).size > 0);

if (!HAVE_CORPUS) {
  describe.skip(SKIP_MESSAGE, () => test('wireshark frames', () => {}));
} else {
  describe('every TCP frame of the corpus as tshark shows it', () => {
    test('the oracles cover the corpus captures with TCP', () => {
      expect(files.length).toBeGreaterThan(80);
      for (const f of files) expect(existsSync(corpusPath(f.capture)), f.capture).toBe(true);
    });
    test.each(files.map((f) => [f.capture, f] as const))('%s', async (_name, f) => {
      const theirs = readOracle(f.oracle);
      const ours = await tcplensView(corpusPath(f.capture));
      expect(differences(theirs, ours)).toEqual(KNOWN[f.capture] ?? {});
    });
  });
}

if (HAVE_CORPUS) {
  describe('ladder segments number and scale as tshark does (tcp.seq, tcp.ack, tcp.window_size)', () => {
    test.each(files.map((f) => [f.capture, f] as const))('%s', async (_name, f) => {
      const theirs = readOracle(f.oracle);
      const r = await analyzeCapture(corpusPath(f.capture), f.capture, {}, { segmentBudget: { perConnection: 1e6, total: 1e7 } });
      const diff: string[] = [];
      for (const segs of r.segments.values()) {
        for (const s of segs) {
          const t = theirs.get(s.frame);
          if (t === undefined) continue;
          const ack = s.relAck === null ? '' : String(s.relAck);
          // tshark prints tcp.ack as 0 without the ACK flag; its window_size is the scaled one.
          if (String(s.relSeq) !== t['tcp.seq'] || (s.relAck !== null && ack !== t['tcp.ack'])) diff.push(`${s.frame}: seq/ack ${s.relSeq}/${ack} ≠ ${t['tcp.seq']}/${t['tcp.ack']}`);
          if (String(s.windowSize) !== t['tcp.window_size']) diff.push(`${s.frame}: window ${s.windowSize} ≠ ${t['tcp.window_size']}`);
        }
      }
      expect(diff).toEqual([]);
    });
  });
}
