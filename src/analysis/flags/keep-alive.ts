/**
 * tcp.analysis.keep_alive — "TCP Keep-Alive".
 *
 * Set when all of the following are true (packet-tcp.c, tcp_analyze_sequence_number):
 * - the segment carries 0 or 1 byte of payload;
 * - its sequence number is one below the next expected one (nextseq − 1, modulo 2^32);
 * - none of SYN, FIN and RST is set.
 *
 * A keep-alive is never a retransmission or out of order.
 */
import { TcpFlag } from '../../decode/fields.js';
import type { Segment } from '../../tcp/segment.js';
import { seqAdd } from '../../tcp/seq.js';
import type { WiresharkFlow } from './flow.js';

export function isKeepAlive(seg: Segment, fwd: WiresharkFlow): boolean {
  return (seg.len === 0 || seg.len === 1) && seg.seq === seqAdd(fwd.nextSeq, -1) && (seg.flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) === 0;
}
