/**
 * tcp.analysis.zero_window — "TCP ZeroWindow".
 *
 * Set when all of the following are true (packet-tcp.c, tcp_analyze_sequence_number):
 * - the raw window field is 0;
 * - none of SYN, FIN and RST is set.
 */
import { TcpFlag } from '../../decode/fields.js';
import type { Segment } from '../../tcp/segment.js';

export function isZeroWindow(seg: Segment): boolean {
  return seg.win === 0 && (seg.flags & (TcpFlag.RST | TcpFlag.FIN | TcpFlag.SYN)) === 0;
}
