/**
 * Wireshark's base sequence numbers, from which its relative numbers (tcp.seq, tcp.ack) count,
 * per direction of a conversation (packet-tcp.c, dissect_tcp, Wireshark 4.0). The one place
 * they are computed: the tracker's stream rule, the sequence analysis and the ladders read them.
 *
 * - A direction's base is set by its first segment: a SYN's sequence number, else one below
 *   the sequence number (so a capture that starts mid-stream counts from 1; bug 1542).
 * - Until then, the first segment with ACK from the other direction sets it to ACK − 1 (the
 *   ISN, when that segment acknowledges the SYN).
 * - A SYN,ACK whose sequence number differs from its direction's base moves the base there
 *   (and is flagged reused_ports; issue 16944).
 */
import { TcpFlag } from '../decode/fields.js';
import type { Segment } from './segment.js';

/** What the last segment did to the bases (for the sequence analysis). */
export const BaseEvent = {
  none: 0,
  /** A pure SYN with the sequence number of its direction's base: the same stream, resent. */
  synAtBase: 1,
  /** A SYN,ACK that moved its direction's base. */
  synAckRebased: 2,
} as const;

export class WiresharkBases {
  baseA = 0;
  baseB = 0;
  setA = false;
  setB = false;
  lastEvent: number = BaseEvent.none;

  base(fromA: boolean): number {
    return fromA ? this.baseA : this.baseB;
  }

  isSet(fromA: boolean): boolean {
    return fromA ? this.setA : this.setB;
  }

  /** Takes one segment of the conversation, in capture order. */
  update(seg: Segment, fromA: boolean): void {
    const f = seg.flags & (TcpFlag.SYN | TcpFlag.ACK);
    const fwdSet = fromA ? this.setA : this.setB;
    const fwdBase = fromA ? this.baseA : this.baseB;
    this.lastEvent = BaseEvent.none;
    if (f === TcpFlag.SYN && fwdSet && seg.seq === fwdBase) this.lastEvent = BaseEvent.synAtBase;
    if (f === (TcpFlag.SYN | TcpFlag.ACK) && fwdSet && seg.seq !== fwdBase) {
      this.setBase(fromA, seg.seq);
      this.lastEvent = BaseEvent.synAckRebased;
    }
    if (!fwdSet) this.setBase(fromA, (seg.flags & TcpFlag.SYN) !== 0 ? seg.seq : (seg.seq - 1) >>> 0);
    if ((seg.flags & TcpFlag.ACK) !== 0 && !(fromA ? this.setB : this.setA)) this.setBase(!fromA, (seg.ack - 1) >>> 0);
  }

  /** Takes another conversation's bases; `swap` when its a and b are this one's b and a. */
  copyFrom(o: WiresharkBases, swap: boolean): void {
    this.baseA = swap ? o.baseB : o.baseA;
    this.baseB = swap ? o.baseA : o.baseB;
    this.setA = swap ? o.setB : o.setA;
    this.setB = swap ? o.setA : o.setB;
  }

  private setBase(a: boolean, base: number): void {
    if (a) {
      this.baseA = base;
      this.setA = true;
    } else {
      this.baseB = base;
      this.setB = true;
    }
  }
}
