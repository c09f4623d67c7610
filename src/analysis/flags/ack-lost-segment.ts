/**
 * tcp.analysis.ack_lost_segment — "ACKed segment that wasn't captured".
 *
 * Set when all of the following are true (packet-tcp.c, tcp_analyze_sequence_number):
 * - the ACK flag is set;
 * - the other direction has a "max seq to be acked" (the end of its contiguous data seen, not 0);
 * - the ACK number is beyond it;
 * - and either the other direction's nextseq is beyond that mark (the mark then jumps to
 *   nextseq, so the same hole is reported once), or the mark already is at nextseq and the
 *   other direction has counted no duplicate ACK since (its count is then set to −1, so a
 *   stalled direction sending pure ACKs is reported once).
 *
 * The count is a guint32 in packet-tcp.h, so that −1 is 4294967295: it also satisfies the
 * fast-retransmission test "at least 2 duplicate ACKs" (tshark flags a FIN resent right after
 * such an ACK as a fast retransmission; zeek/tcp/reassembly.pcap frames 8, 10, 12).
 */
import { TcpFlag } from '../../decode/fields.js';
import type { Segment } from '../../tcp/segment.js';
import { seqGt, seqLt } from '../../tcp/seq.js';
import { DUP_ACK_AFTER_UNSEEN, type WiresharkFlow } from './flow.js';

/** Applies the rule (it moves the other direction's mark); returns whether the flag is set. */
export function checkAckLostSegment(seg: Segment, rev: WiresharkFlow): boolean {
  if (rev.maxSeqToBeAcked === 0 || !seqGt(seg.ack, rev.maxSeqToBeAcked) || (seg.flags & TcpFlag.ACK) === 0) return false;
  if (seqLt(rev.maxSeqToBeAcked, rev.nextSeq)) {
    rev.maxSeqToBeAcked = rev.nextSeq;
    return true;
  }
  const flagged = rev.dupAckNum === 0;
  rev.dupAckNum = DUP_ACK_AFTER_UNSEEN;
  return flagged;
}
