/**
 * tcp.analysis.window_full — "TCP Window Full".
 *
 * Set when all of the following are true (packet-tcp.c, tcp_analyze_sequence_number):
 * - the segment carries payload;
 * - the other direction's window scale is not unknown (its handshake option was seen, or
 *   scaling is known to be off);
 * - the segment ends exactly at the edge of the window the other direction last advertised:
 *   seq + len = its last ACK + (its raw window << its scale), where the scale is not applied
 *   while that direction has sent no pure ACK since its SYN (is_first_ack, issue 14690) or when
 *   scaling is off;
 * - none of SYN, FIN and RST is set.
 */
import { TcpFlag } from '../../decode/fields.js';
import type { Segment } from '../../tcp/segment.js';
import { seqAdd } from '../../tcp/seq.js';
import { WINDOW_SCALE_NONE, WINDOW_SCALE_UNKNOWN, type WiresharkFlow } from './flow.js';

export function isWindowFull(seg: Segment, rev: WiresharkFlow): boolean {
  if (seg.len === 0 || rev.winScale === WINDOW_SCALE_UNKNOWN) return false;
  if ((seg.flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) !== 0) return false;
  const shift = rev.isFirstAck || rev.winScale === WINDOW_SCALE_NONE ? 0 : rev.winScale;
  // C: guint32 window << shift, then added to lastack, all modulo 2^32 (the product is below 2^53).
  const edge = seqAdd(rev.lastAck, (rev.window * 2 ** shift) >>> 0);
  return seqAdd(seg.seq, seg.len) === edge;
}
