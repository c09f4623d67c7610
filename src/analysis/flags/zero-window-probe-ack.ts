/**
 * tcp.analysis.zero_window_probe_ack — "TCP ZeroWindowProbeAck".
 *
 * Set when all of the following are true (packet-tcp.c, tcp_analyze_sequence_number):
 * - the segment carries no payload;
 * - its raw window is 0, as was the last raw window of its direction;
 * - its sequence number is the next expected one and its ACK number the last one of its direction;
 * - the last segment of the other direction was a zero-window probe;
 * - none of SYN, FIN and RST is set.
 *
 * A zero-window-probe ACK is not also a duplicate ACK.
 */
import type { Segment } from '../../tcp/segment.js';
import { Flag } from './flag-bits.js';
import { repeatsLastAck, type WiresharkFlow } from './flow.js';

export function isZeroWindowProbeAck(seg: Segment, fwd: WiresharkFlow, rev: WiresharkFlow): boolean {
  return seg.win === 0 && fwd.window === 0 && (rev.lastSegmentFlags & Flag.zero_window_probe) !== 0 && repeatsLastAck(seg, fwd);
}
