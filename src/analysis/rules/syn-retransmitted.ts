import { defineAnomaly } from '../anomaly.js';
import { noCopies, recordCopy, type CopiesBySide } from '../segment-copies.js';

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
    recordCopy(ctx.memo(noCopies), ctx.side, seg.frame, seg.time);
  },
  onEnd(ctx) {
    const m = ctx.seen<CopiesBySide>();
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
