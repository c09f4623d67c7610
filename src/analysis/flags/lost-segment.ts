/**
 * tcp.analysis.lost_segment — "Previous segment(s) not captured".
 *
 * Set when all of the following are true (packet-tcp.c, tcp_analyze_sequence_number):
 * - a segment was seen before in this direction (nextseq is not 0);
 * - the sequence number is beyond nextseq (a hole before it);
 * - RST is not set.
 *
 * It also stops bytes in flight being computed for this direction until the other side ACKs.
 */
import { TcpFlag } from '../../decode/fields.js';
import type { Segment } from '../../tcp/segment.js';
import { seqGt } from '../../tcp/seq.js';
import type { WiresharkFlow } from './flow.js';

export function isLostSegment(seg: Segment, fwd: WiresharkFlow): boolean {
  return fwd.nextSeq !== 0 && seqGt(seg.seq, fwd.nextSeq) && (seg.flags & TcpFlag.RST) === 0;
}
