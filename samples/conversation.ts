/**
 * A tiny scripting aid for crafting TCP conversations: each side keeps its own next sequence
 * number and the last one it received, so a story reads as who sent which flags when.
 */
import { TcpFlag } from '../src/decode/fields.js';
import { buildTcpFrame, type TcpOptionsSpec } from '../src/craft/packet-builder.js';

export interface Endpoint {
  ip: string;
  port: number;
  isn: number;
}

export interface CraftedPacket {
  tsSec: number;
  tsNsec: number;
  data: Buffer;
}

export type Side = 'C' | 'S';

export interface SendOptions {
  /** Payload length. */
  len?: number;
  /** Seconds after the previous packet of the whole capture. */
  dt?: number;
  /** Override the sequence number (for retransmissions), relative to the ISN. */
  relSeq?: number;
  /** Override the acknowledgment number, relative to the peer's ISN. */
  relAck?: number;
  win?: number;
  options?: TcpOptionsSpec;
}

/** Flags spelled as formatFlags spells them: "SYN", "SYN,ACK", "FIN,ACK", "RST". */
export function parseFlags(spec: string): number {
  let flags = 0;
  for (const name of spec.split(',')) {
    const bit = (TcpFlag as Record<string, number>)[name.trim()];
    if (bit === undefined) throw new Error(`unknown flag ${name}`);
    flags |= bit;
  }
  return flags;
}

export class Conversation {
  private readonly next: Record<Side, number>;
  /** What each side has received in order (its RCV.NXT), relative to the peer's ISN. */
  private readonly received: Record<Side, number> = { C: 0, S: 0 };

  constructor(
    private readonly out: CraftedPacket[],
    private readonly clock: { t: number },
    readonly client: Endpoint,
    readonly server: Endpoint,
  ) {
    this.next = { C: 0, S: 0 };
  }

  send(side: Side, flags: string, o: SendOptions = {}): void {
    const from = side === 'C' ? this.client : this.server;
    const to = side === 'C' ? this.server : this.client;
    const peer: Side = side === 'C' ? 'S' : 'C';
    const bits = parseFlags(flags);
    const len = o.len ?? 0;
    const rel = o.relSeq ?? this.next[side];
    const relAck = o.relAck ?? this.received[side];
    this.clock.t += o.dt ?? 0.001;
    const sec = Math.floor(this.clock.t);
    this.out.push({
      tsSec: sec,
      tsNsec: Math.round((this.clock.t - sec) * 1e6) * 1000,
      data: buildTcpFrame({
        src: from.ip,
        dst: to.ip,
        sport: from.port,
        dport: to.port,
        seq: (from.isn + rel) >>> 0,
        ack: (bits & TcpFlag.ACK) !== 0 ? (to.isn + relAck) >>> 0 : 0,
        flags: bits,
        win: o.win ?? (bits & TcpFlag.RST ? 0 : 64240),
        payload: len,
        ...(o.options ? { options: o.options } : {}),
      }),
    });
    const consumed = len + ((bits & TcpFlag.SYN) !== 0 ? 1 : 0) + ((bits & TcpFlag.FIN) !== 0 ? 1 : 0);
    const end = rel + consumed;
    if (end > this.next[side]) this.next[side] = end;
    // Delivery is assumed in order: the peer has now received up to this segment's end.
    if (rel <= this.received[peer] && end > this.received[peer]) this.received[peer] = end;
  }

  /** The client's SYN, the server's SYN-ACK and the client's ACK. */
  handshake(rtt = 0.02): void {
    this.send('C', 'SYN', { options: { mss: 1460, sackPerm: true, wscale: 7 } });
    this.send('S', 'SYN,ACK', { dt: rtt / 2, options: { mss: 1460, sackPerm: true, wscale: 7 } });
    this.send('C', 'ACK', { dt: rtt / 2 });
  }
}
