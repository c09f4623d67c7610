/**
 * Wireshark's tcp.analysis flags, frame by frame, against tshark on every corpus capture.
 * Each remaining difference is listed below with the frames, so a change in either direction
 * fails the test: '+N' = we flag frame N and tshark does not, '-N' = tshark does and we do not.
 */
import { describe, expect, test } from 'vitest';
import { WIRESHARK_FLAGS } from '../../src/analysis/flags/flag-bits.js';
import { analyze } from '../support/analyze.js';
import { HAVE_CORPUS, SKIP_MESSAGE, corpusPath, manifest, readTsv } from '../support/corpus.js';

/** tshark 4.0 exports no tcp.analysis.zero_window_probe_ack field in the oracle TSVs. */
const COMPARED = WIRESHARK_FLAGS.filter((f) => f !== 'zero_window_probe_ack');

/**
 * Differences with tshark that tcplens keeps on purpose: none. (Listed here with the packet-tcp.c
 * line, should Wireshark ever contradict its own documented rule.)
 */
const KNOWN: Record<string, Partial<Record<(typeof COMPARED)[number], string>>> = {};

const entries = manifest().filter((e) => e.tcp_streams > 0);

if (!HAVE_CORPUS) {
  describe.skip(SKIP_MESSAGE, () => test('analysis flags', () => {}));
} else {
  describe('tcp.analysis flags equal tshark frame by frame (known differences listed)', () => {
    test.each(entries.map((e) => [e.file] as const))('%s', async (file) => {
      const r = await analyze(corpusPath(file), file);
      const ours = new Map<number, Set<string>>();
      for (const c of r.connections) for (const f of c.analysisFrames) ours.set(f.frame, new Set(f.flags));
      const diff: Record<string, string> = {};
      for (const row of readTsv(file, 'tshark-tcp.tsv')) {
        const frame = Number(row['frame.number']);
        for (const flag of COMPARED) {
          const theirs = (row[`tcp.analysis.${flag}`] ?? '') !== '';
          const mine = ours.get(frame)?.has(flag) ?? false;
          if (theirs !== mine) diff[flag] = `${diff[flag] ? `${diff[flag]} ` : ''}${mine ? '+' : '-'}${frame}`;
        }
      }
      expect(diff).toEqual(KNOWN[file] ?? {});
    });
  });
}
