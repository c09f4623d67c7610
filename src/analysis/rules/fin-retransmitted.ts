import { seqAdd } from '../../tcp/seq.js';
import { defineAnomaly } from '../anomaly.js';

/** A side's copies of its FIN: the first one's frame and time; lists only once it is sent again. */
interface Copies {
  firstFrame: number;
  firstTime: number;
  frames: number[] | null;
  times: number[] | null;
}

interface FinCopies {
  client: Copies | null;
  server: Copies | null;
}

export default defineAnomaly({
  id: 'fin-retransmitted',
  severity: 'warning',
  wireshark: 'tcp.analysis.retransmission on a FIN',
  zeek: 'invisible in history: a FIN at the same sequence number adds no F',
  rfc: 'RFC 9293 §3.8.1',
  doc: `Set when all of the following are true:
        - a segment has FIN set and RST clear
        - its sender sent a FIN before
        - this FIN occupies the same sequence number as the first one
        Reported once per side, with the number of copies and the time from the first to the last.`,
  onSegment(ctx) {
    const { seg, sender } = ctx;
    if (!seg.fin || seg.rst) return;
    if (seqAdd(seg.seq, seg.len + (seg.syn ? 1 : 0)) !== sender.finSeq) return;
    const m = ctx.memo<FinCopies>(() => ({ client: null, server: null }));
    const c = m[ctx.side];
    if (c === null) m[ctx.side] = { firstFrame: seg.frame, firstTime: seg.time, frames: null, times: null };
    else {
      (c.frames ??= [c.firstFrame]).push(seg.frame);
      (c.times ??= [c.firstTime]).push(seg.time);
    }
  },
  onEnd(ctx) {
    const memo = ctx.seen<FinCopies>();
    if (memo === undefined) return;
    for (const side of ['client', 'server'] as const) {
      const frames = memo[side]?.frames;
      const times = memo[side]?.times;
      if (!frames || !times) continue; // sent once
      const span = ((times[times.length - 1] ?? 0) - (times[0] ?? 0)) * 1000;
      const finSeq = ctx.conn.endpointOf(side).finSeq;
      ctx.report(frames[1] as number, side, `the ${side} sent its FIN (sequence ${finSeq}) ${frames.length} times, frames ${frames.join(', ')}, over ${span.toFixed(1)} ms`, frames);
    }
  },
});
