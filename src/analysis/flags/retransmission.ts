/**
 * tcp.analysis.retransmission — "TCP Retransmission".
 *
 * Set when all of the following are true (packet-tcp.c, tcp_analyze_sequence_number):
 * - the segment carries payload, or SYN or FIN;
 * - it is not a keep-alive, nor a spurious or fast retransmission, nor out of order;
 * - its sequence number did not advance: the direction has a nextseq (not 0) and the sequence
 *   number is below it, except that a segment of more than one byte starting at nextseq − 1
 *   advances (the byte before may have been a zero-window probe).
 *
 * tshark also shows this field on fast and spurious retransmissions (see flag-bits.ts).
 */
import type { Segment } from '../../tcp/segment.js';
import { seqAdd, seqLt } from '../../tcp/seq.js';
import type { WiresharkFlow } from './flow.js';

/** Wireshark's `seq_not_advanced`. */
export function seqNotAdvanced(seg: Segment, fwd: WiresharkFlow): boolean {
  if (seg.len > 1 && seqAdd(fwd.nextSeq, -1) === seg.seq) return false;
  return fwd.nextSeq !== 0 && seqLt(seg.seq, fwd.nextSeq);
}
