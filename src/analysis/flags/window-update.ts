/**
 * tcp.analysis.window_update — "TCP Window Update".
 *
 * Set when all of the following are true (packet-tcp.c, tcp_analyze_sequence_number):
 * - the segment carries no payload;
 * - its raw window is not 0 and differs from the last raw window of its direction;
 * - its sequence number is the next expected one (nextseq);
 * - its ACK number equals the last ACK number of its direction;
 * - none of SYN, FIN and RST is set.
 *
 * Until its direction has sent a segment, the "last window" is Wireshark's G_MAXUINT32, so the
 * first pure ACK of a side can be a window update when its numbers happen to match.
 */
import type { Segment } from '../../tcp/segment.js';
import { repeatsLastAck, type WiresharkFlow } from './flow.js';

export function isWindowUpdate(seg: Segment, fwd: WiresharkFlow): boolean {
  return seg.win !== 0 && seg.win !== fwd.window && repeatsLastAck(seg, fwd);
}
