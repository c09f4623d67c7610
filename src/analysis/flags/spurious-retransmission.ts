/**
 * tcp.analysis.spurious_retransmission — "TCP Spurious Retransmission" (also shown as a
 * retransmission).
 *
 * Set when all of the following are true (packet-tcp.c, tcp_analyze_sequence_number):
 * - the segment carries payload, or SYN or FIN;
 * - it is not a keep-alive;
 * - it carries payload, the other direction has sent an ACK number (not 0), and the segment
 *   ends at or before that ACK number: every byte was already acknowledged.
 *
 * Tested before the other retransmission kinds, and without asking whether the sequence number
 * advanced.
 */
import type { Segment } from '../../tcp/segment.js';
import { seqAdd, seqLeq } from '../../tcp/seq.js';
import type { WiresharkFlow } from './flow.js';

export function isSpuriousRetransmission(seg: Segment, rev: WiresharkFlow): boolean {
  return seg.len > 0 && rev.lastAck !== 0 && seqLeq(seqAdd(seg.seq, seg.len), rev.lastAck);
}
