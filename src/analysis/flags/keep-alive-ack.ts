/**
 * tcp.analysis.keep_alive_ack — "TCP Keep-Alive ACK".
 *
 * Set when all of the following are true (packet-tcp.c, tcp_analyze_sequence_number):
 * - the segment carries no payload;
 * - its raw window is not 0 and equals the last raw window of its direction;
 * - its sequence number is the next expected one and its ACK number the last one of its direction;
 * - the last segment of the other direction was a keep-alive;
 * - none of SYN, FIN and RST is set.
 *
 * A keep-alive ACK is not also a duplicate ACK (Wireshark skips the remaining forward checks).
 */
import type { Segment } from '../../tcp/segment.js';
import { Flag } from './flag-bits.js';
import { repeatsLastAck, type WiresharkFlow } from './flow.js';

export function isKeepAliveAck(seg: Segment, fwd: WiresharkFlow, rev: WiresharkFlow): boolean {
  return seg.win !== 0 && seg.win === fwd.window && (rev.lastSegmentFlags & Flag.keep_alive) !== 0 && repeatsLastAck(seg, fwd);
}
