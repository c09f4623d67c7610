/**
 * Writes a capture of many short connections, for the memory passes of `npm run bench`: each
 * from its own source address (10.x.y.z) to 192.0.2.80:443, `spacingUs` apart. A connection is
 * `refused` (SYN, then RST,ACK from the server) or `unanswered` (a lone SYN: a spoofed SYN flood).
 * Memory must follow the connections alive at once, not their number.
 */
import { PcapWriter } from '../src/craft/capture-writer.js';
import { buildTcpFrame } from '../src/craft/packet-builder.js';
import { LinkType, TcpFlag } from '../src/decode/fields.js';
import { fileSink } from './file-sink.js';

export type ManyKind = 'refused' | 'unanswered';

export function generateManyConnections(path: string, count: number, spacingUs: number, kind: ManyKind): { packets: number } {
  const out = fileSink(path);
  const w = new PcapWriter(out.sink, { linkType: LinkType.ETHERNET });
  const t0 = 1_700_000_000 * 1e6;
  let packets = 0;
  for (let i = 0; i < count; i++) {
    const src = `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
    const sport = 1024 + (i % 60000);
    const isn = (i * 2654435761) >>> 0;
    const t = t0 + i * spacingUs;
    w.packet(Math.floor(t / 1e6), (t % 1e6) * 1000, buildTcpFrame({ src, dst: '192.0.2.80', sport, dport: 443, seq: isn, flags: TcpFlag.SYN, win: 64240 }));
    packets++;
    if (kind === 'refused') {
      const tr = t + 50;
      w.packet(Math.floor(tr / 1e6), (tr % 1e6) * 1000, buildTcpFrame({ src: '192.0.2.80', dst: src, sport: 443, dport: sport, seq: 0, ack: (isn + 1) >>> 0, flags: TcpFlag.RST | TcpFlag.ACK, win: 0 }));
      packets++;
    }
  }
  out.close();
  return { packets };
}
