/**
 * Wireshark's tcp.completeness (epan/dissectors/packet-tcp.c, dissect_tcp and the
 * TCP_COMPLETENESS_* bits): which parts of a conversation were seen. In a new conversation only
 * a pure SYN counts ("pure SYN must be sought in new conversations only"), with DATA for TCP Fast
 * Open data; afterwards SYN-ACK, pure ACK or data-carrying ACK, FIN-ACK and RST.
 */
import { TcpFlag } from '../decode/fields.js';
import type { Segment } from './segment.js';

export const Completeness = { SYN: 1, SYN_ACK: 2, ACK: 4, DATA: 8, FIN: 16, RST: 32 } as const;

/** The completeness bits after one more segment of the conversation (isFirst: its first). */
export function completenessAfter(bits: number, seg: Segment, isFirst: boolean): number {
  const f = seg.flags;
  const synAck = f & (TcpFlag.SYN | TcpFlag.ACK);
  if (isFirst) {
    if (synAck === TcpFlag.SYN) {
      bits |= Completeness.SYN;
      if (seg.len > 0) bits |= Completeness.DATA;
    }
    return bits;
  }
  if (synAck === (TcpFlag.SYN | TcpFlag.ACK)) bits |= Completeness.SYN_ACK;
  if (synAck === TcpFlag.ACK) bits |= seg.len > 0 ? Completeness.DATA : Completeness.ACK;
  if ((f & (TcpFlag.FIN | TcpFlag.ACK)) === (TcpFlag.FIN | TcpFlag.ACK)) bits |= Completeness.FIN;
  if ((f & TcpFlag.RST) !== 0) bits |= Completeness.RST;
  return bits;
}
