/**
 * Writes the benchmark capture: a deterministic, realistic TCP mix (our own writer), about
 * 200 MB. Connections interleave; each opens with a handshake, moves data in both directions
 * with delayed ACKs (bulk transfers) or in small request/response exchanges, and ends with a FIN close (most), a RST (some) or not at all; some
 * segments are retransmitted; one connection in ten is IPv6; one in eight sits on a VLAN.
 */
import { PcapWriter } from '../src/craft/capture-writer.js';
import { buildTcpFrame, type SegmentSpec } from '../src/craft/packet-builder.js';
import { LinkType, TcpFlag } from '../src/decode/fields.js';
import { fileSink } from './file-sink.js';

const S = TcpFlag.SYN;
const A = TcpFlag.ACK;
const F = TcpFlag.FIN;
const R = TcpFlag.RST;
const P = TcpFlag.PSH;

class Rng {
  constructor(private s: number) {}
  next(): number {
    this.s ^= this.s << 13;
    this.s ^= this.s >>> 17;
    this.s ^= this.s << 5;
    return (this.s >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

interface Conn {
  c: { ip: string; port: number; seq: number };
  s: { ip: string; port: number; seq: number };
  toSend: number;
  toReceive: number;
  /** Small request/response exchanges left (RPC, interactive and API traffic). */
  exchanges: number;
  phase: 'open' | 'data' | 'close' | 'done';
  vlan: boolean;
}

export function generateBenchCapture(path: string, targetBytes: number): { packets: number; bytes: number } {
  const rng = new Rng(0x9e3779b9);
  const out = fileSink(path);
  const w = new PcapWriter(out.sink, { linkType: LinkType.ETHERNET });
  let t = 1_700_000_000 * 1e6;
  let packets = 0;
  const emit = (conn: Conn, fromClient: boolean, flags: number, len: number, retransmit = false): void => {
    const a = fromClient ? conn.c : conn.s;
    const b = fromClient ? conn.s : conn.c;
    const spec: SegmentSpec = { src: a.ip, dst: b.ip, sport: a.port, dport: b.port, seq: a.seq, ack: flags & A ? b.seq : 0, flags, win: 502, payload: len };
    if (flags & S) spec.options = { mss: 1448, sackPerm: true, ts: [packets, 0], wscale: 7 };
    let frame = buildTcpFrame(spec);
    if (conn.vlan) {
      const tagged = Buffer.alloc(frame.length + 4);
      frame.copy(tagged, 0, 0, 12);
      tagged.writeUInt16BE(0x8100, 12);
      tagged.writeUInt16BE(100, 14);
      frame.copy(tagged, 16, 12);
      frame = tagged;
    }
    t += 5 + rng.int(200);
    w.packet(Math.floor(t / 1e6), (t % 1e6) * 1000, frame);
    packets++;
    if (!retransmit) a.seq = (a.seq + len + (flags & (S | F) ? 1 : 0)) >>> 0;
  };
  const live: Conn[] = [];
  let nextId = 0;
  while (out.bytes() < targetBytes) {
    if (live.length < 200 && rng.next() < 0.3) {
      const id = nextId++;
      const v6 = id % 10 === 0;
      live.push({
        c: { ip: v6 ? `2001:db8::${(id % 65000).toString(16)}` : `10.${(id >> 16) & 255}.${(id >> 8) & 255}.${id & 255}`, port: 1024 + (id % 60000), seq: rng.int(2 ** 32) },
        s: { ip: v6 ? '2001:db8:ffff::80' : '192.0.2.80', port: id % 3 === 0 ? 443 : 80, seq: rng.int(2 ** 32) },
        toSend: 200 + rng.int(4000),
        toReceive: rng.next() < 0.85 ? 2000 + rng.int(60_000) : 100_000 + rng.int(600_000),
        exchanges: rng.next() < 0.5 ? 5 + rng.int(60) : 0,
        phase: 'open',
        vlan: id % 8 === 0,
      });
    }
    const conn = live[rng.int(live.length)];
    if (conn === undefined) continue;
    switch (conn.phase) {
      case 'open':
        emit(conn, true, S, 0);
        emit(conn, false, S | A, 0);
        emit(conn, true, A, 0);
        conn.phase = 'data';
        break;
      case 'data': {
        if (conn.exchanges > 0) {
          emit(conn, true, A | P, 40 + rng.int(400));
          emit(conn, false, A | P, 60 + rng.int(900));
          if (rng.next() < 0.5) emit(conn, true, A, 0);
          conn.exchanges--;
        } else if (conn.toSend > 0) {
          const len = Math.min(conn.toSend, 1448);
          emit(conn, true, A | P, len);
          conn.toSend -= len;
          emit(conn, false, A, 0);
        } else if (conn.toReceive > 0) {
          // A burst of full segments, one delayed ACK per two.
          for (let i = 0; i < 4 && conn.toReceive > 0; i++) {
            const len = Math.min(conn.toReceive, 1448);
            const before = conn.s.seq;
            emit(conn, false, len < 1448 ? A | P : A, len);
            if (rng.next() < 0.01) {
              conn.s.seq = before;
              emit(conn, false, A, len, true);
              conn.s.seq = (before + len) >>> 0;
            }
            conn.toReceive -= len;
            if (i % 2 === 1 || conn.toReceive <= 0) emit(conn, true, A, 0);
          }
        } else conn.phase = 'close';
        break;
      }
      case 'close': {
        const r = rng.next();
        if (r < 0.85) {
          emit(conn, true, F | A, 0);
          emit(conn, false, F | A, 0);
          emit(conn, true, A, 0);
        } else if (r < 0.95) {
          emit(conn, true, R | A, 0);
        }
        conn.phase = 'done';
        live.splice(live.indexOf(conn), 1);
        break;
      }
      default:
        break;
    }
  }
  out.close();
  return { packets, bytes: out.bytes() };
}
