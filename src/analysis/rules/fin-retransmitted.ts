import { seqAdd } from '../../tcp/seq.js';
import { defineAnomaly } from '../anomaly.js';
import { noCopies, recordCopy, type CopiesBySide } from '../segment-copies.js';

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
    recordCopy(ctx.memo(noCopies), ctx.side, seg.frame, seg.time);
  },
  onEnd(ctx) {
    const memo = ctx.seen<CopiesBySide>();
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
