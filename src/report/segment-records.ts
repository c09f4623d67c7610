/**
 * The segments of one connection as a ladder shows them (SegmentRecord), numbered as Wireshark
 * numbers them: relative sequence and ACK numbers from tcp/relative-seq.ts and the scaled window
 * (tcp.window_size), replayed in capture order, so each is what tshark shows at that frame; with
 * the options the segment carries (SACK edges relative to the peer's base, as tshark shows them).
 */
import { WINDOW_SCALE_UNKNOWN, WiresharkFlow, scaledWindow, windowOptions } from '../analysis/flags/flow.js';
import { formatTimestamp } from '../capture/timestamp.js';
import { WiresharkBases } from '../tcp/relative-seq.js';
import type { Segment } from '../tcp/segment.js';
import { seqRel } from '../tcp/seq.js';
import type { SegmentRecord } from './model.js';

/** `t0`: the time `t` counts from; `sideOf`: which side endpoint a and b are. */
export function segmentRecords(t0: number, sideOf: (endpoint: 'a' | 'b') => 'client' | 'server', list: { seg: Segment; fromA: boolean }[]): SegmentRecord[] {
  const bases = new WiresharkBases();
  const a = new WiresharkFlow();
  const b = new WiresharkFlow();
  return list.map(({ seg, fromA }) => {
    bases.update(seg, fromA);
    const fwd = fromA ? a : b;
    const windowSize = scaledWindow(seg, fwd);
    windowOptions(seg, fwd, fromA ? b : a);
    const r: SegmentRecord = {
      frame: seg.frame,
      ts: formatTimestamp(seg.tsSec, seg.tsNsec),
      t: seg.time - t0,
      from: sideOf(fromA ? 'a' : 'b'),
      flags: seg.flags,
      seq: seg.seq,
      ack: seg.ack,
      relSeq: seqRel(seg.seq, bases.base(fromA)),
      relAck: seg.hasAck && bases.isSet(!fromA) ? seqRel(seg.ack, bases.base(!fromA)) : null,
      len: seg.len,
      win: seg.win,
      windowSize,
      windowScaleKnown: seg.syn || fwd.winScale !== WINDOW_SCALE_UNKNOWN,
    };
    // Options only where present: a 40,000-segment ladder is embedded in the page.
    if (seg.mss >= 0) r.mss = seg.mss;
    if (seg.wscale >= 0) r.wscale = seg.wscale;
    if (seg.sackPerm) r.sackPermitted = true;
    if (seg.tfoCookieLen >= 0) r.tfo = seg.tfoCookieLen;
    if (seg.hasTimestamp) {
      r.tsval = seg.tsVal;
      r.tsecr = seg.tsEcr;
    }
    if (seg.sackBlocks > 0 && bases.isSet(!fromA)) {
      const peerBase = bases.base(!fromA);
      r.sack = [];
      for (let i = 0; i < 2 * seg.sackBlocks; i++) r.sack.push(seqRel(seg.sack[i] as number, peerBase));
    }
    return r;
  });
}
