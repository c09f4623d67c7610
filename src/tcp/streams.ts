/**
 * When Wireshark starts a new conversation, a new `tcp.stream`, on a four-tuple it has seen
 * (packet-tcp.c, dissect_tcp, Wireshark 4.0; the tshark all oracles here were made with).
 * The conversation of a packet is the latest one of its four-tuple; only a pure SYN can start
 * another, and only when all of the following are true:
 * - SYN is set and ACK is not;
 * - its direction's base sequence number is known (see relative-seq.ts);
 * - its sequence number differs from that base: a new ISN, so a new connection.
 * There is no time or state condition: a SYN resent with the same ISN, after a RST or a FIN
 * and however late, stays in the stream (and is a retransmission); a SYN with a new ISN starts a
 * new stream even while the old connection is open. The new stream's SYN is flagged reused_ports.
 */
import { TcpFlag } from '../decode/fields.js';
import type { WiresharkBases } from './relative-seq.js';
import type { Segment } from './segment.js';

export function isNewStreamSyn(seg: Segment, bases: WiresharkBases, fromA: boolean): boolean {
  return (seg.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN && bases.isSet(fromA) && seg.seq !== bases.base(fromA);
}
