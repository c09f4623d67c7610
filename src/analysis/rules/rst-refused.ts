import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'rst-refused',
  severity: 'warning',
  zeek: 'REJ',
  rfc: 'RFC 9293 §3.10.7.3; §3.5.2',
  doc: `Set when all of the following are true:
        - the segment has RST set
        - its receiver is in SYN-SENT (its SYN is unanswered)
        - the RST acknowledges that SYN (SEG.ACK = ISS + 1), so the receiver accepts it: connection refused`,
  onSegment(ctx) {
    const { seg, receiverBefore } = ctx;
    if (!seg.rst || receiverBefore !== 'SYN-SENT') return;
    if (!ctx.receiverChanges.some((c) => c.to === 'CLOSED' && c.from === 'SYN-SENT')) return;
    ctx.report(seg.frame, ctx.side, `the ${ctx.side} answered the ${ctx.peerSide}'s SYN with RST (ack ${seg.ack}): connection refused`);
  },
});
