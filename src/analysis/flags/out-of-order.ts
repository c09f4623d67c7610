/**
 * tcp.analysis.out_of_order — "TCP Out-Of-Order".
 *
 * Set when all of the following are true (packet-tcp.c, tcp_analyze_sequence_number):
 * - the segment carries payload, or SYN or FIN, and is neither a keep-alive, spurious nor a fast
 *   retransmission;
 * - its sequence number did not advance (see retransmission.ts);
 * - it came less than the threshold after the segment that set the direction's nextseq: the
 *   connection's initial RTT (tcp.analysis.initial_rtt) once known, else 3 ms;
 * - it does not end exactly at nextseq (seq + len, plus one for SYN or FIN ≠ nextseq).
 */
import { TcpFlag } from '../../decode/fields.js';
import type { Segment } from '../../tcp/segment.js';
import { seqAdd } from '../../tcp/seq.js';
import type { WiresharkFlow } from './flow.js';
import { elapsedNs } from './nstime.js';

/** Wireshark's out-of-order threshold while the initial RTT is unknown, in nanoseconds. */
export const DEFAULT_OUT_OF_ORDER_THRESHOLD_NS = 3_000_000;

/** `initialRttNs`: the connection's initial RTT in ns, 0 while unknown (Infinity if negative: a guint64). */
export function isOutOfOrder(seg: Segment, seqNotAdvanced: boolean, fwd: WiresharkFlow, initialRttNs: number): boolean {
  const threshold = initialRttNs === 0 ? DEFAULT_OUT_OF_ORDER_THRESHOLD_NS : initialRttNs;
  const end = seqAdd(seg.seq, seg.len + ((seg.flags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0 ? 1 : 0));
  return seqNotAdvanced && elapsedNs(seg.tsSec, seg.tsNsec, fwd.nextSeqSec, fwd.nextSeqNsec) < threshold && fwd.nextSeq !== end;
}
