/**
 * tcp.analysis.fast_retransmission — "TCP Fast Retransmission" (also shown as a retransmission).
 *
 * Set when all of the following are true (packet-tcp.c, tcp_analyze_sequence_number, with the
 * default preference tcp_fastrt_precedence = TRUE, so it is tested before out-of-order):
 * - the segment carries payload, or SYN or FIN, and is neither a keep-alive nor spurious;
 * - its sequence number did not advance (see retransmission.ts);
 * - the other direction has sent at least 2 duplicate ACKs in a row;
 * - the other direction's last ACK number equals this sequence number;
 * - less than 20 ms have passed since the other direction's last ACK.
 */
import type { Segment } from '../../tcp/segment.js';
import type { WiresharkFlow } from './flow.js';
import { elapsedNs } from './nstime.js';

/** Wireshark's fast-retransmission window, in nanoseconds. */
export const FAST_RETRANSMISSION_WINDOW_NS = 20_000_000;

export function isFastRetransmission(seg: Segment, seqNotAdvanced: boolean, rev: WiresharkFlow): boolean {
  return (
    seqNotAdvanced &&
    rev.dupAckNum >= 2 &&
    rev.lastAck === seg.seq &&
    elapsedNs(seg.tsSec, seg.tsNsec, rev.lastAckSec, rev.lastAckNsec) < FAST_RETRANSMISSION_WINDOW_NS
  );
}
