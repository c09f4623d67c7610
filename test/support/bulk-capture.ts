/**
 * A crafted bulk transfer for the graph and ladder tests, its numbers known by construction:
 * the client (198.51.100.7:50000, ISN 1000) sends a 100-byte request; the server (203.0.113.5:80,
 * ISN 5000) answers with `segments` segments of 1000 bytes (relative sequence 1 + 1000·i), the
 * client ACKing every second one with a window of 512 << 7. Segment `lost` is never captured:
 * three duplicate ACKs with a SACK block follow, then its retransmission. After segment
 * `stallAt` the client shuts its window for 20 s; the server probes it every 4 s (one byte at
 * the next sequence number: Wireshark's zero_window_probe), then the window opens. FINs close.
 */
import { collectChunks, PcapWriter } from '../../src/craft/capture-writer.js';
import { buildTcpFrame, type TcpOptionsSpec } from '../../src/craft/packet-builder.js';
import { TcpFlag } from '../../src/decode/fields.js';

export interface Bulk {
  pcap: Buffer;
  /** Relative start of each data segment the server sent, by index, and the lost one's index. */
  segments: number;
  lost: number;
  stallAt: number;
  /** Relative sequence number after the last data byte. */
  end: number;
}

const C = { ip: '198.51.100.7', port: 50000, isn: 1000 };
const S = { ip: '203.0.113.5', port: 80, isn: 5000 };
const { ACK, PSH, SYN, FIN } = TcpFlag;

export function bulkTransfer(segments: number, lost = Math.floor(segments / 4), stallAt = Math.floor(segments / 2)): Bulk {
  const out = collectChunks();
  const w = new PcapWriter(out.sink, { linkType: 1 });
  let t = 1_700_000_000;
  const emit = (dt: number, fromClient: boolean, flags: number, relSeq: number, relAck: number, len: number, win: number, options?: TcpOptionsSpec) => {
    t += dt;
    const a = fromClient ? C : S;
    const b = fromClient ? S : C;
    const sec = Math.floor(t);
    w.packet(sec, Math.round((t - sec) * 1e6) * 1000, buildTcpFrame({ src: a.ip, dst: b.ip, sport: a.port, dport: b.port, seq: (a.isn + relSeq) >>> 0, ack: flags & ACK ? (b.isn + relAck) >>> 0 : 0, flags, win, payload: len, ...(options ? { options } : {}) }));
  };
  const opts = { mss: 1460, wscale: 7, sackPerm: true };
  emit(0, true, SYN, 0, 0, 0, 64240, opts);
  emit(0.02, false, SYN | ACK, 0, 1, 0, 65160, opts);
  emit(0.02, true, ACK, 1, 1, 0, 512);
  emit(0.001, true, PSH | ACK, 1, 1, 100, 512);
  const cAck = 101; // the client's sequence number after its request
  let s = 1; // the server's next relative sequence number
  let cum = 1; // what the client has received in order
  let held = 0; // segments since the client's last ACK
  const lostAt = 1 + 1000 * lost;
  for (let i = 0; i < segments; i++) {
    const seq = 1 + 1000 * i;
    s = seq + 1000;
    if (i === lost) continue; // never captured
    emit(0.0001, false, ACK, seq, cAck, 1000, 509);
    if (i < lost || cum > lostAt) cum = seq + 1000;
    if (i > lost && i <= lost + 3) {
      // A duplicate ACK with the SACK block of what arrived beyond the hole.
      const sack: TcpOptionsSpec = { sack: [[(S.isn + lostAt + 1000) >>> 0, (S.isn + s) >>> 0]] };
      emit(0.00005, true, ACK, cAck, lostAt, 0, 512, sack);
      if (i === lost + 3) {
        emit(0.0002, false, ACK, lostAt, cAck, 1000, 509); // the fast retransmission
        cum = s;
        emit(0.00005, true, ACK, cAck, cum, 0, 512);
        held = 0;
      }
      continue;
    }
    if (++held === 2 || i === stallAt) {
      emit(0.00005, true, ACK, cAck, cum, 0, i === stallAt ? 0 : 512);
      held = 0;
    }
    if (i === stallAt) {
      for (let k = 0; k < 5; k++) {
        emit(4, false, ACK, s, cAck, 1, 509); // zero-window probe
        emit(0.02, true, ACK, cAck, s, 0, 0);
      }
      emit(0.5, true, ACK, cAck, s, 0, 512); // the window opens
    }
  }
  emit(0.001, false, FIN | ACK, s, cAck, 0, 509);
  emit(0.02, true, FIN | ACK, cAck, s + 1, 0, 512);
  emit(0.02, false, ACK, s + 1, cAck + 1, 0, 509);
  return { pcap: out.result(), segments, lost, stallAt, end: s };
}
