import { seqGeq } from '../../tcp/seq.js';
import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'data-after-fin',
  severity: 'warning',
  rfc: 'RFC 9293 §3.10.4 ("no more data will be sent")',
  doc: `Set when all of the following are true:
        - the segment carries payload
        - its sender sent a FIN earlier
        - the payload lies at or beyond that FIN's sequence number (new data, not a retransmission)`,
  onSegment(ctx) {
    const { seg, sender } = ctx;
    if (seg.len === 0 || seg.rst || !sender.sawFin || seg.frame === sender.finFrame) return;
    if (!seqGeq(seg.seq, sender.finSeq)) return;
    ctx.report(seg.frame, ctx.side, `the ${ctx.side} sent ${seg.len} bytes at sequence ${seg.seq}, at or after its FIN (frame ${sender.finFrame}, sequence ${sender.finSeq})`);
  },
});
