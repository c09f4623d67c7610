/**
 * tcp.analysis.zero_window_probe — "TCP ZeroWindowProbe".
 *
 * Set when all of the following are true (packet-tcp.c, tcp_analyze_sequence_number, Wireshark 4.0):
 * - the segment carries exactly 1 byte of payload;
 * - its sequence number is the next expected one in its direction (nextseq);
 * - the last window seen from the other direction is 0.
 *
 * It is checked first: a zero-window probe takes no other flag of the forward checks, and it
 * does not advance nextseq (the byte is not yet accepted).
 */
import type { Segment } from '../../tcp/segment.js';
import type { WiresharkFlow } from './flow.js';

export function isZeroWindowProbe(seg: Segment, fwd: WiresharkFlow, rev: WiresharkFlow): boolean {
  return seg.len === 1 && seg.seq === fwd.nextSeq && rev.window === 0;
}
