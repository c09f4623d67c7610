/**
 * Packet ladders for Zeek's model, with times: one line per segment,
 *
 *   t=5.2  C>S  SYN,ACK  seq=0 ack=1 len=0 win=512 wscale=2 bad cut
 *
 * `t` is seconds since the ladder's start; C>S client to server, C<S or S>C back. seq is relative
 * to the sender's ISN, ack to the receiver's; both default to what the sender has sent and
 * received so far. `bad` marks a bad TCP checksum, `cut` a payload cut by the snap length. Segments go through Zeek's timer queue and
 * ZeekTrack as the tracker sends them (timers first, then the packet), so a ladder shows the
 * conn.log rows Zeek would write for one four-tuple.
 */
import { zeekConnState } from '../../../src/analysis/conn-summary.js';
import { TcpFlag } from '../../../src/decode/fields.js';
import { Segment } from '../../../src/tcp/segment.js';
import { ZEEK_DEFAULTS, type ZeekConfig } from '../../../src/tcp/zeek/config.js';
import type { ZeekSession } from '../../../src/tcp/zeek/session.js';
import { ZeekTimers } from '../../../src/tcp/zeek/timers.js';
import { ZeekTrack } from '../../../src/tcp/zeek/track.js';

export const CLIENT_ISN = 0xffffd8ef;
export const SERVER_ISN = 0xfffffff0;
const T0 = 1_700_000_000;

export interface ZeekLadderResult {
  track: ZeekTrack;
  rows: ZeekSession[];
  timers: ZeekTimers;
}

export function zeekLadder(text: string, opts: { cfg?: Partial<ZeekConfig>; clientPort?: number; serverPort?: number } = {}): ZeekLadderResult {
  const cfg: ZeekConfig = { ...ZEEK_DEFAULTS, ...opts.cfg };
  const ports = { C: opts.clientPort ?? 50000, S: opts.serverPort ?? 50001 };
  const isn = { C: CLIENT_ISN, S: SERVER_ISN };
  const next = { C: 0, S: 0 };
  const rcvd = { C: 0, S: 0 };
  const timers = new ZeekTimers();
  let track: ZeekTrack | null = null;
  let aIsC = true;
  let frame = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^t=([\d.]+)\s+(C>S|C<S|S>C)\s+([A-Z,]+|none)\s*(.*)$/.exec(line);
    if (m === null) throw new Error(`zeek ladder: cannot read "${line}"`);
    const t = Number(m[1]);
    const from = m[2] === 'C>S' ? 'C' : 'S';
    const to = from === 'C' ? 'S' : 'C';
    const flags = m[3] === 'none' ? 0 : (m[3] ?? '').split(',').reduce((f, n) => f | (TcpFlag as Record<string, number>)[n]!, 0);
    const words = (m[4] ?? '').split(/\s+/).filter(Boolean);
    const p = Object.fromEntries(words.filter((w) => w.includes('=')).map((w) => w.split('=') as [string, string]));
    const seg = new Segment();
    seg.frame = ++frame;
    const abs = T0 + t;
    seg.tsSec = Math.floor(abs);
    seg.tsNsec = Math.round((abs - seg.tsSec) * 1e9);
    const relSeq = p['seq'] !== undefined ? Number(p['seq']) : next[from];
    const relAck = p['ack'] !== undefined ? Number(p['ack']) : rcvd[from];
    seg.seq = (isn[from] + relSeq) >>> 0;
    seg.ack = (flags & TcpFlag.ACK) !== 0 ? (isn[to] + relAck) >>> 0 : 0;
    seg.flags = flags;
    seg.len = Number(p['len'] ?? 0);
    seg.win = Number(p['win'] ?? 1024);
    seg.ipLen = 40 + seg.len;
    if (p['wscale'] !== undefined) seg.wscale = Number(p['wscale']);
    seg.badChecksum = words.includes('bad');
    seg.payloadCut = words.includes('cut');
    const consumed = seg.rst ? 0 : seg.len + (seg.syn ? 1 : 0) + (seg.fin ? 1 : 0);
    if (((relSeq + consumed) | 0) > next[from]) next[from] = relSeq + consumed;
    if ((flags & TcpFlag.ACK) !== 0 && relAck > rcvd[from]) rcvd[from] = relAck;
    timers.advance(seg.time);
    if (track === null) {
      aIsC = from === 'C';
      track = new ZeekTrack(seg, ports[from], ports[to], cfg, timers);
    }
    track.process(seg, (from === 'C') === aIsC);
  }
  if (track === null) throw new Error('zeek ladder: no segments');
  return { track, rows: track.sessions, timers };
}

/** conn_state, history, packets and what ended each row, e.g. "S0 S 3/0 attempt". */
export function summary(rows: ZeekSession[]): string[] {
  return rows.map((z) => `${zeekConnState(z)} ${z.history === '' ? '(empty)' : z.history} ${z.orig.packets}/${z.resp.packets} ${z.removed ?? 'end'}`);
}
