/**
 * tcp.analysis.duplicate_ack — "Duplicate ACK (#n)", with tcp.analysis.duplicate_ack_num (n)
 * and tcp.analysis.duplicate_ack_frame (the frame it duplicates).
 *
 * Set when all of the following are true (packet-tcp.c, tcp_analyze_sequence_number):
 * - the segment carries no payload;
 * - its raw window is not 0 and equals the last raw window of its direction;
 * - its sequence number is the next expected one and its ACK number the last one of its direction;
 * - none of SYN, FIN and RST is set;
 * - it is not a keep-alive ACK or zero-window-probe ACK (those are tested first).
 *
 * The count goes up by one per duplicate (from −1, after an "ACKed unseen segment", it restarts
 * at 1) and returns to 0 when the direction's ACK number changes; the frame it duplicates is the
 * last one that changed the ACK number. (MPTCP's tolerated duplicates are not modelled.)
 */
import type { Segment } from '../../tcp/segment.js';
import { DUP_ACK_AFTER_UNSEEN, repeatsLastAck, type WiresharkFlow } from './flow.js';

export function isDuplicateAck(seg: Segment, fwd: WiresharkFlow): boolean {
  return seg.win !== 0 && seg.win === fwd.window && repeatsLastAck(seg, fwd);
}

/** Counts one more duplicate in the direction; returns its number. */
export function countDuplicateAck(fwd: WiresharkFlow): number {
  fwd.dupAckNum = fwd.dupAckNum === DUP_ACK_AFTER_UNSEEN ? 1 : (fwd.dupAckNum + 1) >>> 0;
  return fwd.dupAckNum;
}
