import { defineAnomaly } from '../anomaly.js';

/** A side's copies of its SYN: the first one's frame and time; lists only once it is sent again. */
interface Copies {
  firstFrame: number;
  firstTime: number;
  frames: number[] | null;
  times: number[] | null;
}

interface SynCopies {
  client: Copies | null;
  server: Copies | null;
}

export default defineAnomaly({
  id: 'syn-retransmitted',
  severity: 'note',
  wireshark: 'tcp.analysis.retransmission on a SYN',
  rfc: 'RFC 9293 §3.8.1; RFC 6298 §5 (initial RTO)',
  doc: `Set when all of the following are true:
        - a segment has SYN set (with or without ACK) and RST clear
        - its sender sent a SYN with the same sequence number before, in this connection
        Reported once per side with the number of copies and the interval between the first two.`,
  onSegment(ctx) {
    const { seg, sender } = ctx;
    if (!seg.syn || seg.rst || seg.seq !== sender.isn) return;
    const m = ctx.memo<SynCopies>(() => ({ client: null, server: null }));
    const c = m[ctx.side];
    if (c === null) m[ctx.side] = { firstFrame: seg.frame, firstTime: seg.time, frames: null, times: null };
    else {
      (c.frames ??= [c.firstFrame]).push(seg.frame);
      (c.times ??= [c.firstTime]).push(seg.time);
    }
  },
  onEnd(ctx) {
    const m = ctx.seen<SynCopies>();
    if (m === undefined) return;
    for (const side of ['client', 'server'] as const) {
      const frames = m[side]?.frames;
      const t = m[side]?.times;
      if (!frames || !t) continue; // sent once
      const gap = (((t[1] ?? 0) - (t[0] ?? 0)) * 1000).toFixed(1);
      ctx.report(frames[1] as number, side, `the ${side}'s ${side === 'client' ? 'SYN' : 'SYN,ACK'} was sent ${frames.length} times (frames ${frames.join(', ')}); ${gap} ms between the first two`, frames);
    }
  },
});
