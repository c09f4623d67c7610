/**
 * tshark's per-frame view of a capture (test/fixtures/wireshark/oracle.sh, tshark 4.0.17) set
 * beside tcplens's: tcp.stream, the scaled window, every tcp.analysis flag, the duplicate-ACK
 * number and frame, the ACKed frame and its RTT, bytes in flight, and each stream's initial RTT.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WIRESHARK_FLAGS } from '../../src/analysis/flags/flag-bits.js';
import { wiresharkView, type FrameView } from '../../bench/wireshark-view.js';
import type { CaptureSource } from '../../src/capture/open-capture.js';
import { analyzeCapture } from '../../src/pipeline.js';

export const ORACLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'wireshark');

export type { FrameView };

export const COMPARED_FIELDS = [
  'tcp.stream',
  'tcp.window_size',
  'tcp.window_size_scalefactor',
  'tcp.analysis.acks_frame',
  'tcp.analysis.ack_rtt',
  'tcp.analysis.bytes_in_flight',
  'tcp.analysis.duplicate_ack_num',
  'tcp.analysis.duplicate_ack_frame',
  ...WIRESHARK_FLAGS.map((f) => `tcp.analysis.${f}`),
  'tcp.analysis.initial_rtt',
] as const;

export function readOracle(path: string): Map<number, FrameView> {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
  const header = (lines.shift() ?? '').split('\t');
  const frames = new Map<number, FrameView>();
  for (const line of lines) {
    const cells = line.split('\t');
    const row: FrameView = {};
    header.forEach((h, i) => (row[h] = cells[i] ?? ''));
    // tshark prints a flag field as its expert message text; only its presence matters.
    for (const f of WIRESHARK_FLAGS) if (row[`tcp.analysis.${f}`]) row[`tcp.analysis.${f}`] = '1';
    frames.set(Number(row['frame.number']), row);
  }
  return frames;
}

/** tcplens's view of every TCP frame. */
export async function tcplensView(source: CaptureSource): Promise<Map<number, FrameView>> {
  const frames = new Map<number, FrameView>();
  await analyzeCapture(source, typeof source === 'string' ? source : '<stream>', {}, {
    collect: false,
    onFrame(frame, packet, conn, a, fromA) {
      if (conn !== null && a !== null) frames.set(frame.frame, wiresharkView(conn, packet, a, fromA));
    },
  });
  return frames;
}

/**
 * The differences as `field: ±frame …` ('+N' = tcplens has a value tshark has not, or another
 * one; '-N' = tshark has one tcplens has not). Frames tcplens did not read as TCP are left to
 * the frames suite.
 */
export function differences(theirs: Map<number, FrameView>, ours: Map<number, FrameView>): Record<string, string> {
  const diff: Record<string, string> = {};
  for (const [frame, t] of theirs) {
    const o = ours.get(frame);
    if (o === undefined) continue;
    // tshark prints the stream's initial RTT only on frames with some analysis to show
    // (tcp_print_sequence_number_analysis returns early without a tcp_acked struct).
    const shown = t['tcp.analysis.initial_rtt'] !== '' || COMPARED_FIELDS.some((f) => f.startsWith('tcp.analysis.') && f !== 'tcp.analysis.initial_rtt' && t[f] !== '');
    for (const field of COMPARED_FIELDS) {
      const tv = t[field] ?? '';
      const ov = o[field] ?? '';
      if (tv === ov || (field === 'tcp.analysis.initial_rtt' && !shown)) continue;
      const mark = ov === '' ? `-${frame}` : tv === '' ? `+${frame}` : `${frame}(${ov}≠${tv})`;
      diff[field] = diff[field] ? `${diff[field]} ${mark}` : mark;
    }
  }
  return diff;
}
